"""VK through `vk_api`: walls, comments, search, community metadata, saved dumps."""
