"""One incremental crawl of a Telegram channel: messages after the cursor's `min_id`, then
the residents' comments under its posts.

Messages arrive oldest first (`reverse=True`) and are committed a page at a time with the
id of the last one. A `FloodWaitError` up to the bound is slept through and the crawl goes
on from the committed id; a longer one ends the run with the wait as `retry_after`.

The first crawl also keeps the channel's title in the cursor (`title`): the role of a
source nobody has given one is guessed from it (`ingest/role_guess.py`).

A post open for comments (`replies.comments`) has a thread in the linked discussion group.
Where the channel has one the account can read (`GetFullChannelRequest`, one request a run),
the group's history is read forward from the cursor's `group.min_id`, a page at a time like
the channel's: every comment on any post, old or new, is a message there
(`ingest/telegram/linked_group.py`). `group.tops` maps the latest `watch` posts' copies in the
group to their posts; a comment whose thread hangs on a copy not remembered asks for it
(`get_messages`, 100 ids a request). A deleted comment cannot hide a new one on this path.

Without a readable linked group (none linked, or one the account may not read: its
`ChannelPrivateError` is remembered as `private_group`, with the time as `private_at`) each
post is read on its own. A private group is tried again once `group_retry_seconds` have
passed (an older cursor with no `private_at`: at its next run); while it is still private,
the per-post threads go on from where they were. The
cursor's `threads` keeps the channel's latest `watch` such posts: post id -> the group's
id, the last comment read and the post's comment count (`replies.replies`) when its thread
was last read through. Every run after the first re-reads the headers of the latest `watch`
posts it had already read (newest first, a request per 100) to learn their comment counts;
a thread whose count grew is read with `iter_messages(channel, reply_to=post_id, min_id=…)`,
oldest post first and at most `threads_per_run` of them a run, so none waits for ever and the
rest stay due in the cursor. A thread whose post is gone, or whose group cannot be read, is
dropped (`gone`) without failing the channel.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from telethon import errors
from telethon.errors import FloodWaitError

from ingest.failures import FailureKind, SourceFailure
from ingest.pages import Page, adapt_page
from ingest.rejection import Skipped
from ingest.telegram.adapt import adapt_telegram_comment, adapt_telegram_message
from ingest.telegram.client import TelegramClientLike
from ingest.telegram.linked_group import LinkedGroup, find_linked_group, post_copied, thread_top
from models.post import PostCreate

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
    watch: int = 1000,
    threads_per_run: int = 50,
    now_ts: int = 0,
    group_retry_seconds: int = 24 * 3600,
) -> None:
    crawl = _Crawl(client, channel, dict(cursor), flood_wait_max_seconds, sleep, emit)
    crawl.now_ts, crawl.group_retry = now_ts, group_retry_seconds
    asyncio.run(crawl.run(limit, watch=watch, threads_per_run=threads_per_run))


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
    ) -> None:
        self.client, self.channel, self.state = client, channel, state
        self.state["min_id"] = int(state.get("min_id", 0))
        self.state["threads"] = {
            post: _entry(value) for post, value in dict(state.get("threads", {})).items()
        }
        self.bound, self.sleep, self.emit = bound, sleep, emit
        self.counts: dict[str, int] = {}  # post id -> its comment count seen this run
        self.left, self.watch = 0, 0
        self.group: LinkedGroup | None = None  # the linked group, while it can be read
        self.now_ts, self.group_retry = 0, 24 * 3600

    async def run(self, limit: int, *, watch: int, threads_per_run: int) -> None:
        self.left, self.watch = limit, watch
        try:
            await self.client.connect()
            await self._start()
            read_before = self.state["min_id"]
            await self._with_flood_waits(self._read_channel)
            await self._read_comments(read_before, threads_per_run)
        except (*GONE_ERRORS, *BROKEN_ERRORS, *NETWORK_ERRORS) as error:
            raise self._failure(error) from error
        finally:
            await self.client.disconnect()

    async def _start(self) -> None:
        """Check the session, keep the channel's title, and look for its linked group."""
        if not await self.client.is_user_authorized():
            raise SourceFailure(
                FailureKind.BROKEN,
                "the Telegram session file is not authorised (otklik ingest telegram-login)",
            )
        if "title" not in self.state:  # the channel's own name, for its role's guess
            self.state["title"] = await self._title()
        await self._with_flood_waits(self._find_group)

    async def _read_comments(self, read_before: int, threads_per_run: int) -> None:
        """The comments: from the linked group's stream while it can be read, else post by
        post (from the posts read before this run, or all read if the group proved private)."""
        if self.group is None:
            await self._read_each_post(read_before, threads_per_run, fell_back=False)
            return
        if self.left > 0:
            await self._with_flood_waits(self._read_group)
        if self.group is None:  # private: follow the posts already read
            await self._read_each_post(self.state["min_id"], threads_per_run, fell_back=True)

    async def _read_each_post(
        self, read_before: int, threads_per_run: int, *, fell_back: bool
    ) -> None:
        """Learn the followed posts' comment counts, then read the threads that grew."""
        if read_before and (self.state["threads"] or fell_back):
            await self._with_flood_waits(lambda: self._watch(read_before))
        for post_id in self._due()[:threads_per_run]:
            if self.left <= 0:
                break
            await self._with_flood_waits(lambda p=post_id: self._read_thread(p))

    def _failure(self, error: BaseException) -> SourceFailure:
        """The source's failure for an error that ended the run."""
        if isinstance(error, GONE_ERRORS):
            return SourceFailure(FailureKind.GONE, f"{self.channel}: {error}")
        if isinstance(error, BROKEN_ERRORS):
            return SourceFailure(FailureKind.BROKEN, f"Telegram session: {error}")
        reason = str(error) or type(error).__name__
        return SourceFailure(FailureKind.TRANSIENT, f"{self.channel}: {reason}")

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

    async def _find_group(self) -> None:
        try:
            group = await find_linked_group(self.client, self.channel)
        except ValueError:  # not resolvable now: iter_messages will tell
            group = None
        except FloodWaitError as flood:
            raise _Interrupted(flood) from flood
        if group is not None and not self._still_private(group.group_id):
            self._enter_group(group)

    def _still_private(self, group_id: int) -> bool:
        """The group was found private less than `group_retry` seconds ago."""
        if group_id != self.state.get("private_group"):
            return False
        return self.now_ts - int(self.state.get("private_at", 0)) < self.group_retry

    def _enter_group(self, group: LinkedGroup) -> None:
        """Read comments from the group's stream; the per-post threads are not needed once
        it has been read (kept until then, for a group that proves private).

        A cursor of the per-post path goes on from the lowest comment its threads had read."""
        self.group = group
        saved = self.state.get("group")
        if not isinstance(saved, dict) or saved.get("id") != group.group_id:
            threads = self.state["threads"].values()
            seen = [entry[1] for entry in threads if entry[0] == group.group_id and entry[1]]
            saved = {"id": group.group_id, "min_id": min(seen, default=0), "tops": {}}
        tops = {str(k): int(v) for k, v in dict(saved.get("tops", {})).items()}
        self.state["group"] = {**saved, "min_id": int(saved["min_id"]), "tops": tops}
        self.state["channel_id"] = group.channel_id

    async def _read_group(self) -> None:
        assert self.group is not None
        try:
            messages = self.client.iter_messages(
                self.group.entity,
                limit=self.left,
                min_id=self.state["group"]["min_id"],
                reverse=True,
            )
            await self._pages(messages, self._emit_group)
        except THREAD_GONE_ERRORS:  # a private group: each post is read on its own for now
            self.state.update(private_group=self.group.group_id, private_at=self.now_ts)
            self.group = None
            del self.state["group"]
            self.emit(Page(cursor=self._cursor()))
            return
        if self._leave_per_post():
            self.emit(Page(cursor=self._cursor()))

    def _leave_per_post(self) -> bool:
        """The group could be read: forget the per-post threads and any private mark;
        whether there was any to forget."""
        kept = bool(self.state["threads"]) or "gone" in self.state or "private_group" in self.state
        self.state["threads"] = {}
        for key in ("gone", "private_group", "private_at"):
            self.state.pop(key, None)
        return kept

    async def _emit_group(self, batch: list[Any]) -> None:
        assert self.group is not None
        self._leave_per_post()
        group, tops = self.group, self.state["group"]["tops"]
        for message in batch:
            post = post_copied(message, group.channel_id)
            if post is not None:
                tops[str(message.id)] = post
        unknown = {top for message in batch if (top := thread_top(message)) is not None}
        await self._resolve(sorted(top for top in unknown if str(top) not in tops))
        known = dict(tops)
        for old in sorted(tops, key=int)[: -self.watch]:
            del tops[old]
        self.state["group"]["min_id"] = max(message.id for message in batch)
        own = frozenset((group.channel_id, group.group_id))
        page = adapt_page(
            batch,
            adapt=lambda message: self._adapt_group_message(message, known, own),
            cursor=self._cursor(),
            origin=f"telegram {self.channel} discussion group {group.group_id}",
        )
        self.emit(page)

    async def _resolve(self, tops: list[int]) -> None:
        """Which post each of these group messages is the copy of (0: none)."""
        assert self.group is not None
        for start in range(0, len(tops), PAGE_SIZE):
            ids = tops[start : start + PAGE_SIZE]
            try:
                found = await self.client.get_messages(self.group.entity, ids=ids)
            except FloodWaitError as flood:  # the page is read again after the wait
                raise _Interrupted(flood) from flood
            for top, message in zip(ids, found, strict=True):
                copied = post_copied(message, self.group.channel_id) if message else None
                self.state["group"]["tops"][str(top)] = copied or 0

    def _adapt_group_message(
        self, message: Any, tops: dict[str, int], own: frozenset[int]
    ) -> PostCreate:
        assert self.group is not None
        if post_copied(message, self.group.channel_id) is not None:
            raise Skipped("channel post copied into its discussion group")
        post = tops.get(str(thread_top(message)), 0)
        if not post:
            raise Skipped("discussion group message outside a post's thread")
        return adapt_telegram_comment(message, channel=self.channel, post_id=post, own_ids=own)

    async def _read_channel(self) -> None:
        messages = self.client.iter_messages(
            self.channel, limit=self.left, min_id=self.state["min_id"], reverse=True
        )
        await self._pages(messages, self._emit_channel)

    async def _watch(self, read_before: int) -> None:
        """The comment counts of the latest `watch` posts read before this run."""
        messages = self.client.iter_messages(
            self.channel, limit=self.watch, max_id=read_before + 1, reverse=False
        )
        try:
            async for message in messages:
                self._follow(message)
        except FloodWaitError as flood:
            raise _Interrupted(flood) from flood

    def _due(self) -> list[str]:
        """Followed posts whose comment count grew since their thread was last read."""
        threads = self.state["threads"]
        grown = [post for post in threads if self.counts.get(post, -1) > threads[post][2]]
        return sorted(grown, key=int)

    async def _read_thread(self, post_id: str) -> None:
        chat, seen, _ = self.state["threads"][post_id]
        try:
            messages = self.client.iter_messages(
                self.channel, limit=self.left, min_id=seen, reverse=True, reply_to=int(post_id)
            )
            await self._pages(messages, lambda batch: self._emit_thread(post_id, chat, batch))
        except THREAD_GONE_ERRORS:
            del self.state["threads"][post_id]  # the post or its group is gone: not the channel
            gone = [*self.state.get("gone", []), int(post_id)]
            self.state["gone"] = sorted(set(gone))[-self.watch :]
            self.emit(Page(cursor=self._cursor()))
            return
        if self.left > 0:  # read through, not cut by the run's message limit
            self.state["threads"][post_id][2] = self.counts[post_id]
            self.emit(Page(cursor=self._cursor()))

    async def _pages(self, messages: Any, emit: Callable[[list[Any]], Awaitable[None]]) -> None:
        batch: list[Any] = []
        try:
            async for message in messages:
                batch.append(message)
                self.left -= 1
                if len(batch) >= PAGE_SIZE:
                    await emit(batch)
                    batch = []
        except FloodWaitError as flood:
            if batch:
                await emit(batch)
            raise _Interrupted(flood) from flood
        if batch:
            await emit(batch)

    async def _emit_channel(self, batch: list[Any]) -> None:
        self.state["min_id"] = max(message.id for message in batch)
        for message in batch:
            if self.group is None:
                self._follow(message)
        page = adapt_page(
            batch,
            adapt=lambda message: adapt_telegram_message(message, channel=self.channel),
            cursor=self._cursor(),
            origin=f"telegram {self.channel}",
        )
        self.emit(page)

    def _follow(self, message: Any) -> None:
        """Remember a post open for comments (the newest `watch` of them) and its count."""
        replies = getattr(message, "replies", None)
        if not (replies and replies.comments and isinstance(replies.channel_id, int)):
            return
        if message.id in self.state.get("gone", []):
            return
        threads, post = self.state["threads"], str(message.id)
        entry = threads.setdefault(post, [replies.channel_id, 0, 0])
        entry[0] = replies.channel_id
        self.counts[post] = replies.replies if isinstance(replies.replies, int) else 0
        self.state["channel_id"] = getattr(message.peer_id, "channel_id", None)
        for old in sorted(threads, key=int)[: -self.watch]:
            del threads[old]

    async def _emit_thread(self, post_id: str, chat: int, batch: list[Any]) -> None:
        self.state["threads"][post_id][1] = max(message.id for message in batch)
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
        if "group" in state:
            state["group"] = {**state["group"], "tops": dict(state["group"]["tops"])}
        return state if state["threads"] else {k: v for k, v in state.items() if k != "threads"}


def _entry(value: Any) -> list[int]:
    """A cursor's thread entry: [group id, last comment read, count read through]; older
    cursors kept no count (0: read again once, from the last comment read)."""
    chat, seen, count = [*value, 0, 0][:3] if isinstance(value, list) else [0, 0, 0]
    return [int(chat), int(seen), int(count)]
