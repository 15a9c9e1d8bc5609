"""SLA arithmetic: deadlines in working hours (calendar hours for urgent topics), pauses."""

from datetime import datetime, timedelta

from models.report import Report, ReportStatus
from triage.calendar import WorkCalendar

# Statuses in which the agency still owes an answer: the clock runs (or is paused).
CLOCK_RUNNING = frozenset(
    {ReportStatus.NEW, ReportStatus.SENT, ReportStatus.IN_PROGRESS, ReportStatus.REOPENED}
)


def elapsed_seconds(
    calendar: WorkCalendar, *, start: datetime, end: datetime, urgent: bool
) -> float:
    """Time that counts against the SLA between two moments."""
    if urgent:
        return max((end - start).total_seconds(), 0.0)
    return calendar.working_seconds(start, end)


def deadline(
    calendar: WorkCalendar, *, start: datetime, hours: int, urgent: bool, paused_seconds: int = 0
) -> datetime:
    """When the answer is due: `hours` of SLA time after `start`, plus any paused time."""
    seconds = hours * 3600 + paused_seconds
    if urgent:
        return start + timedelta(seconds=seconds)
    return calendar.add_working_seconds(start, seconds)


def pause(report: Report, *, at: datetime) -> None:
    report.paused_at = at


def resume(report: Report, calendar: WorkCalendar, *, at: datetime) -> None:
    """Add the paused stretch to `paused_seconds` and move the deadline by it."""
    if report.paused_at is None:
        return
    paused = elapsed_seconds(calendar, start=report.paused_at, end=at, urgent=report.urgent)
    report.paused_seconds += int(paused)
    report.paused_at = None
    if report.due_at is not None:
        report.due_at = deadline(
            calendar, start=report.due_at, hours=0, urgent=report.urgent, paused_seconds=int(paused)
        )


def restart(report: Report, calendar: WorkCalendar, *, at: datetime) -> None:
    """A reopened report gets a fresh SLA period from `at`."""
    report.paused_at = None
    report.paused_seconds = 0
    report.due_at = deadline(calendar, start=at, hours=report.sla_hours, urgent=report.urgent)
