"""Reports: created from an incident, addressed to an agency, answered for the citizen."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from models.agency import Agency
from models.audit import AuditEvent
from models.clock import now
from models.incident import Incident, IncidentStatus
from models.notification import NoticeKind
from models.report import Report, ReportStatus
from models.taxonomy import Topic
from triage import sla
from triage.audit import record_event, snapshot
from triage.calendar import WorkCalendar
from triage.errors import ConflictError, NotFound, TriageError
from triage.locking import claim, load
from triage.notifications import record_report_notice
from triage.routing import suggest_agency
from triage.scope import (
    EVERYWHERE,
    Scope,
    require_municipality_scope,
    require_report_scope,
)

DEFAULT_SLA_HOURS = 40
REPORT_FIELDS = (
    "status",
    "agency_id",
    "topic_code",
    "municipality_id",
    "urgent",
    "sla_hours",
    "due_at",
)
CLOSED_STATUSES = (
    ReportStatus.RESOLVED,
    ReportStatus.REJECTED,
    ReportStatus.DUPLICATE,
    ReportStatus.NOT_IN_COMPETENCE,
    ReportStatus.WITHDRAWN,
)


@dataclass(frozen=True)
class SlaTerms:
    hours: int
    urgent: bool


def sla_terms(session: Session, *, topic_code: str | None) -> SlaTerms:
    topic = session.get(Topic, topic_code) if topic_code else None
    if topic is None:
        return SlaTerms(DEFAULT_SLA_HOURS, False)
    return SlaTerms(topic.sla_hours, topic.urgent)


def create_report(
    session: Session,
    *,
    incident_id: int,
    expected_version: int,
    actor: str,
    user_id: int | None,
    calendar: WorkCalendar,
    agency_id: int | None = None,
    scope: Scope = EVERYWHERE,
) -> Report:
    """Turn an incident into a report; the agency defaults to the routing suggestion."""
    incident = load(session, Incident, incident_id)
    require_municipality_scope(
        scope, entity_type="incident", entity_id=incident_id,
        municipality_id=incident.municipality_id,
    )  # fmt: skip
    claim(session, incident, expected_version=expected_version)
    if open_report(session, incident_id=incident_id) is not None:
        raise TriageError(f"incident {incident_id} already has an open report")
    if incident.post_count == 0:
        raise TriageError(f"incident {incident_id} has no posts left to report")
    if agency_id is None:
        suggestion = suggest_agency(
            session,
            topic_code=incident.topic_code,
            category_code=incident.category_code,
            municipality_id=incident.municipality_id,
        )
        agency_id = suggestion.agency_id if suggestion else None
    terms = sla_terms(session, topic_code=incident.topic_code)
    created = now()
    report = Report(
        incident_id=incident_id,
        agency_id=agency_id,
        topic_code=incident.topic_code,
        municipality_id=incident.municipality_id,
        urgent=terms.urgent,
        sla_hours=terms.hours,
        due_at=sla.deadline(calendar, start=created, hours=terms.hours, urgent=terms.urgent),
        created_by=user_id,
        created_at=created,
        updated_at=created,
    )
    session.add(report)
    incident.status = IncidentStatus.REPORTED
    incident.updated_at = created
    session.add(incident)
    session.flush()
    record_event(
        session,
        actor=actor,
        user_id=user_id,
        entity_type="report",
        entity_id=report.id or 0,
        action="create",
        before=None,
        after={**snapshot(report, REPORT_FIELDS), "incident_id": incident_id},
    )
    # The outbox row is written with the report, so no creation goes untold (or told twice).
    record_report_notice(session, report=report, kind=NoticeKind.CREATED)
    return report


def set_agency(
    session: Session,
    *,
    report_id: int,
    agency_id: int,
    expected_version: int,
    actor: str,
    user_id: int | None,
    scope: Scope = EVERYWHERE,
) -> Report:
    agency = session.get(Agency, agency_id)
    if agency is None or not agency.active:
        raise NotFound("agency", agency_id)
    report = _load_in_scope(session, report_id=report_id, scope=scope)
    claim(session, report, expected_version=expected_version)
    before = {"agency_id": report.agency_id}
    report.agency_id = agency_id
    report.updated_at = now()
    session.add(report)
    record_event(
        session,
        actor=actor,
        user_id=user_id,
        entity_type="report",
        entity_id=report_id,
        action="set_agency",
        before=before,
        after={"agency_id": agency_id},
    )
    return report


def set_answer(
    session: Session,
    *,
    report_id: int,
    text: str,
    expected_version: int,
    actor: str,
    user_id: int | None,
    scope: Scope = EVERYWHERE,
) -> Report:
    """Store the answer for the citizen (what gets published back where the post came from).

    Saving the answer the report already has changes nothing (no new revision, no audit
    event). So does the same user saving the same answer again from the version he saw
    before his own save (a double click on «Сохранить ответ»): his save is the only change
    since. Any other change since that version is a conflict (`ConflictError`).
    """
    answer = text.strip()
    if not answer:
        raise TriageError("the answer text is empty")
    report = _load_in_scope(session, report_id=report_id, scope=scope)
    if report.version == expected_version and _answer_in_place(report, answer):
        return report
    try:
        claim(session, report, expected_version=expected_version)
    except ConflictError:
        session.refresh(report)
        if _saved_again(session, report, answer=answer, expected_version=expected_version,
                        actor=actor, user_id=user_id):  # fmt: skip
            return report
        raise
    before = {"answer_text": report.answer_text, "answer_revision": report.answer_revision}
    report.answer_text = answer
    report.answer_revision += 1
    report.answer_superseded_at = None
    report.updated_at = now()
    session.add(report)
    record_event(
        session,
        actor=actor,
        user_id=user_id,
        entity_type="report",
        entity_id=report_id,
        action="set_answer",
        before=before,
        after={"answer_text": report.answer_text, "answer_revision": report.answer_revision},
    )
    return report


def _answer_in_place(report: Report, answer: str) -> bool:
    """Whether `answer` is already the report's current answer (not superseded)."""
    return report.answer_text == answer and report.answer_superseded_at is None


def _saved_again(
    session: Session,
    report: Report,
    *,
    answer: str,
    expected_version: int,
    actor: str,
    user_id: int | None,
) -> bool:
    """Whether the only change since `expected_version` is this user's own save of `answer`:
    one version later, and the report's latest audit event is that save."""
    if report.version != expected_version + 1 or not _answer_in_place(report, answer):
        return False
    last = session.execute(
        select(AuditEvent)
        .where(AuditEvent.entity_type == "report", AuditEvent.entity_id == report.id)
        .order_by(AuditEvent.id.desc())  # type: ignore[union-attr]
        .limit(1)
    ).scalar_one_or_none()
    if last is None or last.action != "set_answer":
        return False
    same_user = last.user_id == user_id if user_id is not None else last.actor == actor
    return same_user and (last.after or {}).get("answer_text") == answer


def _load_in_scope(session: Session, *, report_id: int, scope: Scope) -> Report:
    report = load(session, Report, report_id)
    require_report_scope(
        scope, report_id=report_id, municipality_id=report.municipality_id,
        agency_id=report.agency_id,
    )  # fmt: skip
    return report


def open_report(session: Session, *, incident_id: int) -> Report | None:
    return session.execute(
        select(Report)
        .where(Report.incident_id == incident_id, Report.status.not_in(CLOSED_STATUSES))  # type: ignore[attr-defined]
        .limit(1)
    ).scalar_one_or_none()


def open_report_among(session: Session, *, incident_ids: list[int]) -> Report | None:
    """The latest open report of any of the incidents (those a merge would join)."""
    return session.execute(
        select(Report)
        .where(
            Report.incident_id.in_(incident_ids),  # type: ignore[attr-defined]
            Report.status.not_in(CLOSED_STATUSES),  # type: ignore[attr-defined]
        )
        .order_by(Report.id.desc())  # type: ignore[union-attr]
        .limit(1)
    ).scalar_one_or_none()


def is_overdue(report: Report, *, at: datetime) -> bool:
    return (
        report.status in sla.CLOCK_RUNNING
        and report.paused_at is None
        and report.due_at is not None
        and report.due_at < at
    )
