"""One incremental crawl of a Telegram channel: messages after the cursor's `min_id`.

Messages arrive oldest first (`reverse=True`) and are committed a page at a time with the
id of the last one. A `FloodWaitError` up to the bound is slept through and the crawl goes
on from the committed id; a longer one ends the run with the wait as `retry_after`.
"""

import asyncio
from collections.abc import Callable
from typing import Any

from telethon import errors
from telethon.errors import FloodWaitError

from ingest.failures import FailureKind, SourceFailure
from ingest.pages import Page, adapt_page
from ingest.telegram.adapt import adapt_telegram_message
from ingest.telegram.client import TelegramClientLike

PAGE_SIZE = 100
MAX_FLOOD_SLEEPS = 3
# Network trouble, so the source backs off and is crawled again later: refused, reset or timed
# out (OSError) or dropped mid-read (asyncio.IncompleteReadError is an EOFError).
NETWORK_ERRORS: tuple[type[BaseException], ...] = (OSError, EOFError)
GONE_ERRORS = (
    errors.ChannelPrivateError,
    errors.ChannelInvalidError,
    errors.UsernameInvalidError,
    errors.UsernameNotOccupiedError,
)
BROKEN_ERRORS = (
    errors.AuthKeyUnregisteredError,
    errors.AuthKeyDuplicatedError,
    errors.SessionRevokedError,
    errors.UserDeactivatedBanError,
)


def crawl_channel(
    client: TelegramClientLike,
    *,
    channel: str,
    cursor: dict[str, Any],
    limit: int,
    flood_wait_max_seconds: float,
    sleep: Callable[[float], None],
    emit: Callable[[Page], None],
) -> None:
    asyncio.run(
        _crawl(
            client,
            channel,
            int(cursor.get("min_id", 0)),
            limit,
            flood_wait_max_seconds,
            sleep,
            emit,
        )
    )


async def _crawl(
    client: TelegramClientLike,
    channel: str,
    min_id: int,
    limit: int,
    bound: float,
    sleep: Callable[[float], None],
    emit: Callable[[Page], None],
) -> None:
    try:
        await client.connect()
        if not await client.is_user_authorized():
            raise SourceFailure(
                FailureKind.BROKEN,
                "the Telegram session file is not authorised (otklik ingest telegram-login)",
            )
        await _read_with_flood_waits(client, channel, min_id, limit, bound, sleep, emit)
    except GONE_ERRORS as error:
        raise SourceFailure(FailureKind.GONE, f"{channel}: {error}") from error
    except BROKEN_ERRORS as error:
        raise SourceFailure(FailureKind.BROKEN, f"Telegram session: {error}") from error
    except NETWORK_ERRORS as error:
        reason = str(error) or type(error).__name__
        raise SourceFailure(FailureKind.TRANSIENT, f"{channel}: {reason}") from error
    finally:
        await client.disconnect()


async def _read_with_flood_waits(
    client: TelegramClientLike,
    channel: str,
    min_id: int,
    limit: int,
    bound: float,
    sleep: Callable[[float], None],
    emit: Callable[[Page], None],
) -> None:
    for _ in range(MAX_FLOOD_SLEEPS + 1):
        try:
            await _read(client, channel, min_id, limit, emit)
            return
        except _Interrupted as interrupted:
            min_id, limit = interrupted.min_id, limit - interrupted.read
            wait = interrupted.flood.seconds
            if wait > bound:
                raise SourceFailure(
                    FailureKind.RATE_LIMITED, f"FloodWait {wait} s", wait_seconds=wait
                ) from interrupted.flood
            await asyncio.to_thread(sleep, wait)  # the client's loop keeps its connection alive
    raise SourceFailure(FailureKind.RATE_LIMITED, "FloodWait again and again")


class _Interrupted(Exception):
    def __init__(self, flood: FloodWaitError, min_id: int, read: int) -> None:
        super().__init__(str(flood))
        self.flood, self.min_id, self.read = flood, min_id, read


async def _read(
    client: TelegramClientLike,
    channel: str,
    min_id: int,
    limit: int,
    emit: Callable[[Page], None],
) -> None:
    batch: list[Any] = []
    read = 0
    try:
        async for message in client.iter_messages(
            channel, limit=limit, min_id=min_id, reverse=True
        ):
            batch.append(message)
            read += 1
            if len(batch) >= PAGE_SIZE:
                min_id = _emit(batch, channel, emit)
    except FloodWaitError as flood:
        min_id = _emit(batch, channel, emit) if batch else min_id
        raise _Interrupted(flood, min_id, read) from flood
    if batch:
        _emit(batch, channel, emit)


def _emit(batch: list[Any], channel: str, emit: Callable[[Page], None]) -> int:
    last = max(message.id for message in batch)
    page = adapt_page(
        batch,
        adapt=lambda message: adapt_telegram_message(message, channel=channel),
        cursor={"min_id": last},
        origin=f"telegram {channel}",
    )
    emit(page)
    batch.clear()
    return last
