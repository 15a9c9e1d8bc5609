"""The shift's counter and `otklik sla-check`: one definition of overdue and soon due."""

from datetime import timedelta

from sqlmodel import Session

from models.clock import frozen_at, now
from models.incident import Incident
from models.report import Report, ReportStatus
from tests.triage import factories as f
from triage.calendar import WorkCalendar
from triage.deadlines import deadline_counts, deadlines
from triage.sla_check import sla_check

CAL = WorkCalendar()


def _report(
    session: Session, *, due: object, status: str = ReportStatus.SENT, **extra: object
) -> int:
    incident = Incident(title="Прорыв трубы")
    session.add(incident)
    session.flush()
    report = Report(incident_id=incident.id or 0, status=status, due_at=due, **extra)
    session.add(report)
    session.commit()
    return report.id or 0


def test_counts_only_running_clocks(session: Session) -> None:
    at = f.MONDAY  # Monday 11:00 in Perm: working hours run
    cases = [
        (ReportStatus.SENT, at - timedelta(hours=1), None),  # overdue
        (ReportStatus.NEW, at - timedelta(minutes=1), None),  # overdue
        (ReportStatus.IN_PROGRESS, at + timedelta(hours=1), None),  # due soon
        (ReportStatus.SENT, at + timedelta(hours=30), None),  # later
        (ReportStatus.RESOLVED, at - timedelta(hours=5), None),  # closed: not counted
        (ReportStatus.WAITING_CITIZEN, at - timedelta(hours=5), at),  # paused: not counted
        (ReportStatus.SENT, None, None),  # no deadline
    ]
    for status, due, paused in cases:
        _report(session, due=due, status=status, paused_at=paused)
    counts = deadline_counts(session, now=at, soon_hours=4, calendar=CAL)
    assert (counts.overdue, counts.due_soon) == (2, 1)


def test_soon_due_counts_working_hours_not_calendar_hours(session: Session) -> None:
    """Friday 16:00 in Perm, a report due Monday 12:00: 68 calendar hours away but only 5
    working hours (2 on Friday, 3 on Monday), so soon due within 6 SLA hours; an urgent one
    counts calendar hours."""
    friday_16 = f.MONDAY - timedelta(days=3) + timedelta(hours=5)
    monday_12 = _report(session, due=f.MONDAY + timedelta(hours=1))
    urgent = _report(session, due=f.MONDAY + timedelta(hours=1), urgent=True)
    found = deadlines(session, now=friday_16, soon_hours=6, calendar=CAL)
    assert found.due_soon == [monday_12]
    assert urgent not in found.overdue
    # the sidebar's old window (4 calendar hours) missed it; 4 working hours do too
    assert deadline_counts(session, now=friday_16, soon_hours=4, calendar=CAL).due_soon == 0


def test_the_counter_and_sla_check_agree(session: Session) -> None:
    at = f.MONDAY
    for hours in (-3, -0.5, 1, 5, 7.5, 9, 30):
        _report(session, due=at + timedelta(hours=hours))
    _report(session, due=at + timedelta(hours=6), urgent=True)
    with frozen_at(at):
        checked = sla_check(session, soon_hours=8, calendar=CAL)
        found = deadlines(session, now=now(), soon_hours=8, calendar=CAL)
    assert (checked.overdue, checked.soon_due) == (found.overdue, found.due_soon)
    assert len(found.overdue) == 2 and len(found.due_soon) >= 2
