"""The notification outbox: one row per (event, channel, recipient), written with the change."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.fields import created_at_field, json_field, utc_field


class NoticeKind(StrEnum):
    CREATED = "report_created"
    SOON_DUE = "report_soon_due"
    OVERDUE = "report_overdue"
    # The ЦУР closed the report because its incident emptied (`triage.emptied`).
    WITHDRAWN = "report_withdrawn"
    CLOSED_DUPLICATE = "report_closed_duplicate"
    # Residents wrote about the problem after the report was resolved (`triage.reopening`).
    REOPENED = "report_reopened"


class Channel(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    QUEUED = "queued"  # handed to an rq job, which delivers and retries it
    SENT = "sent"
    FAILED = "failed"  # gave up after the last attempt


class Notification(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("event_id", "channel", "recipient"),)

    id: int | None = Field(default=None, primary_key=True)
    # The same for every recipient of one event; receivers dedupe by it.
    event_id: str = Field(max_length=100, index=True)
    kind: str = Field(max_length=32)
    report_id: int = Field(foreign_key="report.id", index=True)
    channel: str = Field(max_length=16)
    recipient: str = Field(max_length=500)  # an e-mail address or a webhook URL
    agency_id: int | None = Field(default=None, foreign_key="agency.id")
    payload: dict[str, Any] = json_field()
    status: str = Field(default=DeliveryStatus.PENDING, max_length=16, index=True)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=1000)
    created_at: datetime = created_at_field()
    sent_at: datetime | None = utc_field()
