"""Reports: an incident addressed to a responsible agency and tracked to its end."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from models.fields import created_at_field, utc_field


class ReportStatus(StrEnum):
    NEW = "new"
    SENT = "sent"  # sent to the agency
    IN_PROGRESS = "in_progress"
    WAITING_CITIZEN = "waiting_citizen"  # the SLA clock is paused
    ANSWERED = "answered"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    NOT_IN_COMPETENCE = "not_in_competence"
    REOPENED = "reopened"
    # Closed by the ЦУР, not the agency: its incident emptied (the posts were not signals).
    WITHDRAWN = "withdrawn"


class Report(SQLModel, table=True):
    __table_args__ = (Index("ix_report_status_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    agency_id: int | None = Field(default=None, foreign_key="agency.id", index=True)
    status: str = Field(default=ReportStatus.NEW, max_length=24)
    topic_code: str | None = Field(default=None, max_length=64)
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id")
    urgent: bool = False
    sla_hours: int = 40
    due_at: datetime | None = utc_field()
    paused_at: datetime | None = utc_field()
    paused_seconds: int = 0
    sent_at: datetime | None = utc_field()
    first_answer_at: datetime | None = utc_field()
    resolved_at: datetime | None = utc_field()
    escalation_level: int = 0
    escalated_at: datetime | None = utc_field()
    answer_text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Bumped by every new answer: a publication names the revision it carries.
    answer_revision: int = 0
    # Set when the report is reopened: the answer on file no longer holds until a new one.
    answer_superseded_at: datetime | None = utc_field()
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
    version: int = 1


def current_answer(report: Report) -> str | None:
    """The answer that holds now: none before the first, none after a reopening until a new one."""
    if report.answer_text is None or report.answer_superseded_at is not None:
        return None
    return report.answer_text
