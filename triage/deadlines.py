"""Which open reports are past their deadline, or about to be: one definition for the
shift's counter, the reports list's filter and `otklik sla-check`.

"Soon due" means at most `soon_hours` of SLA time left, counted as the SLA counts it
(`triage.sla.elapsed_seconds`): working hours of the calendar, calendar hours for urgent
reports. `soon_hours` is `OTKLIK_SLA_SOON_DUE_HOURS` everywhere.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from models.report import Report
from triage import sla
from triage.calendar import WorkCalendar
from triage.report_list import scoped_reports
from triage.scope import EVERYWHERE, Scope


@dataclass(frozen=True)
class Deadlines:
    """Report ids, most urgent first: past the deadline, and due within `soon_hours`."""

    overdue: list[int] = field(default_factory=list)
    due_soon: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class DeadlineCounts:
    overdue: int
    due_soon: int  # not yet overdue, at most `soon_hours` SLA hours left


def deadlines(
    session: Session,
    *,
    now: datetime,
    soon_hours: float,
    calendar: WorkCalendar,
    scope: Scope = EVERYWHERE,
) -> Deadlines:
    """The reports `scope` covers whose SLA clock runs (not paused, not closed), overdue or
    soon due, each list ordered by deadline."""
    soon_seconds = soon_hours * 3600
    # The latest deadline that can be soon due: working hours can stretch over a weekend.
    horizon = max(
        now + timedelta(seconds=soon_seconds), calendar.add_working_seconds(now, soon_seconds)
    )
    due = col(Report.due_at)
    statement = scoped_reports(
        select(Report.id, Report.due_at, Report.urgent)
        .where(
            col(Report.status).in_(sla.CLOCK_RUNNING),
            col(Report.paused_at).is_(None),
            due.is_not(None),
            due <= horizon,
        )
        .order_by(due, col(Report.id)),
        scope,
    )
    overdue: list[int] = []
    due_soon: list[int] = []
    for report_id, due_at, urgent in session.exec(statement).all():
        if due_at < now:
            overdue.append(report_id)
        elif sla.elapsed_seconds(calendar, start=now, end=due_at, urgent=urgent) <= soon_seconds:
            due_soon.append(report_id)
    return Deadlines(overdue=overdue, due_soon=due_soon)


def deadline_counts(
    session: Session,
    *,
    now: datetime,
    soon_hours: float,
    calendar: WorkCalendar,
    scope: Scope = EVERYWHERE,
) -> DeadlineCounts:
    """How many reports `deadlines` finds: the shift's counter."""
    found = deadlines(session, now=now, soon_hours=soon_hours, calendar=calendar, scope=scope)
    return DeadlineCounts(overdue=len(found.overdue), due_soon=len(found.due_soon))
