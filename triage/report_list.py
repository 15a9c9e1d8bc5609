"""Reports as rows for lists and exports: overdue and soon-due first."""

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import case, func, literal, select, tuple_
from sqlalchemy.sql import Select
from sqlmodel import Session

from models.agency import Agency
from models.audit import AuditEvent
from models.geo import Municipality
from models.incident import Incident, IncidentPost
from models.post import Post
from models.report import Report
from models.source import Source
from models.types import UTCDateTime
from triage import sla
from triage.emptied import CLOSE_ACTION
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
class ReportCursor:
    """Where a page of reports ended: its last report's place in the list's order (overdue,
    then running, then closed; by deadline, none last; then id, so the order is total).

    `at` is the moment the first page was listed: later pages order «overdue» as of then,
    so a report falling due while the list is read does not jump back over the cursor.
    """

    at: datetime
    rank: int
    due_at: datetime
    report_id: int


# A report without a deadline sorts after every dated one (on SQLite and PostgreSQL alike).
NO_DEADLINE = datetime(9999, 12, 31, tzinfo=UTC)


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
    after: ReportCursor | None = None,
    scope: Scope = EVERYWHERE,
    report_ids: tuple[int, ...] = (),
    topic_codes: tuple[str, ...] = (),
    created_from: datetime | None = None,
    created_to: datetime | None = None,
) -> list[ReportRow]:
    """Open reports past their deadline first, then by deadline; closed ones last.

    `after` (`report_cursor` of the previous page's last row): the page starts after that
    report (keyset pagination, nothing skipped when earlier rows change); without it,
    `offset` rows are skipped.

    Only the reports `scope` covers: its municipalities, its agency's.
    Soon-due reports are `triage.deadlines.deadlines`' (pass their ids as `report_ids`).
    """
    overdue = _overdue(now)
    order = _order_key(after.at if after is not None else now)
    statement = (
        select(Report, Incident.title, Agency.name, Municipality.name, overdue, Incident.address)
        .join(Incident, Incident.id == Report.incident_id)
        .outerjoin(Agency, Agency.id == Report.agency_id)
        .outerjoin(Municipality, Municipality.id == Report.municipality_id)
        .order_by(*order)
        .limit(limit)
    )
    if after is None:
        statement = statement.offset(offset)
    else:
        statement = statement.where(
            tuple_(*order) > (after.rank, after.due_at, after.report_id)  # type: ignore[operator]
        )
    statement = _filtered(
        statement,
        now=now,
        statuses=statuses,
        municipality_id=municipality_id,
        overdue_only=overdue_only,
        report_id=report_id,
        report_ids=report_ids,
        topic_codes=topic_codes,
        created_from=created_from,
        created_to=created_to,
        scope=scope,
    )
    return [_row(*row) for row in session.execute(statement).all()]


def count_reports(
    session: Session,
    *,
    now: datetime,
    statuses: tuple[str, ...] = (),
    municipality_id: int | None = None,
    overdue_only: bool = False,
    scope: Scope = EVERYWHERE,
    report_ids: tuple[int, ...] = (),
) -> int:
    """How many reports `list_reports` lists with the same filters, over all its pages."""
    statement = _filtered(
        select(func.count()).select_from(Report),
        now=now,
        statuses=statuses,
        municipality_id=municipality_id,
        overdue_only=overdue_only,
        report_ids=report_ids,
        scope=scope,
    )
    return int(session.execute(statement).scalar_one())


def _overdue(now: datetime) -> Any:
    """A running report's clock, not paused, past its deadline at `now`."""
    running = Report.status.in_(sla.CLOCK_RUNNING)  # type: ignore[attr-defined]
    return running & Report.paused_at.is_(None) & (Report.due_at < now)  # type: ignore[union-attr,operator]


def _filtered(
    statement: Select,
    *,
    now: datetime,
    statuses: tuple[str, ...] = (),
    municipality_id: int | None = None,
    overdue_only: bool = False,
    report_id: int | None = None,
    report_ids: tuple[int, ...] = (),
    topic_codes: tuple[str, ...] = (),
    created_from: datetime | None = None,
    created_to: datetime | None = None,
    scope: Scope = EVERYWHERE,
) -> Select:
    """`statement` (over `Report`) narrowed by `list_reports`' filters."""
    if statuses:
        statement = statement.where(Report.status.in_(statuses))  # type: ignore[attr-defined]
    if municipality_id is not None:
        statement = statement.where(Report.municipality_id == municipality_id)
    if overdue_only:
        statement = statement.where(_overdue(now))
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
    return scoped_reports(statement, scope)


def report_cursor(session: Session, *, report_id: int, at: datetime) -> ReportCursor | None:
    """The cursor after `report_id` in the list ordered as of `at` (None: it is gone)."""
    found = session.execute(select(*_order_key(at)).where(Report.id == report_id)).first()
    if found is None:
        return None
    rank, due_at, _ = found
    return ReportCursor(at, int(rank), due_at, report_id)


def _order_key(at: datetime) -> tuple[Any, Any, Any]:
    """The list's order as of `at`: overdue 0, running 1, closed 2; deadline; id."""
    running = Report.status.in_(sla.CLOCK_RUNNING)  # type: ignore[attr-defined]
    deadline = func.coalesce(Report.due_at, literal(NO_DEADLINE, UTCDateTime()))
    return case((_overdue(at), 0), (running, 1), else_=2), deadline, Report.id


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


@dataclass(frozen=True)
class KeptAnswerRow:
    """A report closed automatically with its agency's answer kept (`triage.emptied`): its
    incident emptied (the posts were no signals, or moved to another incident)."""

    report_id: int
    status: str  # withdrawn or duplicate
    title: str
    municipality: str | None
    agency: str | None
    reason: str  # in Russian, as the agency was told
    answer_text: str | None
    closed_at: datetime
    merged_into_incident_id: int | None  # where the posts went (a duplicate only)
    duplicate_of_report_id: int | None
    event_id: int  # the closing audit event: the list's keyset


def closed_with_answer_kept(
    session: Session,
    *,
    scope: Scope = EVERYWHERE,
    municipality_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
    after: int | None = None,
) -> list[KeptAnswerRow]:
    """Reports closed automatically with the agency's answer kept, the latest closing first.

    Read from the audit log (`answer_kept` on the closing event), so the reason and the
    incident the posts went to are the ones the agency and the operators were told.
    `after` (the previous page's last `event_id`): the page starts after it (keyset);
    without it, `offset` rows are skipped. Only the reports `scope` covers.
    """
    kept = AuditEvent.after["answer_kept"].as_boolean()  # type: ignore[index]
    statement = (
        select(AuditEvent, Report, Incident.title, Agency.name, Municipality.name)
        .join(Report, Report.id == AuditEvent.entity_id)
        .join(Incident, Incident.id == Report.incident_id)
        .outerjoin(Agency, Agency.id == Report.agency_id)
        .outerjoin(Municipality, Municipality.id == Report.municipality_id)
        .where(
            AuditEvent.entity_type == "report",
            AuditEvent.action == CLOSE_ACTION,
            kept.is_(True),
        )
        .order_by(AuditEvent.id.desc())  # type: ignore[union-attr]
        .limit(limit)
    )
    if after is None:
        statement = statement.offset(offset)
    else:
        statement = statement.where(AuditEvent.id < after)  # type: ignore[operator]
    if municipality_id is not None:
        statement = statement.where(Report.municipality_id == municipality_id)
    statement = scoped_reports(statement, scope)
    return [_kept_row(*found) for found in session.execute(statement).all()]


def _kept_row(
    event: AuditEvent,
    report: Report,
    title: str,
    agency: str | None,
    municipality: str | None,
) -> KeptAnswerRow:
    told = event.after or {}
    return KeptAnswerRow(
        report_id=report.id or 0,
        status=str(told.get("status") or report.status),
        title=title,
        municipality=municipality,
        agency=agency,
        reason=str(told.get("reason") or ""),
        answer_text=report.answer_text,
        closed_at=event.at,
        merged_into_incident_id=_number(told.get("incident_id")),
        duplicate_of_report_id=_number(told.get("duplicate_of_report_id")),
        event_id=event.id or 0,
    )


def _number(value: object) -> int | None:
    return int(value) if isinstance(value, int | str) and str(value).isdigit() else None


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
