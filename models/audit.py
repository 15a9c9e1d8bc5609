"""The append-only audit log: who changed what, when, from what, to what."""

from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from models.fields import created_at_field, json_field


class AuditEvent(SQLModel, table=True):
    """One change. The database refuses UPDATE and DELETE on this table (see migrations)."""

    __table_args__ = (Index("ix_auditevent_entity", "entity_type", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = created_at_field()
    actor: str = Field(max_length=100)  # a username, "model" or "system"
    user_id: int | None = Field(default=None, foreign_key="user.id")
    entity_type: str = Field(max_length=32)  # post, incident, report, source, model, user...
    entity_id: int
    action: str = Field(max_length=64)
    before: dict[str, Any] | None = json_field(default_factory=lambda: None, nullable=True)
    after: dict[str, Any] | None = json_field(default_factory=lambda: None, nullable=True)
