"""The scheduled SLA check: overdue and soon-due reports, escalation of the overdue."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from models.clock import now
from models.report import Report
from triage import sla
from triage.audit import record_event
from triage.calendar import WorkCalendar
from triage.deadlines import deadlines
from triage.errors import ConflictError
from triage.locking import claim

MAX_ESCALATION = 3


@dataclass
class SlaCheck:
    overdue: list[int] = field(default_factory=list)
    soon_due: list[int] = field(default_factory=list)
    escalated: list[int] = field(default_factory=list)


def sla_check(
    session: Session, *, soon_hours: int = 8, calendar: WorkCalendar | None = None
) -> SlaCheck:
    """Find overdue / soon-due reports (most urgent first) and escalate the overdue. Commits.

    Overdue and soon due are `triage.deadlines.deadlines` (the console's counter is the same
    definition): at most `soon_hours` of SLA time left. The escalation level grows with how
    many SLA periods a report is overdue (1 once the deadline passes, 2 after one more period,
    at most 3); each rise is an audit event.
    """
    calendar = calendar or WorkCalendar()
    at = now()
    found = deadlines(session, now=at, soon_hours=soon_hours, calendar=calendar)
    result = SlaCheck(overdue=list(found.overdue), soon_due=list(found.due_soon))
    for report_id in found.overdue:
        report = session.get_one(Report, report_id)
        level = escalation_level(report, at=at, calendar=calendar)
        if _escalate(session, report, level=level):
            result.escalated.append(report_id)
    session.commit()
    return result


def escalation_level(report: Report, *, at: datetime, calendar: WorkCalendar) -> int:
    assert report.due_at is not None
    period = max(report.sla_hours, 1) * 3600
    overdue = sla.elapsed_seconds(calendar, start=report.due_at, end=at, urgent=report.urgent)
    return min(1 + int(overdue // period), MAX_ESCALATION)


def _escalate(session: Session, report: Report, *, level: int) -> bool:
    """Raise the level, claiming the version read like any other write: a report changed
    since it was read is left for the next check (no lost update, no version reused)."""
    if level <= report.escalation_level:
        return False
    try:
        claim(session, report, expected_version=report.version)
    except ConflictError:
        session.expire(report)
        return False
    before = {"escalation_level": report.escalation_level}
    report.escalation_level = level
    report.escalated_at = now()
    session.add(report)
    record_event(
        session,
        actor="system",
        user_id=None,
        entity_type="report",
        entity_id=report.id or 0,
        action="escalate",
        before=before,
        after={"escalation_level": level, "due_at": report.due_at},
    )
    return True
