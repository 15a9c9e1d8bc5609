"""`wall.getComments`: the comments under a wall's recent posts, with their reply threads.

The first page of every post's comments is fetched in one `execute` request (up to 25
calls each, through `vk_api.VkRequestsPool`); longer lists continue one call a page. Each
page asks VK for the replies nested under every comment (`thread_items_count`); a thread
holding more replies than VK nests is read with `comment_id`, a page at a time. Replies are
stored like the dump path stores them: author kind, `reply` position, and the comment they
answer as parent.

The cursor keeps, per post, how many top-level comments (oldest first) are committed
(`posts`), the post's total comment count when it was last read through (`totals`), and the
reply count VK reported for each comment with replies (`threads`). A post whose total grew
is read again from its last `RECENT_THREADS` top-level comments (new comments and replies
under recent comments; already stored items count as known). If the total still holds more
than the top-level comments and the replies counted, older comments are paged through,
newest first (`scan`: the spans left), and only the threads whose count grew are read, from
the replies already seen on; the scan ends as soon as the missing replies are found. It
takes at most `scan_pages` pages of comments per post a run; the cursor resumes it, so a
huge post cannot stall a crawl.

A deleted comment lowers the count and could hide as many new ones, which VK's counts alone
cannot tell apart. So a count that fell lowers the post's total (the next growth is read)
and makes the post due for a recheck; and `checked` keeps when each post was last read
through. At most `rechecks` posts a run whose count did not move, and whose last read is
older than `recheck_seconds` (or whose count fell), are read again like a grown post, and
their scan goes through all older comments (`force`), not stopping when the count is
accounted for: every thread whose reply count grew is read, and the replies VK nests in
each page (up to 10 a thread) come at no cost, so a thread of up to 10 replies where one
was deleted and another added is caught too.

A longer thread where one reply was deleted and another added keeps its count, and only
10 of its replies are nested (the oldest, as the tests' fake VK serves them). So `last`
keeps, per post, the newest reply id of each thread of more than 10 replies read through; a
recheck compares it with the thread's newest replies, asked newest first (`comment_id`,
`sort=desc`, 10 of them), 25 threads an `execute` request (`probes`: the threads left, at
most `scan_pages` requests a post a run). Replies newer than `last` are new (VK's ids grow):
stored at once, and when all 10 are, the thread is paged on newest first down to `last`. A
cursor from before `last` takes the newest 10 as known at its first recheck (they are
stored again as already known).
"""

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import vk_api

from ingest.failures import FailureKind, SourceFailure
from ingest.pages import Page, adapt_page
from ingest.vk.adapt import adapt_vk_comment
from ingest.vk.client import call, call_pool

PAGE_SIZE = 100
THREAD_ITEMS = 10  # the most replies VK nests under a comment (`thread_items_count`)
RECENT_THREADS = 20  # top-level comments re-read when a post's total grew
SCAN_PAGES = 5  # pages of older comments one run pages through per post, by default
POOL = 25  # calls one `execute` request carries (vk_api's VkRequestsPool)


@dataclass
class _State:
    """The cursor, as the crawl advances it."""

    done: dict[str, int]
    totals: dict[str, int]
    threads: dict[str, dict[str, int]]
    scan: dict[str, dict[str, Any]]  # post -> spans of older comments left, and their end
    checked: dict[str, int] = field(default_factory=dict)  # post -> when last read through
    last: dict[str, dict[str, int]] = field(default_factory=dict)  # post -> thread -> newest
    probes: dict[str, list[int]] = field(default_factory=dict)  # post -> threads to compare

    @classmethod
    def load(cls, cursor: dict[str, Any]) -> "_State":
        done = {str(k): int(v) for k, v in dict(cursor.get("posts", {})).items()}
        totals = dict(cursor.get("totals", done))  # older cursors: done = total
        threads = {p: dict(counts) for p, counts in dict(cursor.get("threads", {})).items()}
        checked = {str(k): int(v) for k, v in dict(cursor.get("checked", {})).items()}
        last = {p: {str(c): int(i) for c, i in dict(ids).items()}
                for p, ids in dict(cursor.get("last", {})).items()}  # fmt: skip
        probes = {
            str(p): [int(c) for c in ids] for p, ids in dict(cursor.get("probes", {})).items()
        }
        return cls(done, totals, threads, dict(cursor.get("scan", {})), checked, last, probes)

    def keep(self, post_ids: set[str]) -> None:
        """Forget the thread counts and scans of posts gone from the recent window."""
        self.threads = {p: c for p, c in self.threads.items() if p in post_ids}
        self.scan = {p: o for p, o in self.scan.items() if p in post_ids}
        self.checked = {p: t for p, t in self.checked.items() if p in post_ids}
        self.last = {p: ids for p, ids in self.last.items() if p in post_ids}
        self.probes = {p: ids for p, ids in self.probes.items() if p in post_ids}

    def forced(self, post_id: str) -> bool:
        """A recheck's scan: through every older comment, the count accounted for or not."""
        return bool(self.scan.get(post_id, {}).get("force"))

    def missing(self, post_id: str, total: int, level: int) -> int:
        """Comments the total holds beyond the top-level ones and the replies counted."""
        return total - level - sum(self.threads.get(post_id, {}).values())

    def cursor(self) -> dict[str, Any]:
        state: dict[str, Any] = {"posts": dict(self.done), "totals": dict(self.totals)}
        threads = {p: dict(c) for p, c in self.threads.items() if c}
        if threads:
            state["threads"] = threads
        if self.scan:
            state["scan"] = copy.deepcopy(self.scan)
        if self.checked:
            state["checked"] = dict(self.checked)
        last = {p: dict(ids) for p, ids in self.last.items() if ids}
        if last:
            state["last"] = last
        probes = {p: list(ids) for p, ids in self.probes.items() if ids}
        if probes:
            state["probes"] = probes
        return state


@dataclass
class _Run:
    vk: vk_api.VkApi
    owner_id: int
    state: _State
    pages_left: int
    emit: Callable[[Page], None]
    now_ts: int = 0
    scans: list[tuple[int, int, int, int]] = field(default_factory=list)

    def read_through(self, key: str, total: int) -> None:
        self.state.totals[key] = total
        self.state.checked[key] = self.now_ts
        self.state.scan.pop(key, None)

    def tail(self, post_id: int, total: int, start: int, response: Any) -> None:
        """The post's comments from `start` on; queues an older-comments scan if needed."""
        offset, key = start, str(post_id)
        while self.pages_left > 0:
            comments, level = _page(response, self.owner_id, post_id)
            self.pages_left -= 1
            items, used = self.threads(post_id, comments, every=True)
            offset += used
            finished = used == len(comments) and (not comments or offset >= level)
            self.state.done[key] = max(self.state.done.get(key, 0), offset)
            older = self.state.missing(key, total, level) > 0 or self.state.forced(key)
            if finished and older and start > 0:
                self.scans.append((post_id, total, level, start))
            elif finished:
                self.read_through(key, total)
            self.send(items, post_id)
            if finished or used < len(comments):
                return
            response = call(self.vk, "wall.getComments", _values(self.owner_id, post_id, offset))

    def older(self, post_id: int, total: int, level: int, end: int, scan_pages: int) -> None:
        """Page through the comments before `end`, newest first, reading only the threads
        that grew; stops as soon as the replies missing from the count are found."""
        key = str(post_id)
        force = self.state.forced(key)
        todo = _todo(self.state.scan.get(key), end)
        for _ in range(scan_pages):
            if self.pages_left <= 0 or not todo:
                break
            low, high = todo[-1]
            offset = max(low, high - PAGE_SIZE)
            values = {**_values(self.owner_id, post_id, offset), "count": high - offset}
            comments, _ = _page(call(self.vk, "wall.getComments", values), self.owner_id, post_id)
            self.pages_left -= 1
            items, used = self.threads(post_id, comments, every=force)
            if used == len(comments):  # else the page is read again, its grown threads known
                todo[-1] = [low, offset]
                todo = [span for span in todo if span[0] < span[1]]
            self.state.scan[key] = {"todo": todo, "end": end, **({"force": True} if force else {})}
            if not todo or (self.state.missing(key, total, level) <= 0 and not force):
                self.read_through(key, total)
            self.send(items, post_id)
            if key not in self.state.scan or used < len(comments):
                break

    def threads(
        self, post_id: int, comments: list[dict[str, Any]], *, every: bool
    ) -> tuple[list[dict[str, Any]], int]:
        """The page's comments, each followed by its replies (every comment, or only those
        whose thread grew). Stops at a comment whose thread the page limit leaves no room
        for, or cuts short (the next run starts there); returns the items and how many
        comments are done."""
        items: list[dict[str, Any]] = []
        seen = self.state.threads.setdefault(str(post_id), {})
        for used, comment in enumerate(comments):
            nested, count = _thread(comment)
            old = seen.get(str(comment.get("id")), 0)
            reached = count
            if count > len(nested) and count > old:
                if self.pages_left <= 0:
                    return items, used
                more, reached = self.replies(post_id, comment, max(0, old - THREAD_ITEMS), count)
                known = {reply.get("id") for reply in more}
                nested = more + [reply for reply in nested if reply.get("id") not in known]
                if reached >= count:  # read through: its newest reply is among these
                    self.read_newest(post_id, comment.get("id"), nested)
            if every or count > old:
                items.append(comment)
                base = {"owner_id": self.owner_id, "post_id": post_id}
                base["reply_to_comment"] = comment.get("id")
                items.extend({**base, **reply} for reply in nested)
            if reached > 0:
                seen[str(comment.get("id"))] = reached
            if reached < count:  # the next run goes on from the replies read
                return items, used
        return items, len(comments)

    def replies(
        self, post_id: int, comment: dict[str, Any], start: int, count: int
    ) -> tuple[list[dict[str, Any]], int]:
        """A comment's replies from `start` on, and how far the thread is read: `count`, or
        less when the page limit cut a long thread (a deleted comment's replies go with it)."""
        replies: dict[Any, dict[str, Any]] = {}
        while start + len(replies) < count:
            if self.pages_left <= 0:
                return list(replies.values()), start + len(replies)
            values = {**_values(self.owner_id, post_id, start + len(replies))}
            values["comment_id"] = comment.get("id")
            del values["thread_items_count"]
            try:
                response = call(self.vk, "wall.getComments", values)
            except SourceFailure as failure:
                if failure.kind != FailureKind.GONE:
                    raise  # a rate limit or an outage: the page is read again next run
                break  # the comment was deleted meanwhile: its replies go with it
            page, _ = _page(response, self.owner_id, post_id)
            self.pages_left -= 1
            fresh = [reply for reply in page if reply.get("id") not in replies]
            if not fresh:
                break
            replies.update((reply.get("id"), reply) for reply in fresh)
        return list(replies.values()), count

    def read_newest(self, post_id: int, comment_id: Any, replies: list[dict[str, Any]]) -> None:
        """Remember the newest of these replies as the thread's `last` (ids only grow)."""
        ids = [reply["id"] for reply in replies if _is_id(reply.get("id"))]
        if ids and _is_id(comment_id):
            last = self.state.last.setdefault(str(post_id), {})
            last[str(comment_id)] = max([*ids, last.get(str(comment_id), 0)])

    def probe(self, post_id: int, requests: int) -> None:
        """Ask the newest replies of the long threads due for a comparison (`POOL` threads
        an `execute` request, at most `requests` of them); store the replies newer than
        each thread's `last`."""
        key = str(post_id)
        todo = self.state.probes.get(key, [])
        batch = todo[: max(0, min(requests, self.pages_left)) * POOL]
        if not batch:
            return
        values = [
            _newest(self.owner_id, post_id, comment_id, 0, THREAD_ITEMS) for comment_id in batch
        ]
        answers = call_pool(self.vk, "wall.getComments", values)
        self.pages_left -= -(-len(batch) // POOL)
        left, items = todo[len(batch) :], []
        last = self.state.last.setdefault(key, {})
        for comment_id, answer in zip(batch, answers, strict=True):
            if isinstance(answer, SourceFailure) and answer.kind == FailureKind.TRANSIENT:
                left.append(comment_id)  # asked again next run
                continue
            newest, _ = _page(answer, self.owner_id, post_id)  # gone: the comment was deleted
            known = last.get(str(comment_id))
            fresh = [r for r in newest if known is None or _newer(r, known)]
            complete = True
            if known is not None and len(fresh) == THREAD_ITEMS:  # newer ones may go on
                more, complete = self.newer(post_id, comment_id, known)
                fresh += more
            if not complete:
                left.append(comment_id)  # what was read is stored; compared again next run
            elif fresh:
                self.read_newest(post_id, comment_id, fresh)
            base = {"owner_id": self.owner_id, "post_id": post_id, "reply_to_comment": comment_id}
            items.extend({**base, **reply} for reply in fresh)
        self.state.probes[key] = left
        if not left:
            del self.state.probes[key]
        self.send(items, post_id)

    def newer(self, post_id: int, comment_id: int, known: int) -> tuple[list[dict[str, Any]], bool]:
        """A thread's replies newer than `known` after its newest 10, newest first; and
        whether they were all read (not cut by the page limit)."""
        found: list[dict[str, Any]] = []
        offset = THREAD_ITEMS
        while self.pages_left > 0:
            values = _newest(self.owner_id, post_id, comment_id, offset, PAGE_SIZE)
            try:
                response = call(self.vk, "wall.getComments", values)
            except SourceFailure as failure:
                if failure.kind != FailureKind.GONE:
                    raise
                return found, True  # the comment was deleted meanwhile
            page, _ = _page(response, self.owner_id, post_id)
            self.pages_left -= 1
            fresh = [reply for reply in page if _newer(reply, known)]
            found += fresh
            if len(fresh) < len(page) or len(page) < PAGE_SIZE:
                return found, True
            offset += len(page)
        return found, False

    def send(self, items: list[dict[str, Any]], post_id: int) -> None:
        origin = f"wall.getComments {self.owner_id}_{post_id}"
        cursor = self.state.cursor()
        self.emit(adapt_page(items, adapt=adapt_vk_comment, cursor=cursor, origin=origin))


def crawl_comments(
    vk: vk_api.VkApi,
    *,
    owner_id: int,
    cursor: dict[str, Any],
    recent_posts: int,
    max_pages: int,
    emit: Callable[[Page], None],
    scan_pages: int = SCAN_PAGES,
    now_ts: int = 0,
    recheck_seconds: int = 6 * 3600,
    rechecks: int = 1,
) -> None:
    state = _State.load(cursor)
    wall = call(vk, "wall.get", {"owner_id": owner_id, "offset": 0, "count": recent_posts})
    posts = [post for post in wall.get("items", []) if isinstance(post, dict)]
    state.keep({str(post.get("id")) for post in posts})
    counts = {post["id"]: _comment_count(post) for post in posts if isinstance(post.get("id"), int)}
    _recheck(state, counts, now_ts=now_ts, age=recheck_seconds, limit=rechecks)
    waiting = {
        post_id: count
        for post_id, count in counts.items()
        if state.totals.get(str(post_id), 0) < count or state.forced(str(post_id))
    }
    starts = {post_id: _start(state, post_id) for post_id in waiting}
    first = call_pool(vk, "wall.getComments", [_values(owner_id, p, starts[p]) for p in waiting])
    run = _Run(vk, owner_id, state, max_pages, emit, now_ts)
    for (post_id, total), response in zip(waiting.items(), first, strict=True):
        run.tail(post_id, total, starts[post_id], response)
    for post_id in [int(key) for key in state.probes]:
        run.probe(post_id, scan_pages)
    for post_id, total, level, end in run.scans:
        run.older(post_id, total, level, end, scan_pages)


def _recheck(state: _State, counts: dict[int, int], *, now_ts: int, age: int, limit: int) -> None:
    """Lower the totals of posts whose count fell (a deletion: due at once), and start a
    forced re-read of the `limit` posts read longest ago, if that is over `age` seconds."""
    due: list[tuple[int, str]] = []
    for post_id, count in counts.items():
        key = str(post_id)
        if key not in state.totals or state.forced(key):
            continue
        if count < state.totals[key]:
            state.totals[key], state.checked[key] = count, 0
        checked = state.checked.setdefault(key, now_ts)  # older cursors: from now on
        if state.totals[key] == count and now_ts - checked >= age and key not in state.scan:
            due.append((checked, key))
    for _, key in sorted(due)[:limit]:
        state.scan[key] = {"todo": [], "end": 0, "force": True}
        long = sorted(int(c) for c, n in state.threads.get(key, {}).items() if n > THREAD_ITEMS)
        if long:  # their newest replies are compared with the newest read
            state.probes[key] = long


def _start(state: _State, post_id: int) -> int:
    """Where a post's reading starts: after its committed comments, minus the recent
    threads when it was read through before (new replies may hide there)."""
    offset = state.done.get(str(post_id), 0)
    read_through = str(post_id) in state.totals
    return max(0, offset - RECENT_THREADS) if read_through else offset


def _todo(saved: Any, end: int) -> list[list[int]]:
    """The spans of older comments still to scan, the newest last: all before `end` for a
    new scan; a resumed one adds the comments between its old end and the new one (read
    by an earlier run's recent pass, before their replies grew)."""
    if not isinstance(saved, dict):
        return [[0, end]]
    spans = [[int(low), min(int(high), end)] for low, high in saved.get("todo", [])]
    old_end = int(saved.get("end", end))
    if end > old_end:
        spans.append([old_end, end])
    return [span for span in spans if span[0] < span[1]]


def _values(owner_id: int, post_id: int, offset: int) -> dict[str, Any]:
    return {
        "owner_id": owner_id,
        "post_id": post_id,
        "offset": offset,
        "count": PAGE_SIZE,
        "sort": "asc",
        "thread_items_count": THREAD_ITEMS,
    }


def _newest(
    owner_id: int, post_id: int, comment_id: int, offset: int, count: int
) -> dict[str, Any]:
    """A page of one comment's replies, newest first."""
    return {"owner_id": owner_id, "post_id": post_id, "comment_id": comment_id,
            "offset": offset, "count": count, "sort": "desc"}  # fmt: skip


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _newer(reply: dict[str, Any], known: int) -> bool:
    return _is_id(reply.get("id")) and reply["id"] > known


def _thread(comment: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """The replies VK nested under a comment, and how many its thread holds."""
    thread = comment.get("thread")
    if not isinstance(thread, dict):
        return [], 0
    nested = thread.get("items")
    nested = (
        [reply for reply in nested if isinstance(reply, dict)] if isinstance(nested, list) else []
    )
    count = thread.get("count", 0)
    return nested, count if isinstance(count, int) and not isinstance(count, bool) else 0


def _page(response: Any, owner_id: int, post_id: int) -> tuple[list[dict[str, Any]], int]:
    """The page's items (with their post) and how many comments the level holds."""
    if isinstance(response, SourceFailure):
        if response.kind in (FailureKind.GONE, FailureKind.TRANSIENT):
            return [], 0  # this post's comments are closed or gone; the other posts go on
        raise response
    if not isinstance(response, dict):
        return [], 0
    items = [item for item in response.get("items", []) if isinstance(item, dict)]
    level = response.get("current_level_count", response.get("count", 0))
    return [{"owner_id": owner_id, "post_id": post_id, **item} for item in items], int(level or 0)


def _comment_count(post: dict[str, Any]) -> int:
    comments = post.get("comments")
    return int(comments.get("count", 0)) if isinstance(comments, dict) else 0
