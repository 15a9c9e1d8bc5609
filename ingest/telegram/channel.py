"""One incremental crawl of a Telegram channel: messages after the cursor's `min_id`, then
the residents' comments under its recent posts.

Messages arrive oldest first (`reverse=True`) and are committed a page at a time with the
id of the last one. A `FloodWaitError` up to the bound is slept through and the crawl goes
on from the committed id; a longer one ends the run with the wait as `retry_after`.

The first crawl also keeps the channel's title in the cursor (`title`): the role of a
source nobody has given one is guessed from it (`ingest/role_guess.py`).

A post open for comments (`replies.comments`) has a thread in the channel's linked
discussion group. The cursor's `threads` keeps the most recent such posts (post id -> the
group's id and the last comment read); every run reads each thread's new comments with
`iter_messages(channel, reply_to=post_id, min_id=…)`. A thread whose post is gone, or whose
group cannot be read, is dropped without failing the channel.
"""

import asyncio
from collections.abc import Callable
from typing import Any

from telethon import errors
from telethon.errors import FloodWaitError

from ingest.failures import FailureKind, SourceFailure
from ingest.pages import Page, adapt_page
from ingest.telegram.adapt import adapt_telegram_comment, adapt_telegram_message
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
THREAD_GONE_ERRORS = (
    errors.MsgIdInvalidError,
    errors.ChannelPrivateError,
    errors.ChannelInvalidError,
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
    threads: int = 10,
) -> None:
    crawl = _Crawl(client, channel, dict(cursor), flood_wait_max_seconds, sleep, emit, threads)
    asyncio.run(crawl.run(limit))


class _Interrupted(Exception):
    def __init__(self, flood: FloodWaitError) -> None:
        super().__init__(str(flood))
        self.flood = flood


class _Crawl:
    """One run's state: the cursor it advances page by page, and the messages left to read."""

    def __init__(
        self,
        client: TelegramClientLike,
        channel: str,
        state: dict[str, Any],
        bound: float,
        sleep: Callable[[float], None],
        emit: Callable[[Page], None],
        threads: int,
    ) -> None:
        self.client, self.channel, self.state = client, channel, state
        self.state["min_id"] = int(state.get("min_id", 0))
        self.bound, self.sleep, self.emit, self.max_threads = bound, sleep, emit, threads
        self.left = 0

    async def run(self, limit: int) -> None:
        self.left = limit
        try:
            await self.client.connect()
            if not await self.client.is_user_authorized():
                raise SourceFailure(
                    FailureKind.BROKEN,
                    "the Telegram session file is not authorised (otklik ingest telegram-login)",
                )
            if "title" not in self.state:  # the channel's own name, for its role's guess
                self.state["title"] = await self._title()
            await self._with_flood_waits(self._read_channel)
            for post_id in list(self.state.get("threads", {})):
                if self.left <= 0:
                    break
                await self._with_flood_waits(lambda p=post_id: self._read_thread(p))
        except GONE_ERRORS as error:
            raise SourceFailure(FailureKind.GONE, f"{self.channel}: {error}") from error
        except BROKEN_ERRORS as error:
            raise SourceFailure(FailureKind.BROKEN, f"Telegram session: {error}") from error
        except NETWORK_ERRORS as error:
            reason = str(error) or type(error).__name__
            raise SourceFailure(FailureKind.TRANSIENT, f"{self.channel}: {reason}") from error
        finally:
            await self.client.disconnect()

    async def _with_flood_waits(self, read: Callable[[], Any]) -> None:
        for _ in range(MAX_FLOOD_SLEEPS + 1):
            try:
                await read()
                return
            except _Interrupted as interrupted:
                wait = interrupted.flood.seconds
                if wait > self.bound:
                    raise SourceFailure(
                        FailureKind.RATE_LIMITED, f"FloodWait {wait} s", wait_seconds=wait
                    ) from interrupted.flood
                await asyncio.to_thread(self.sleep, wait)  # the loop keeps its connection alive
        raise SourceFailure(FailureKind.RATE_LIMITED, "FloodWait again and again")

    async def _title(self) -> str:
        try:
            entity = await self.client.get_entity(self.channel)
        except (ValueError, FloodWaitError):  # not resolvable now: iter_messages will tell
            return ""
        return str(getattr(entity, "title", "") or "")[:300]

    async def _read_channel(self) -> None:
        messages = self.client.iter_messages(
            self.channel, limit=self.left, min_id=self.state["min_id"], reverse=True
        )
        await self._pages(messages, self._emit_channel)

    async def _read_thread(self, post_id: str) -> None:
        chat, seen = self.state["threads"][post_id]
        try:
            messages = self.client.iter_messages(
                self.channel, limit=self.left, min_id=seen, reverse=True, reply_to=int(post_id)
            )
            await self._pages(messages, lambda batch: self._emit_thread(post_id, chat, batch))
        except THREAD_GONE_ERRORS:
            del self.state["threads"][post_id]  # the post or its group is gone: not the channel
            self.emit(Page(cursor=self._cursor()))

    async def _pages(self, messages: Any, emit: Callable[[list[Any]], None]) -> None:
        batch: list[Any] = []
        try:
            async for message in messages:
                batch.append(message)
                self.left -= 1
                if len(batch) >= PAGE_SIZE:
                    emit(batch)
                    batch = []
        except FloodWaitError as flood:
            if batch:
                emit(batch)
            raise _Interrupted(flood) from flood
        if batch:
            emit(batch)

    def _emit_channel(self, batch: list[Any]) -> None:
        self.state["min_id"] = max(message.id for message in batch)
        for message in batch:
            self._follow(message)
        page = adapt_page(
            batch,
            adapt=lambda message: adapt_telegram_message(message, channel=self.channel),
            cursor=self._cursor(),
            origin=f"telegram {self.channel}",
        )
        self.emit(page)

    def _follow(self, message: Any) -> None:
        """Remember a post open for comments (the newest `max_threads` of them)."""
        replies = getattr(message, "replies", None)
        if not (replies and replies.comments and isinstance(replies.channel_id, int)):
            return
        threads = self.state.setdefault("threads", {})
        threads[str(message.id)] = [replies.channel_id, 0]
        self.state["channel_id"] = getattr(message.peer_id, "channel_id", None)
        for old in sorted(threads, key=int)[: -self.max_threads]:
            del threads[old]

    def _emit_thread(self, post_id: str, chat: int, batch: list[Any]) -> None:
        self.state["threads"][post_id] = [chat, max(message.id for message in batch)]
        own = frozenset(i for i in (chat, self.state.get("channel_id")) if isinstance(i, int))
        page = adapt_page(
            batch,
            adapt=lambda message: adapt_telegram_comment(
                message, channel=self.channel, post_id=int(post_id), own_ids=own
            ),
            cursor=self._cursor(),
            origin=f"telegram {self.channel} comments of {post_id}",
        )
        self.emit(page)

    def _cursor(self) -> dict[str, Any]:
        state = {
            **self.state,
            "threads": {k: list(v) for k, v in self.state.get("threads", {}).items()},
        }
        return state if state["threads"] else {k: v for k, v in state.items() if k != "threads"}
