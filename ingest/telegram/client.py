"""The slice of Telethon's client the crawler uses, and how to build the real one."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Protocol

from telethon import TelegramClient


class TelegramClientLike(Protocol):
    """`telethon.TelegramClient` as the crawler sees it."""

    async def connect(self) -> Any: ...

    async def disconnect(self) -> Any: ...

    async def is_user_authorized(self) -> bool: ...

    async def get_entity(self, entity: str) -> Any: ...

    async def __call__(self, request: Any) -> Any: ...

    async def get_messages(self, entity: Any, *, ids: list[int]) -> Any: ...

    def iter_messages(
        self,
        entity: Any,
        *,
        limit: int | None,
        min_id: int = 0,
        max_id: int = 0,
        reverse: bool = False,
        reply_to: int | None = None,
    ) -> AsyncIterator[Any]: ...


def make_telegram_client(*, api_id: int, api_hash: str, session_path: Path) -> TelegramClient:
    """A Telethon client on a session file authorised once with `otklik ingest telegram-login`.

    The crawler never logs in: an unauthorised session marks the source broken.
    """
    session_path.parent.mkdir(parents=True, exist_ok=True)
    return TelegramClient(str(session_path), api_id, api_hash)
