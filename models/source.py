"""Crawl sources: a VK wall, a VK search query, a Telegram channel, an imported file."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.fields import created_at_field, json_field, utc_field


class SourceKind(StrEnum):
    VK_WALL = "vk_wall"
    VK_COMMENTS = "vk_comments"
    VK_SEARCH = "vk_search"
    TELEGRAM = "telegram"
    TELEGRAM_EXPORT = "telegram_export"
    VK_DUMP = "vk_dump"
    CSV = "csv"
    JSONL = "jsonl"
    DEMO = "demo"
    MANUAL = "manual"  # typed in by an operator: a phone call, an ЕДДС message, a visit


class SourceRole(StrEnum):
    """Whose page a source is: it decides what the page's own items can be."""

    AUTHORITY = "authority"  # an administration's page: its own posts are never signals
    RESIDENTS = "residents"  # «Подслушано», «ЧП …», a house chat: the page posts residents' stories
    MEDIA = "media"  # a news page or channel


class SourceStatus(StrEnum):
    OK = "ok"
    BACKING_OFF = "backing_off"  # rate-limited; retried after `retry_after`
    BROKEN = "broken"  # bad credentials (VK error 5): stopped until an operator fixes it
    GONE = "gone"  # deleted, closed or private (VK errors 15/18/30)
    DISABLED = "disabled"  # switched off by an operator


class SourceBase(SQLModel):
    kind: str = Field(max_length=32, index=True)
    name: str = Field(max_length=300)
    # What to crawl: a VK owner id ("-123"), a search query, a Telegram channel, a file path.
    target: str = Field(max_length=1000)
    # The municipality this source speaks for (a town's VK community): a prior for NLP.
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id")
    hot: bool = False
    interval_seconds: int | None = None  # None: the default for hot / ordinary sources
    params: dict[str, Any] = json_field()
    role: str | None = Field(default=None, max_length=16)  # a SourceRole; None: not known yet


class SourceCreate(SourceBase):
    pass


class Source(SourceBase, table=True):
    __table_args__ = (UniqueConstraint("kind", "target", name="uq_source_kind_target"),)

    id: int | None = Field(default=None, primary_key=True)
    enabled: bool = True
    role_guessed: bool = False  # the role was guessed from a crawl, not set by an operator
    status: str = Field(default=SourceStatus.OK, max_length=32)
    last_success_at: datetime | None = utc_field()
    last_error_at: datetime | None = utc_field()
    last_error: str | None = None
    retry_after: datetime | None = utc_field()
    consecutive_failures: int = 0
    posts_fetched: int = 0
    created_at: datetime = created_at_field()
