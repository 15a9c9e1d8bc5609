"""`wall.getComments`: the comments under a wall's recent posts, with their reply threads.

The first page of every post's comments is fetched in one `execute` request (up to 25
calls each, through `vk_api.VkRequestsPool`); longer lists continue one call a page. Each
page asks VK for the replies nested under every comment (`thread_items_count`); a thread
holding more replies than VK nests is read whole with `comment_id`, a page at a time.
Replies are stored like the dump path stores them: author kind, `reply` position, and the
comment they answer as parent.

The cursor keeps, per post, how many top-level comments (oldest first) are committed
(`posts`) and the post's total comment count when it was last read through (`totals`). A
post whose total grew is read again from its last `RECENT_THREADS` top-level comments, so
new replies under recent comments are caught; already stored items count as known.
"""

from collections.abc import Callable
from typing import Any

import vk_api

from ingest.failures import FailureKind, SourceFailure
from ingest.pages import Page, adapt_page
from ingest.vk.adapt import adapt_vk_comment
from ingest.vk.client import call, call_pool

PAGE_SIZE = 100
THREAD_ITEMS = 10  # the most replies VK nests under a comment (`thread_items_count`)
RECENT_THREADS = 20  # top-level comments re-read when a post's total grew


def crawl_comments(
    vk: vk_api.VkApi,
    *,
    owner_id: int,
    cursor: dict[str, Any],
    recent_posts: int,
    max_pages: int,
    emit: Callable[[Page], None],
) -> None:
    done: dict[str, int] = dict(cursor.get("posts", {}))
    totals: dict[str, int] = dict(cursor.get("totals", done))  # older cursors: done = total
    wall = call(vk, "wall.get", {"owner_id": owner_id, "offset": 0, "count": recent_posts})
    waiting = {
        post["id"]: _comment_count(post)
        for post in wall.get("items", [])
        if isinstance(post, dict) and totals.get(str(post.get("id")), 0) < _comment_count(post)
    }
    starts = {post_id: _start(done, totals, post_id) for post_id in waiting}
    first = call_pool(vk, "wall.getComments", [_values(owner_id, p, starts[p]) for p in waiting])
    pages = 0
    for (post_id, total), response in zip(waiting.items(), first, strict=True):
        offset = starts[post_id]
        while pages < max_pages:
            comments, level = _page(response, owner_id, post_id)
            pages += 1
            items, used, pages = _with_threads(vk, owner_id, post_id, comments, pages, max_pages)
            offset += used
            finished = used == len(comments) and (not comments or offset >= level)
            done[str(post_id)] = max(done.get(str(post_id), 0), offset)
            if finished:
                totals[str(post_id)] = total
            state = {"posts": dict(done), "totals": dict(totals)}
            origin = f"wall.getComments {owner_id}_{post_id}"
            emit(adapt_page(items, adapt=adapt_vk_comment, cursor=state, origin=origin))
            if finished or used < len(comments):
                break
            response = call(vk, "wall.getComments", _values(owner_id, post_id, offset))


def _start(done: dict[str, int], totals: dict[str, int], post_id: int) -> int:
    """Where a post's reading starts: after its committed comments, minus the recent
    threads when it was read through before (new replies may hide there)."""
    offset = done.get(str(post_id), 0)
    read_through = str(post_id) in totals
    return max(0, offset - RECENT_THREADS) if read_through else offset


def _values(owner_id: int, post_id: int, offset: int) -> dict[str, Any]:
    return {
        "owner_id": owner_id,
        "post_id": post_id,
        "offset": offset,
        "count": PAGE_SIZE,
        "sort": "asc",
        "thread_items_count": THREAD_ITEMS,
    }


def _with_threads(
    vk: vk_api.VkApi,
    owner_id: int,
    post_id: int,
    comments: list[dict[str, Any]],
    pages: int,
    max_pages: int,
) -> tuple[list[dict[str, Any]], int, int]:
    """The page's comments, each followed by its replies: the nested ones, or the whole
    thread read with `comment_id` when VK nested only part of it. Stops before a comment
    whose thread the page limit leaves no room for (the next run starts there); returns the
    items, how many comments they cover, and the pages used so far."""
    items: list[dict[str, Any]] = []
    for used, comment in enumerate(comments):
        thread = comment.get("thread")
        nested = thread.get("items") if isinstance(thread, dict) else None
        nested = [reply for reply in nested if isinstance(reply, dict)] if nested else []
        count = thread.get("count", 0) if isinstance(thread, dict) else 0
        if isinstance(count, int) and count > len(nested):
            if pages >= max_pages:
                return items, used, pages
            whole, pages = _whole_thread(vk, owner_id, post_id, comment, count, pages, max_pages)
            known = {reply.get("id") for reply in whole}
            nested = whole + [reply for reply in nested if reply.get("id") not in known]
        items.append(comment)
        base = {"owner_id": owner_id, "post_id": post_id, "reply_to_comment": comment.get("id")}
        items.extend({**base, **reply} for reply in nested)
    return items, len(comments), pages


def _whole_thread(
    vk: vk_api.VkApi,
    owner_id: int,
    post_id: int,
    comment: dict[str, Any],
    count: int,
    pages: int,
    max_pages: int,
) -> tuple[list[dict[str, Any]], int]:
    replies: dict[Any, dict[str, Any]] = {}
    while len(replies) < count and pages < max_pages:
        values = {**_values(owner_id, post_id, len(replies)), "comment_id": comment.get("id")}
        del values["thread_items_count"]
        try:
            response = call(vk, "wall.getComments", values)
        except SourceFailure as failure:
            if failure.kind != FailureKind.GONE:
                raise  # a rate limit or an outage: the page is read again next run
            break  # the comment was deleted meanwhile: its replies go with it
        page, _ = _page(response, owner_id, post_id)
        pages += 1
        fresh = [reply for reply in page if reply.get("id") not in replies]
        if not fresh:
            break
        replies.update((reply.get("id"), reply) for reply in fresh)
    return list(replies.values()), pages


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
