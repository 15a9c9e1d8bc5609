"""The shift's counter: open reports past their deadline and those due within hours."""

from datetime import timedelta

from sqlmodel import Session

from models.clock import now
from models.incident import Incident
from models.report import Report, ReportStatus
from triage.deadlines import DUE_SOON, deadline_counts


def test_counts_only_running_clocks(session: Session) -> None:
    at = now()
    incident = Incident(title="Прорыв трубы")
    session.add(incident)
    session.flush()
    cases = [
        (ReportStatus.SENT, at - timedelta(hours=1), None),  # overdue
        (ReportStatus.NEW, at - timedelta(minutes=1), None),  # overdue
        (ReportStatus.IN_PROGRESS, at + timedelta(hours=1), None),  # due soon
        (ReportStatus.SENT, at + DUE_SOON + timedelta(hours=1), None),  # later
        (ReportStatus.RESOLVED, at - timedelta(hours=5), None),  # closed: not counted
        (ReportStatus.WAITING_CITIZEN, at - timedelta(hours=5), at),  # paused: not counted
        (ReportStatus.SENT, None, None),  # no deadline
    ]
    for status, due, paused in cases:
        session.add(
            Report(incident_id=incident.id or 0, status=status, due_at=due, paused_at=paused)
        )
    session.commit()
    counts = deadline_counts(session, now=at)
    assert (counts.overdue, counts.due_soon) == (2, 1)
