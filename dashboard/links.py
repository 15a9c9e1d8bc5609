"""Where a post can be read in the original: the network's own address for it."""

import re

from models.post import Post
from models.source import SourceKind

_EXPORT_ID = re.compile(r"^(\d+)_(\d+)$")


def original_url(post: Post, *, source_kind: str | None) -> str | None:
    """The post's own link (VK `vk.com/wall…`, Telegram `t.me/…`); for a Telegram Desktop
    export (no link stored) the private-channel form `t.me/c/<chat>/<message>`."""
    if post.url and post.url.startswith(("https://", "http://")):
        return post.url
    found = _EXPORT_ID.match(post.external_id)
    if source_kind == SourceKind.TELEGRAM_EXPORT and found:
        return f"https://t.me/c/{found[1]}/{found[2]}"
    return None


def markdown_url(url: str) -> str:
    """`url` safe inside a markdown link's brackets: what would end or break it escaped."""
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C")
