"""The report state machine: which status may follow which, and what each move records."""

from datetime import datetime

from sqlmodel import Session

from models.clock import now
from models.incident import Incident, IncidentStatus
from models.report import Report, ReportStatus
from triage import sla
from triage.audit import record_event, snapshot
from triage.calendar import WorkCalendar
from triage.errors import InvalidTransition
from triage.locking import claim, load
from triage.scope import EVERYWHERE, Scope, require_report_scope

S = ReportStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.SENT, S.REJECTED, S.DUPLICATE, S.NOT_IN_COMPETENCE, S.WITHDRAWN}),
    S.SENT: frozenset(
        {
            S.IN_PROGRESS,
            S.WAITING_CITIZEN,
            S.ANSWERED,
            S.REJECTED,
            S.DUPLICATE,
            S.NOT_IN_COMPETENCE,
            S.WITHDRAWN,
        }
    ),
    S.IN_PROGRESS: frozenset(
        {S.WAITING_CITIZEN, S.ANSWERED, S.REJECTED, S.NOT_IN_COMPETENCE, S.WITHDRAWN}
    ),
    S.WAITING_CITIZEN: frozenset({S.SENT, S.IN_PROGRESS, S.ANSWERED, S.REJECTED, S.WITHDRAWN}),
    S.ANSWERED: frozenset({S.RESOLVED, S.IN_PROGRESS, S.REOPENED}),
    S.RESOLVED: frozenset({S.REOPENED}),
    S.REOPENED: frozenset(
        {
            S.SENT,
            S.IN_PROGRESS,
            S.ANSWERED,
            S.REJECTED,
            S.DUPLICATE,
            S.NOT_IN_COMPETENCE,
            S.WITHDRAWN,
        }
    ),
    S.REJECTED: frozenset(),
    S.DUPLICATE: frozenset(),
    S.NOT_IN_COMPETENCE: frozenset(),
    S.WITHDRAWN: frozenset(),
}
FINAL = frozenset({S.RESOLVED, S.REJECTED, S.DUPLICATE, S.NOT_IN_COMPETENCE, S.WITHDRAWN})
# Moves only the ЦУР makes, when a report's incident empties (`triage.emptied`): a report the
# agency has answered is closed too (its answer stays on it). No operator can make them.
CLOSING_WITH_INCIDENT: dict[str, frozenset[str]] = {
    S.ANSWERED: frozenset({S.WITHDRAWN, S.DUPLICATE})
}
AUDITED_FIELDS = (
    "status",
    "due_at",
    "paused_at",
    "paused_seconds",
    "sent_at",
    "first_answer_at",
    "resolved_at",
    "answer_superseded_at",
)


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def can_close_with_incident(current: str, target: str) -> bool:
    """Whether the ЦУР may close a report in `current` as `target` when its incident empties."""
    return can_transition(current, target) or target in CLOSING_WITH_INCIDENT.get(
        current, frozenset()
    )


def change_status(
    session: Session,
    *,
    report_id: int,
    status: str,
    actor: str,
    user_id: int | None,
    expected_version: int,
    calendar: WorkCalendar,
    scope: Scope = EVERYWHERE,
) -> Report:
    """Move a report to `status`, or raise `InvalidTransition` (`OutOfScope` for a report
    outside `scope`). The caller commits."""
    report = load(session, Report, report_id)
    require_report_scope(
        scope, report_id=report_id, municipality_id=report.municipality_id,
        agency_id=report.agency_id,
    )  # fmt: skip
    if not can_transition(report.status, status):
        raise InvalidTransition(report_id, report.status, status)
    claim(session, report, expected_version=expected_version)
    apply_transition(
        session, report, status=status, actor=actor, user_id=user_id, calendar=calendar
    )
    return report


def apply_transition(
    session: Session,
    report: Report,
    *,
    status: str,
    actor: str,
    user_id: int | None,
    calendar: WorkCalendar,
) -> None:
    """Apply a validated move: timestamps, the SLA clock, the incident's status, the audit."""
    before = snapshot(report, AUDITED_FIELDS)
    at = now()
    _leave(report, calendar, at=at)
    _enter(report, status, calendar, at=at)
    report.status = status
    report.updated_at = at
    _sync_incident(session, report, at=at)
    session.add(report)
    record_event(
        session,
        actor=actor,
        user_id=user_id,
        entity_type="report",
        entity_id=report.id or 0,
        action=f"status:{status}",
        before=before,
        after=snapshot(report, AUDITED_FIELDS),
    )


def _leave(report: Report, calendar: WorkCalendar, *, at: datetime) -> None:
    if report.status == S.WAITING_CITIZEN:
        sla.resume(report, calendar, at=at)


def _enter(report: Report, status: str, calendar: WorkCalendar, *, at: datetime) -> None:
    if status == S.SENT and report.sent_at is None:
        report.sent_at = at
    elif status == S.WAITING_CITIZEN:
        sla.pause(report, at=at)
    elif status == S.ANSWERED and report.first_answer_at is None:
        report.first_answer_at = at
    elif status == S.RESOLVED:
        report.resolved_at = at
    elif status == S.REOPENED:
        report.resolved_at = None
        if report.answer_text is not None:  # the answer did not hold: never publish it again
            report.answer_superseded_at = at
        sla.restart(report, calendar, at=at)


def _sync_incident(session: Session, report: Report, *, at: datetime) -> None:
    incident = session.get(Incident, report.incident_id)
    if incident is None:
        return
    closed = report.status in FINAL
    incident.status = IncidentStatus.CLOSED if closed else IncidentStatus.REPORTED
    incident.updated_at = at
    session.add(incident)
