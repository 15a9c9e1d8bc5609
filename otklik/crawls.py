"""Which sources are due for a crawl, and one guarded crawl whose new posts go down the pipeline."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, or_
from sqlmodel import Session, select

from models.crawl import close_abandoned_runs
from models.source import Source, SourceKind, SourceStatus
from otklik.crawl_guard import CrawlGuard
from otklik.pipeline import Pipeline, Progress

CRAWLABLE_KINDS = (
    SourceKind.VK_WALL,
    SourceKind.VK_COMMENTS,
    SourceKind.VK_SEARCH,
    SourceKind.TELEGRAM,
)
STOPPED = (SourceStatus.BROKEN, SourceStatus.GONE, SourceStatus.DISABLED)


@dataclass(frozen=True)
class CrawlReport:
    source_id: int
    ran: bool  # False: another crawl of this source holds its lock
    status: str = "skipped"
    new: int = 0
    known: int = 0
    quarantined: int = 0
    forwarded: Progress | None = None


def crawlable_sources(session: Session, *, at: datetime) -> list[Source]:
    """Enabled live sources of a crawlable kind whose back-off (if any) is over."""
    statement = select(Source).where(
        Source.enabled == True,  # noqa: E712
        Source.kind.in_(CRAWLABLE_KINDS),  # type: ignore[attr-defined]
        Source.status.not_in(STOPPED),  # type: ignore[attr-defined]
        or_(Source.retry_after == None, Source.retry_after <= at),  # type: ignore[arg-type, operator] # noqa: E711
    )
    return list(session.exec(statement.order_by(Source.id)))  # type: ignore[arg-type]


def interval_for(source: Source, *, hot_seconds: int, default_seconds: int) -> int:
    """The source's own interval, else the hot or ordinary default."""
    if source.interval_seconds:
        return source.interval_seconds
    return hot_seconds if source.hot else default_seconds


def run_crawl(
    engine: Engine,
    *,
    source_id: int,
    clients: Any,
    lemmatize: Callable[[str], str] | None,
    guard: CrawlGuard,
    pipeline: Pipeline,
) -> CrawlReport:
    """Crawl one source under its guard, then hand its new post ids to the pipeline."""
    from ingest.crawl import crawl_source

    with guard(source_id) as acquired:
        if not acquired:
            return CrawlReport(source_id=source_id, ran=False)
        with Session(engine, expire_on_commit=False) as session:
            # Holding the lock, no other crawl of the source is alive: a run still "running"
            # died with its worker. Committed with the new run's row.
            close_abandoned_runs(session, source_id=source_id)
            outcome = crawl_source(
                session, source_id=source_id, clients=clients, lemmatize=lemmatize
            )
            session.commit()
    forwarded = pipeline.after_ingest(list(outcome.new_ids))
    return CrawlReport(
        source_id=source_id,
        ran=True,
        status=str(outcome.status),
        new=len(outcome.new_ids),
        known=int(outcome.known),
        quarantined=int(outcome.quarantined),
        forwarded=forwarded,
    )
