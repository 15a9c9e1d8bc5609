"""File importers: Telegram Desktop exports, saved VK responses, CSV tables."""
