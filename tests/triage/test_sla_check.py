from datetime import datetime, timedelta

from sqlalchemy import Engine, select
from sqlmodel import Session

from models.audit import AuditEvent
from models.clock import frozen_at
from models.incident import Incident
from models.report import Report
from tests.triage import factories as f
from triage.calendar import WorkCalendar
from triage.lifecycle import change_status
from triage.report_list import count_reports, list_reports
from triage.sla_check import _escalate, sla_check

CAL = WorkCalendar()


def _report(
    session: Session,
    *,
    due_in_hours: float,
    sla_hours: int = 8,
    paused: bool = False,
    urgent: bool = False,
    at: datetime = f.MONDAY,
) -> int:
    incident = Incident(title="x")
    session.add(incident)
    session.flush()
    report = Report(
        incident_id=incident.id or 0,
        status="sent",
        sla_hours=sla_hours,
        urgent=urgent,
        due_at=at + timedelta(hours=due_in_hours),
        paused_at=f.MONDAY if paused else None,
    )
    session.add(report)
    session.commit()
    return report.id or 0


def test_overdue_and_soon_due_reports_surface_and_the_overdue_escalate(session: Session) -> None:
    late = _report(session, due_in_hours=-1)
    very_late = _report(session, due_in_hours=-20, urgent=True)  # calendar hours
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
    assert levels == {late: 1, very_late: 3}  # 20 h over an urgent 8 h SLA: 1 + 2 periods

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
    assert count_reports(session, now=f.MONDAY) == 4  # the list's «Найдено», over its pages
    assert count_reports(session, now=f.MONDAY, overdue_only=True) == 1
    assert count_reports(session, now=f.MONDAY, report_ids=(soon, later)) == 2


def test_overdue_and_soon_due_count_working_hours(session: Session) -> None:
    """A normal report's time runs in working hours (9–18 in Perm), an urgent one's always."""
    friday_17 = f.MONDAY - timedelta(days=3) + timedelta(hours=6)  # Friday 17:00 in Perm
    weekend_late = _report(session, due_in_hours=0, at=friday_17)
    urgent_late = _report(session, due_in_hours=0, at=friday_17, urgent=True)
    # due Tuesday 12:00 in Perm: 10 working hours away on Monday 11:00, not soon
    tuesday = _report(session, due_in_hours=25, sla_hours=40)

    with frozen_at(f.MONDAY):  # Monday 11:00: 66 calendar hours, 3 working hours later
        result = sla_check(session, soon_hours=8, calendar=CAL)

    levels = {r: session.get_one(Report, r).escalation_level for r in (weekend_late, urgent_late)}
    assert levels == {weekend_late: 1, urgent_late: 3}
    assert tuesday not in result.soon_due + result.overdue

    friday_16 = friday_17 - timedelta(hours=1)
    monday_12 = _report(session, due_in_hours=1, at=f.MONDAY)  # Monday 12:00 in Perm
    with frozen_at(friday_16):  # 3 working hours before Monday 12:00, 68 calendar hours
        weekend = sla_check(session, soon_hours=8, calendar=CAL)
    assert monday_12 in weekend.soon_due


def test_an_escalation_racing_an_operator_never_reuses_a_version(engine: Engine) -> None:
    """The SLA check read the report; an operator changed it meanwhile; the escalation must
    not write a version the operator's change already had (a lost update)."""
    with Session(engine, expire_on_commit=False) as setup:
        f.taxonomy(setup)
        report_id = _report(setup, due_in_hours=-20, at=f.MONDAY)
    checker = Session(engine, expire_on_commit=False)
    stale = checker.get_one(Report, report_id)
    with Session(engine) as operator:
        change_status(
            operator,
            report_id=report_id,
            status="in_progress",
            actor="anna",
            user_id=None,
            expected_version=stale.version,
            calendar=CAL,
        )
        operator.commit()
    with frozen_at(f.MONDAY + timedelta(days=3)):
        _escalate(checker, stale, level=1)
    checker.commit()
    checker.close()
    with Session(engine) as after:
        report = after.get_one(Report, report_id)
        # Either the escalation saw the change and stood back, or it advanced the version.
        assert report.version == 3 if report.escalation_level == 1 else report.version == 2
        assert report.status == "in_progress"
