"""Small helpers to declare SQLModel fields with the project's column types."""

from datetime import datetime
from typing import Any

from sqlalchemy import Column
from sqlmodel import Field

from models.clock import now
from models.types import JSONType, UTCDateTime


def utc_field(*, nullable: bool = True, index: bool = False, default_now: bool = False) -> Any:
    """A timezone-aware UTC datetime column."""
    kwargs: dict[str, Any] = {"default_factory": now} if default_now else {"default": None}
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable, index=index), **kwargs)


def json_field(*, default_factory: Any = dict, nullable: bool = False) -> Any:
    """A JSON column (JSONB on PostgreSQL)."""
    return Field(default_factory=default_factory, sa_column=Column(JSONType, nullable=nullable))


def created_at_field() -> datetime:
    return utc_field(nullable=False, default_now=True)  # type: ignore[no-any-return]
