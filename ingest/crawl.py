"""One incremental, resumable crawl of one source: the entry point of the crawl jobs.

Each page's posts, its quarantined items and the advanced cursor are committed together,
so a crawl killed at any moment resumes from the last committed page. The source's health
(last success, last error, backoff) is updated at the end of every run.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, Protocol

from sqlmodel import Session

from ingest.clients import Clients
from ingest.cursor import load_cursor, save_cursor
from ingest.failures import FailureKind, SourceFailure
from ingest.health import record_failure, record_success
from ingest.pages import Page
from ingest.rejection import skipped_summary
from ingest.role_guess import guess_source_role
from ingest.telegram.channel import crawl_channel
from ingest.vk.comments import crawl_comments
from ingest.vk.search import crawl_search
from ingest.vk.wall import crawl_wall
from models.clock import now
from models.crawl import CrawlRun, CrawlRunStatus
from models.post_store import store_posts
from models.quarantine import quarantine
from models.source import Source, SourceKind, SourceStatus

Emit = Callable[[Page], None]
CRAWLED_KINDS = (
    SourceKind.VK_WALL,
    SourceKind.VK_COMMENTS,
    SourceKind.VK_SEARCH,
    SourceKind.TELEGRAM,
)


class Crawler(Protocol):
    def __call__(self, *, cursor: dict[str, Any], emit: Emit) -> None: ...


STOPPED = (SourceStatus.BROKEN, SourceStatus.GONE, SourceStatus.DISABLED)


@dataclass
class CrawlOutcome:
    new_ids: list[int] = field(default_factory=list)
    known: int = 0
    quarantined: int = 0
    skipped: int = 0
    skip_reasons: Counter[str] = field(default_factory=Counter)  # reason -> items skipped
    status: str = SourceStatus.OK
    retry_after: datetime | None = None
    error: str | None = None
    role_guessed: str | None = None  # the role this crawl guessed for the source, if any

    def summary(self) -> str:
        text = f"new: {len(self.new_ids)}, already known: {self.known}, "
        skipped = skipped_summary(self.skipped, self.skip_reasons)
        text += f"quarantined: {self.quarantined}, {skipped}, status: {self.status}"
        if self.role_guessed:
            text += f", role guessed: {self.role_guessed}"
        return f"{text}, retry after: {self.retry_after.isoformat()}" if self.retry_after else text


class NotCrawlable(Exception):
    """The source is not something `crawl_source` can crawl (a file import, or no client)."""


class NotConfigured(NotCrawlable):
    """The client for this kind of source is not configured (no token, no credentials): a
    setting to fix, not the source's health, which is left as it was."""


def crawl_source(
    session: Session,
    *,
    source_id: int,
    clients: Clients,
    lemmatize: Callable[[str], str] | None = None,
) -> CrawlOutcome:
    """Crawl one source from its cursor; failures become the source's health, not exceptions.

    A stopped source (disabled, broken, gone) or one still backing off is left alone and its
    status returned. `NotCrawlable` is raised for an unknown id or a file-import source.
    """
    source = session.get(Source, source_id)
    if source is None:
        raise NotCrawlable(f"no source with id {source_id}")
    if source.kind not in CRAWLED_KINDS:
        raise NotCrawlable(f"a {source.kind} source is imported from a file, not crawled")
    if not source.enabled or source.status in STOPPED:
        return CrawlOutcome(status=source.status if source.enabled else SourceStatus.DISABLED)
    if source.retry_after and source.retry_after > now():
        return CrawlOutcome(status=SourceStatus.BACKING_OFF, retry_after=source.retry_after)
    _check_configured(source, clients)
    run = _start_run(session, source_id)
    outcome = CrawlOutcome()
    emit = _committer(session, source_id, lemmatize, outcome)
    try:
        crawler = _crawler(source, clients)
        crawler(cursor=load_cursor(session, source_id=source_id), emit=emit)
    except SourceFailure as failure:
        session.rollback()
        _fail(session, source, run, failure, clients, outcome)
        return outcome
    except Exception as error:  # a bug or a database error: recorded, then raised
        session.rollback()
        crashed = SourceFailure(FailureKind.TRANSIENT, f"crawl crashed: {error!r}"[:900])
        _fail(session, source, run, crashed, clients, outcome)
        raise
    record_success(source)
    outcome.role_guessed = guess_source_role(session, source=source, clients=clients)
    _finish(session, source, run, CrawlRunStatus.OK, outcome)
    return outcome


def _check_configured(source: Source, clients: Clients) -> None:
    if source.kind == SourceKind.TELEGRAM and clients.telegram is None:
        raise NotConfigured(
            "no Telegram credentials: set OTKLIK_TELEGRAM_API_ID and OTKLIK_TELEGRAM_API_HASH"
        )
    if source.kind != SourceKind.TELEGRAM and clients.vk is None:
        raise NotConfigured("no VK token: set OTKLIK_VK_TOKEN")


def _crawler(source: Source, clients: Clients) -> Crawler:
    """The vendor crawl for this source, with everything but the cursor and the sink bound."""
    limits = clients.limits
    if source.kind == SourceKind.TELEGRAM:
        assert clients.telegram is not None  # _check_configured
        return partial(
            crawl_channel,
            clients.telegram(),
            channel=source.target,
            limit=limits.telegram_messages_per_run,
            flood_wait_max_seconds=limits.flood_wait_max_seconds,
            sleep=clients.sleep,
            watch=limits.telegram_watch_posts,
            threads_per_run=limits.telegram_threads_per_run,
            now_ts=int(now().timestamp()),
            group_retry_seconds=limits.telegram_group_retry_seconds,
        )
    assert clients.vk is not None  # _check_configured
    vk = clients.vk()
    if source.kind == SourceKind.VK_WALL:
        return partial(crawl_wall, vk, owner_id=int(source.target), max_pages=limits.pages_per_run)
    if source.kind == SourceKind.VK_COMMENTS:
        return partial(
            crawl_comments,
            vk,
            owner_id=int(source.target),
            recent_posts=limits.comments_posts,
            max_pages=limits.pages_per_run,
            scan_pages=limits.vk_thread_scan_pages,
            now_ts=int(now().timestamp()),
            recheck_seconds=limits.vk_thread_recheck_seconds,
            rechecks=limits.vk_thread_rechecks_per_run,
        )
    return partial(
        crawl_search,
        vk,
        query=source.target,
        now_ts=int(now().timestamp()),
        window_seconds=limits.search_window_seconds,
        lookback_seconds=limits.search_lookback_seconds,
        max_pages=limits.pages_per_run,
    )


def _committer(
    session: Session,
    source_id: int,
    lemmatize: Callable[[str], str] | None,
    outcome: CrawlOutcome,
) -> Emit:
    def commit_page(page: Page) -> None:
        stored = store_posts(session, source_id=source_id, posts=page.posts, lemmatize=lemmatize)
        for refused in page.refused:
            quarantine(
                session,
                stage="ingest",
                reason=refused.reason,
                raw=refused.raw,
                source_id=source_id,
                origin=refused.origin,
            )
        save_cursor(session, source_id=source_id, state=page.cursor)
        session.commit()
        outcome.new_ids.extend(stored.new_ids)
        outcome.known += stored.known
        outcome.quarantined += len(page.refused)
        outcome.skipped += page.skipped
        outcome.skip_reasons.update(page.skip_reasons)

    return commit_page


def _start_run(session: Session, source_id: int) -> CrawlRun:
    run = CrawlRun(source_id=source_id)
    session.add(run)
    session.commit()
    return run


def _fail(
    session: Session,
    source: Source,
    run: CrawlRun,
    failure: SourceFailure,
    clients: Clients,
    outcome: CrawlOutcome,
) -> None:
    outcome.retry_after = record_failure(
        source,
        failure,
        base_seconds=clients.limits.backoff_seconds,
        max_seconds=clients.limits.backoff_max_seconds,
    )
    outcome.error = failure.message
    status = (
        CrawlRunStatus.RATE_LIMITED
        if failure.kind == FailureKind.RATE_LIMITED
        else CrawlRunStatus.FAILED
    )
    run.error = failure.message[:1000]
    _finish(session, source, run, status, outcome)


def _finish(
    session: Session, source: Source, run: CrawlRun, status: str, outcome: CrawlOutcome
) -> None:
    outcome.status = source.status
    run.status = status
    run.finished_at = now()
    run.new, run.known, run.quarantined = len(outcome.new_ids), outcome.known, outcome.quarantined
    session.add(source)
    session.add(run)
    session.commit()
