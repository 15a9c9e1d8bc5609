"""`wall.get`: a community or user wall, newest first, with offset paging.

The cursor keeps the highest post id of the last finished pass (`last_id`). A pass pages
down until it meets a post it has seen; pinned posts come first whatever their age, so
they never end a pass. An unfinished pass keeps its `offset` and `pass_top`, so a crawl cut
short (page limit, rate limit, a kill) resumes where the last committed page ended.
"""

from collections.abc import Callable
from typing import Any

import vk_api

from ingest.pages import Page, adapt_page
from ingest.vk.adapt import adapt_vk_post
from ingest.vk.client import call

PAGE_SIZE = 100


def crawl_wall(
    vk: vk_api.VkApi,
    *,
    owner_id: int,
    cursor: dict[str, Any],
    max_pages: int,
    emit: Callable[[Page], None],
) -> None:
    last_id = int(cursor.get("last_id", 0))
    top = int(cursor.get("pass_top", last_id))
    offset = int(cursor.get("offset", 0))
    for _ in range(max_pages):
        values = {"owner_id": owner_id, "offset": offset, "count": PAGE_SIZE}
        response = call(vk, "wall.get", values)
        items = _items(response)
        fresh = [item for item in items if _post_id(item) > last_id]
        top = max([top, *(_post_id(item) for item in fresh)])
        offset += len(items)
        finished = _pass_finished(items, last_id, offset, response)
        state = {"last_id": top} if finished else {"last_id": last_id, "pass_top": top}
        if not finished:
            state["offset"] = offset
        emit(adapt_page(fresh, adapt=adapt_vk_post, cursor=state, origin=f"wall.get {owner_id}"))
        if finished:
            return


def _pass_finished(
    items: list[dict[str, Any]], last_id: int, offset: int, response: dict[str, Any]
) -> bool:
    regular = [item for item in items if not item.get("is_pinned")]
    met_seen = any(_post_id(item) <= last_id for item in regular)
    return not items or met_seen or offset >= int(response.get("count", 0))


def _items(response: Any) -> list[dict[str, Any]]:
    items = response.get("items", []) if isinstance(response, dict) else []
    return [item for item in items if isinstance(item, dict)]


def _post_id(item: dict[str, Any]) -> int:
    value = item.get("id")
    return value if isinstance(value, int) else 0
