"""How many open reports are past their deadline, or about to be: the shift's counter."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from models.report import Report
from triage import sla
from triage.report_list import scoped_reports
from triage.scope import EVERYWHERE, Scope

DUE_SOON = timedelta(hours=4)


@dataclass(frozen=True)
class DeadlineCounts:
    overdue: int
    due_soon: int  # not yet overdue, due within `soon`


def deadline_counts(
    session: Session, *, now: datetime, soon: timedelta = DUE_SOON, scope: Scope = EVERYWHERE
) -> DeadlineCounts:
    """Counts over the reports `scope` covers whose SLA clock runs (not paused, not closed)."""
    due = col(Report.due_at)
    statement = scoped_reports(
        select(
            func.coalesce(func.sum(case((due < now, 1), else_=0)), 0),
            func.coalesce(func.sum(case(((due >= now) & (due < now + soon), 1), else_=0)), 0),
        ).where(
            col(Report.status).in_(sla.CLOCK_RUNNING),
            col(Report.paused_at).is_(None),
            due.is_not(None),
        ),
        scope,
    )
    overdue, due_soon = session.exec(statement).one()
    return DeadlineCounts(int(overdue), int(due_soon))
