"""Reports as rows for lists and exports: overdue and soon-due first."""

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.sql import Select
from sqlmodel import Session

from models.agency import Agency
from models.geo import Municipality
from models.incident import Incident, IncidentPost
from models.post import Post
from models.report import Report
from models.source import Source
from triage import sla
from triage.scope import EVERYWHERE, Scope


@dataclass(frozen=True)
class ReportRow:
    id: int
    status: str
    incident_id: int
    title: str
    agency: str | None
    municipality: str | None
    topic_code: str | None
    urgent: bool
    created_at: datetime
    due_at: datetime | None
    overdue: bool
    escalation_level: int
    sent_at: datetime | None
    first_answer_at: datetime | None
    resolved_at: datetime | None
    answer_text: str | None
    version: int
    updated_at: datetime | None = None
    address: str | None = None
    agency_id: int | None = None
    municipality_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PublishRow:
    """One place an answer should be published: the post that raised the problem."""

    report_id: int
    post_id: int
    source_kind: str
    source_target: str
    post_url: str | None
    post_external_id: str
    answer_text: str


def list_reports(
    session: Session,
    *,
    now: datetime,
    statuses: tuple[str, ...] = (),
    municipality_id: int | None = None,
    overdue_only: bool = False,
    report_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
    scope: Scope = EVERYWHERE,
    report_ids: tuple[int, ...] = (),
    topic_codes: tuple[str, ...] = (),
    created_from: datetime | None = None,
    created_to: datetime | None = None,
) -> list[ReportRow]:
    """Open reports past their deadline first, then by deadline; closed ones last.

    Only the reports `scope` covers: its municipalities, its agency's.
    Soon-due reports are `triage.deadlines.deadlines`' (pass their ids as `report_ids`).
    """
    running = Report.status.in_(sla.CLOCK_RUNNING)  # type: ignore[attr-defined]
    overdue = running & Report.paused_at.is_(None) & (Report.due_at < now)  # type: ignore[union-attr,operator]
    statement = (
        select(Report, Incident.title, Agency.name, Municipality.name, overdue, Incident.address)
        .join(Incident, Incident.id == Report.incident_id)
        .outerjoin(Agency, Agency.id == Report.agency_id)
        .outerjoin(Municipality, Municipality.id == Report.municipality_id)
        .order_by(case((overdue, 0), (running, 1), else_=2), Report.due_at, Report.id)
        .offset(offset)
        .limit(limit)
    )
    if statuses:
        statement = statement.where(Report.status.in_(statuses))  # type: ignore[attr-defined]
    if municipality_id is not None:
        statement = statement.where(Report.municipality_id == municipality_id)
    if overdue_only:
        statement = statement.where(overdue)
    if report_id is not None:
        statement = statement.where(Report.id == report_id)
    if report_ids:
        statement = statement.where(Report.id.in_(report_ids))  # type: ignore[union-attr]
    if topic_codes:
        statement = statement.where(Report.topic_code.in_(topic_codes))  # type: ignore[union-attr]
    if created_from is not None:
        statement = statement.where(Report.created_at >= created_from)  # type: ignore[operator]
    if created_to is not None:
        statement = statement.where(Report.created_at < created_to)  # type: ignore[operator]
    statement = scoped_reports(statement, scope)
    return [_row(*row) for row in session.execute(statement).all()]


def scoped_reports(statement: Select, scope: Scope) -> Select:
    """`statement` (over `Report`) narrowed to the reports `scope` covers."""
    return statement.where(*report_scope_clauses(scope))


def report_scope_clauses(scope: Scope) -> list[Any]:
    """The conditions on `Report` that keep only what `scope` covers (none: the region)."""
    clauses: list[Any] = []
    if scope.agency_id is not None:
        clauses.append(Report.agency_id == scope.agency_id)
    if scope.municipality_ids is not None:
        clauses.append(Report.municipality_id.in_(scope.municipality_ids))  # type: ignore[union-attr]
    return clauses


def get_report_row(
    session: Session, *, report_id: int, now: datetime, scope: Scope = EVERYWHERE
) -> ReportRow | None:
    rows = list_reports(session, now=now, report_id=report_id, limit=1, scope=scope)
    return rows[0] if rows else None


def answers_for_publishing(
    session: Session,
    *,
    report_ids: list[int] | None = None,
    statuses: tuple[str, ...] = (),
) -> list[PublishRow]:
    """Every (report with a current answer) x (post of its incident): where to publish it.

    An answer a reopening superseded is left out (see `models.report.current_answer`).
    """
    statement = (
        select(
            Report.id,
            Post.id,
            Source.kind,
            Source.target,
            Post.url,
            Post.external_id,
            Report.answer_text,
        )
        .join(IncidentPost, IncidentPost.incident_id == Report.incident_id)
        .join(Post, Post.id == IncidentPost.post_id)
        .join(Source, Source.id == Post.source_id)
        .where(
            Report.answer_text.is_not(None),  # type: ignore[union-attr]
            Report.answer_superseded_at.is_(None),  # type: ignore[union-attr]
        )
        .order_by(Report.id, Post.id)
    )
    if statuses:
        statement = statement.where(Report.status.in_(statuses))  # type: ignore[attr-defined]
    if report_ids is not None:
        statement = statement.where(Report.id.in_(report_ids))  # type: ignore[union-attr]
    return [PublishRow(*row) for row in session.execute(statement).all()]


def _row(
    report: Report,
    title: str,
    agency: str | None,
    municipality: str | None,
    overdue: bool,
    address: str | None,
) -> ReportRow:
    return ReportRow(
        id=report.id or 0,
        status=report.status,
        incident_id=report.incident_id,
        title=title,
        agency=agency,
        municipality=municipality,
        topic_code=report.topic_code,
        urgent=report.urgent,
        created_at=report.created_at,
        due_at=report.due_at,
        overdue=bool(overdue),
        escalation_level=report.escalation_level,
        sent_at=report.sent_at,
        first_answer_at=report.first_answer_at,
        resolved_at=report.resolved_at,
        answer_text=report.answer_text,
        version=report.version,
        updated_at=report.updated_at,
        address=address,
        agency_id=report.agency_id,
        municipality_id=report.municipality_id,
    )
