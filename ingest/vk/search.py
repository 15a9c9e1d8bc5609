"""`newsfeed.search`: keyword search across VK, paged by `next_from` within time windows.

VK returns at most 1,000 results per query, so the crawl walks forward through time in
windows (halved while a window holds more than that). The cursor keeps the start of the
unfinished window, its end, and the `next_from` of the next page.
"""

from collections.abc import Callable
from typing import Any

import vk_api

from ingest.pages import Page, adapt_page
from ingest.vk.adapt import adapt_vk_post
from ingest.vk.client import call

PAGE_SIZE = 200
MAX_RESULTS = 1000
MIN_WINDOW_SECONDS = 600


def crawl_search(
    vk: vk_api.VkApi,
    *,
    query: str,
    cursor: dict[str, Any],
    now_ts: int,
    window_seconds: int,
    lookback_seconds: int,
    max_pages: int,
    emit: Callable[[Page], None],
) -> None:
    start = int(cursor.get("since", now_ts - lookback_seconds))
    end = int(cursor.get("window_end") or min(start + window_seconds, now_ts))
    next_from: str | None = cursor.get("next_from")
    pages = 0
    while start < now_ts and pages < max_pages:
        values: dict[str, Any] = {"q": query, "count": PAGE_SIZE, "start_time": start}
        values["end_time"] = end
        if next_from:
            values["start_from"] = next_from
        response = call(vk, "newsfeed.search", values)
        pages += 1
        if not next_from and _too_many(response) and end - start > MIN_WINDOW_SECONDS:
            end = start + (end - start) // 2
            continue
        next_from = response.get("next_from") or None
        if next_from:
            state: dict[str, Any] = {"since": start, "window_end": end, "next_from": next_from}
        else:
            start, end = end, min(end + window_seconds, now_ts)
            state = {"since": start}
        items = [item for item in response.get("items", []) if isinstance(item, dict)]
        emit(
            adapt_page(items, adapt=adapt_vk_post, cursor=state, origin=f"newsfeed.search {query}")
        )


def _too_many(response: dict[str, Any]) -> bool:
    return int(response.get("total_count", response.get("count", 0))) > MAX_RESULTS
