"""Telegram through Telethon: public channels and chats, incremental by message id."""
