"""Incidents: one problem in one place, reported by many posts."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Field, SQLModel

from models.fields import created_at_field, json_field, utc_field


class IncidentStatus(StrEnum):
    OPEN = "open"
    REPORTED = "reported"  # a report tracks it
    CLOSED = "closed"
    MERGED = "merged"  # folded into `merged_into_id`


class Incident(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=500)
    status: str = Field(default=IncidentStatus.OPEN, max_length=16, index=True)
    category_code: str | None = Field(default=None, max_length=64, index=True)
    topic_code: str | None = Field(default=None, max_length=64)
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id", index=True)
    address: str | None = Field(default=None, max_length=500)
    merged_into_id: int | None = Field(default=None, foreign_key="incident.id")
    post_count: int = 0
    priority: float = 0.0
    first_post_at: datetime | None = utc_field()
    last_post_at: datetime | None = utc_field(index=True)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
    version: int = 1


class IncidentPost(SQLModel, table=True):
    """A post's membership of an incident, with the reason it was attached."""

    post_id: int = Field(foreign_key="post.id", primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    similarity: float | None = None
    reason: dict[str, Any] = json_field()  # e.g. {"rule": "text+place", "cosine": 0.71, ...}
    attached_by: str = Field(default="system", max_length=64)
    attached_at: datetime = created_at_field()
