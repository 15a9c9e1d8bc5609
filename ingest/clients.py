"""How to reach VK and Telegram, built once by the composition root from settings values."""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import vk_api

from ingest.telegram.client import TelegramClientLike, make_telegram_client
from ingest.vk.client import VK_API_URL, make_vk_api


@dataclass(frozen=True)
class CrawlLimits:
    """How much one crawl run may do, and how politely."""

    pages_per_run: int = 20  # VK pages (100 posts each) per run; the cursor resumes the rest
    telegram_messages_per_run: int = 2000
    flood_wait_max_seconds: float = 60.0  # longer waits are rescheduled, not slept
    backoff_seconds: float = 60.0  # first backoff after a rate limit; doubles per failure
    backoff_max_seconds: float = 3600.0
    search_window_seconds: int = 24 * 3600
    search_lookback_seconds: int = 7 * 24 * 3600
    comments_posts: int = 10  # recent posts of a wall whose comments are read
    vk_thread_scan_pages: int = 5  # pages of a grown post's older comments re-read per run
    vk_thread_recheck_seconds: int = 6 * 3600  # a post read through longer ago is rechecked
    vk_thread_rechecks_per_run: int = 1  # posts whose count did not move re-read per run
    telegram_watch_posts: int = 1000  # latest channel posts whose comment counts are watched
    telegram_threads_per_run: int = 50  # grown discussion threads read per run
    telegram_group_retry_seconds: int = 24 * 3600  # a private linked group is tried again


@dataclass(frozen=True)
class Clients:
    vk: Callable[[], vk_api.VkApi] | None = None
    telegram: Callable[[], TelegramClientLike] | None = None
    limits: CrawlLimits = field(default_factory=CrawlLimits)
    sleep: Callable[[float], None] = time.sleep


def make_clients(
    *,
    vk_token: str | None,
    vk_rps_delay: float,
    vk_api_url: str = VK_API_URL,
    telegram_api_id: int | None,
    telegram_api_hash: str | None,
    telegram_session: Path,
    limits: CrawlLimits,
) -> Clients:
    """Clients from settings values; a service without credentials is left out (None)."""
    vk = (
        partial(make_vk_api, token=vk_token, rps_delay=vk_rps_delay, api_url=vk_api_url)
        if vk_token
        else None
    )
    telegram = (
        partial(
            make_telegram_client,
            api_id=telegram_api_id,
            api_hash=telegram_api_hash,
            session_path=telegram_session,
        )
        if telegram_api_id and telegram_api_hash
        else None
    )
    return Clients(vk=vk, telegram=telegram, limits=limits)
