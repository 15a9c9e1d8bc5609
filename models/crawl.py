"""Where each source's crawl stopped, and the history of crawl runs."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Field, SQLModel

from models.fields import created_at_field, json_field, utc_field


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


class CrawlRun(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    source_id: int | None = Field(default=None, foreign_key="source.id", index=True)
    started_at: datetime = created_at_field()
    finished_at: datetime | None = utc_field()
    status: str = Field(default=CrawlRunStatus.RUNNING, max_length=32)
    new: int = 0
    known: int = 0
    quarantined: int = 0
    error: str | None = None
