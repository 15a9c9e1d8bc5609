from datetime import timedelta

from sqlalchemy import select
from sqlmodel import Session

from models.audit import AuditEvent
from models.clock import frozen_at
from models.incident import Incident
from models.report import Report
from tests.triage import factories as f
from triage.calendar import WorkCalendar
from triage.report_list import list_reports
from triage.sla_check import sla_check

CAL = WorkCalendar()


def _report(
    session: Session, *, due_in_hours: float, sla_hours: int = 8, paused: bool = False
) -> int:
    incident = Incident(title="x")
    session.add(incident)
    session.flush()
    report = Report(
        incident_id=incident.id or 0,
        status="sent",
        sla_hours=sla_hours,
        due_at=f.MONDAY + timedelta(hours=due_in_hours),
        paused_at=f.MONDAY if paused else None,
    )
    session.add(report)
    session.commit()
    return report.id or 0


def test_overdue_and_soon_due_reports_surface_and_the_overdue_escalate(session: Session) -> None:
    late = _report(session, due_in_hours=-1)
    very_late = _report(session, due_in_hours=-20)
    soon = _report(session, due_in_hours=3)
    later = _report(session, due_in_hours=30)
    paused = _report(session, due_in_hours=-5, paused=True)

    with frozen_at(f.MONDAY):
        result = sla_check(session, soon_hours=8)

    assert result.overdue == [very_late, late]  # most overdue first
    assert result.soon_due == [soon]
    assert set(result.escalated) == {late, very_late}
    assert {later, paused}.isdisjoint(result.overdue + result.soon_due)
    levels = {r: session.get_one(Report, r).escalation_level for r in (late, very_late)}
    assert levels == {late: 1, very_late: 3}  # 20 h over an 8 h SLA: level 1 + 2 periods

    with frozen_at(f.MONDAY + timedelta(minutes=5)):
        again = sla_check(session, soon_hours=8)
    assert again.overdue == [very_late, late] and again.escalated == []  # no double escalation
    escalations = (
        session.execute(select(AuditEvent).where(AuditEvent.action == "escalate")).scalars().all()
    )
    assert sorted(e.entity_id for e in escalations) == sorted([late, very_late])
    assert all(e.actor == "system" and e.before == {"escalation_level": 0} for e in escalations)


def test_report_lists_put_overdue_then_soon_due_first(session: Session) -> None:
    later = _report(session, due_in_hours=30)
    late = _report(session, due_in_hours=-1)
    soon = _report(session, due_in_hours=3)
    paused = _report(session, due_in_hours=-5, paused=True)
    rows = list_reports(session, now=f.MONDAY)
    assert [r.id for r in rows] == [late, paused, soon, later]
    assert [r.overdue for r in rows] == [True, False, False, False]
    assert [r.id for r in list_reports(session, now=f.MONDAY, overdue_only=True)] == [late]
