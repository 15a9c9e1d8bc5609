"""`wall.getComments`: the comments under a wall's recent posts (complaints live there).

The first page of every post's comments is fetched in one `execute` request (up to 25
calls each, through `vk_api.VkRequestsPool`); longer threads continue one call a page. The
cursor keeps, per post, how many comments (oldest first) are already committed.
"""

from collections.abc import Callable
from typing import Any

import vk_api

from ingest.failures import FailureKind, SourceFailure
from ingest.pages import Page, adapt_page
from ingest.vk.adapt import adapt_vk_comment
from ingest.vk.client import call, call_pool

PAGE_SIZE = 100


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
    wall = call(vk, "wall.get", {"owner_id": owner_id, "offset": 0, "count": recent_posts})
    waiting = {
        post["id"]: _comment_count(post)
        for post in wall.get("items", [])
        if done.get(str(post["id"]), 0) < _comment_count(post)
    }
    first = call_pool(vk, "wall.getComments", [_values(owner_id, p, done) for p in waiting])
    pages = 0
    for (post_id, total), response in zip(waiting.items(), first, strict=True):
        while pages < max_pages:
            items = _page(response, owner_id, post_id)
            done[str(post_id)] = done.get(str(post_id), 0) + (len(items) or PAGE_SIZE)
            origin = f"wall.getComments {owner_id}_{post_id}"
            emit(adapt_page(items, adapt=adapt_vk_comment, cursor={"posts": done}, origin=origin))
            pages += 1
            if not items or done[str(post_id)] >= total:
                break
            response = call(vk, "wall.getComments", _values(owner_id, post_id, done))


def _values(owner_id: int, post_id: int, done: dict[str, int]) -> dict[str, Any]:
    offset = done.get(str(post_id), 0)
    return {
        "owner_id": owner_id,
        "post_id": post_id,
        "offset": offset,
        "count": PAGE_SIZE,
        "sort": "asc",
    }


def _page(response: Any, owner_id: int, post_id: int) -> list[dict[str, Any]]:
    if isinstance(response, SourceFailure):
        if response.kind in (FailureKind.GONE, FailureKind.TRANSIENT):
            return []  # this post's comments are closed or gone; the other posts go on
        raise response
    items = response.get("items", []) if isinstance(response, dict) else []
    return [{"owner_id": owner_id, "post_id": post_id, **item} for item in items]


def _comment_count(post: dict[str, Any]) -> int:
    comments = post.get("comments")
    return int(comments.get("count", 0)) if isinstance(comments, dict) else 0
