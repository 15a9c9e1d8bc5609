"""Where each source's crawl stopped, and the history of crawl runs."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import update
from sqlmodel import Field, Session, SQLModel

from models.clock import now
from models.fields import created_at_field, json_field, utc_field

ABANDONED_REASON = "the crawl stopped without finishing: worker killed or lost"


class CrawlCursor(SQLModel, table=True):
    """A source's resume point (last id, time window, `next_from`...).

    Advanced in the same transaction that commits the posts it covers, so a crawl killed
    at any point restarts from the last committed page.
    """

    source_id: int = Field(foreign_key="source.id", primary_key=True)
    state: dict[str, Any] = json_field()
    updated_at: datetime = created_at_field()


class CrawlRunStatus(StrEnum):
    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"
    RATE_LIMITED = "rate_limited"
    ABANDONED = "abandoned"  # still "running" when the next crawl of the source started


class CrawlRun(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    source_id: int | None = Field(default=None, foreign_key="source.id", index=True)
    started_at: datetime = utc_field(nullable=False, index=True, default_now=True)
    finished_at: datetime | None = utc_field()
    status: str = Field(default=CrawlRunStatus.RUNNING, max_length=32)
    new: int = 0
    known: int = 0
    quarantined: int = 0
    error: str | None = None


def close_abandoned_runs(session: Session, *, source_id: int) -> int:
    """Close the source's runs still marked running: abandoned, finished now, with the reason.

    Call only while holding the source's crawl lock: then no other crawl of the source can
    be alive, so a run still "running" belongs to a crawl that died (SIGKILL, lost machine).
    The caller commits; returns how many runs were closed.
    """
    result = session.execute(
        update(CrawlRun)
        .where(CrawlRun.source_id == source_id, CrawlRun.status == CrawlRunStatus.RUNNING)  # type: ignore[arg-type]
        .values(status=CrawlRunStatus.ABANDONED, finished_at=now(), error=ABANDONED_REASON)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
