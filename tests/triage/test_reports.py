from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

from models.agency import Agency
from models.audit import AuditEvent
from models.clock import frozen_at
from models.incident import Incident, IncidentPost, IncidentStatus
from models.report import Report, ReportStatus
from tests.triage import factories as f
from triage.calendar import WorkCalendar
from triage.errors import InvalidTransition, NotFound, TriageError
from triage.lifecycle import TRANSITIONS, can_transition, change_status
from triage.reports import create_report, set_agency, set_answer
from triage.routing import load_agencies, suggest_agency
from triage.routing_rules import add_routing_rule, remove_routing_rule
from triage.stage import triage_posts
from triage.thresholds import Thresholds

CAL = WorkCalendar()
AGENCIES = Path(__file__).resolve().parents[2] / "data" / "agencies.json"
S = ReportStatus
PIPE = "На улице Ленина 5 прорвало трубу, вода хлещет прямо во двор"


def _incident(
    session: Session, *, topic: str = "roads_potholes", category: str = "roads"
) -> Incident:
    f.taxonomy(session)
    perm = f.municipality(session, "Пермский городской округ")
    vk = f.source(session)
    post = f.annotated_post(
        session, source_id=vk, municipality_id=perm, text=PIPE, category=category, topic=topic
    )
    session.commit()
    with frozen_at(f.MONDAY):
        triage_posts(session, post_ids=[post], thresholds=Thresholds())
    link = session.get_one(IncidentPost, post)
    return session.get_one(Incident, link.incident_id)


def _report(session: Session, **kwargs: str) -> Report:
    incident = _incident(session, **kwargs)
    with frozen_at(f.MONDAY):
        report = create_report(
            session,
            incident_id=incident.id or 0,
            expected_version=incident.version,
            actor="anna",
            user_id=None,
            calendar=CAL,
        )
    session.commit()
    return report


def _move(session: Session, report: Report, status: str) -> Report:
    moved = change_status(
        session,
        report_id=report.id or 0,
        status=status,
        actor="anna",
        user_id=None,
        expected_version=report.version,
        calendar=CAL,
    )
    session.commit()
    return moved


def test_the_happy_path_records_every_step(session: Session) -> None:
    report = _report(session)
    assert report.sla_hours == 72 and not report.urgent
    assert report.due_at == CAL.add_working_seconds(f.MONDAY, 72 * 3600)
    for status in (S.SENT, S.IN_PROGRESS, S.ANSWERED, S.RESOLVED):
        with frozen_at(f.MONDAY + timedelta(hours=1)):
            report = _move(session, report, status)
    assert report.status == S.RESOLVED
    assert report.sent_at and report.first_answer_at and report.resolved_at
    incident = session.get_one(Incident, report.incident_id)
    assert incident.status == IncidentStatus.CLOSED
    actions = (
        session.execute(
            select(AuditEvent.action)
            .where(AuditEvent.entity_type == "report")
            .order_by(AuditEvent.id)
        )
        .scalars()
        .all()
    )
    assert actions == [
        "create",
        "status:sent",
        "status:in_progress",
        "status:answered",
        "status:resolved",
    ]


@pytest.mark.parametrize(
    ("path", "bad"),
    [
        ((), S.ANSWERED),  # new -> answered skips sending
        ((), S.RESOLVED),
        ((S.SENT, S.IN_PROGRESS, S.ANSWERED, S.RESOLVED), S.IN_PROGRESS),
        ((S.REJECTED,), S.SENT),
        ((S.DUPLICATE,), S.REOPENED),
        ((S.SENT, S.NOT_IN_COMPETENCE), S.IN_PROGRESS),
    ],
)
def test_invalid_transitions_are_refused_and_change_nothing(
    session: Session, path: tuple[str, ...], bad: str
) -> None:
    report = _report(session)
    for status in path:
        report = _move(session, report, status)
    before = (report.status, report.version)
    with pytest.raises(InvalidTransition, match=f"cannot go from '{report.status}' to '{bad}'"):
        _move(session, report, bad)
    session.rollback()
    stored = session.get_one(Report, report.id)
    session.refresh(stored)
    assert (stored.status, stored.version) == before


def test_the_transition_table_is_closed_over_known_statuses() -> None:
    known = {status.value for status in ReportStatus}
    assert set(TRANSITIONS) == known
    assert all(targets <= known for targets in TRANSITIONS.values())
    assert can_transition(S.RESOLVED, S.REOPENED)
    assert not can_transition(S.RESOLVED, S.SENT)


def test_waiting_for_the_citizen_pauses_the_clock(session: Session) -> None:
    report = _report(session)
    due = report.due_at
    assert due is not None
    report = _move(session, report, S.SENT)
    with frozen_at(f.MONDAY + timedelta(hours=1)):
        report = _move(session, report, S.WAITING_CITIZEN)
    with frozen_at(f.MONDAY + timedelta(days=1, hours=1)):  # a full working day later
        report = _move(session, report, S.IN_PROGRESS)
    assert report.paused_seconds == 9 * 3600
    assert report.due_at == CAL.add_working_seconds(due, 9 * 3600)


def test_a_new_post_on_a_resolved_incident_reopens_its_report(session: Session) -> None:
    report = _report(session)
    with frozen_at(f.MONDAY + timedelta(hours=2)):
        for status in (S.SENT, S.ANSWERED, S.RESOLVED):
            report = _move(session, report, status)
    vk = f.source(session, "tg", kind="telegram")
    again = f.annotated_post(
        session,
        source_id=vk,
        municipality_id=report.municipality_id,
        category="roads",
        topic="roads_potholes",
        published_at=f.MONDAY + timedelta(days=2),
        text="Ленина 5 — опять прорвало трубу, вода снова хлещет во двор",
    )
    session.commit()

    with frozen_at(f.MONDAY + timedelta(days=2, hours=1)):
        triage_posts(session, post_ids=[again], thresholds=Thresholds())

    session.refresh(report)
    assert report.status == S.REOPENED
    assert report.resolved_at is None
    assert session.get_one(IncidentPost, again).incident_id == report.incident_id
    assert session.get_one(Incident, report.incident_id).status == IncidentStatus.REPORTED
    reopen = session.execute(
        select(AuditEvent).where(AuditEvent.action == "status:reopened")
    ).scalar_one()
    assert reopen.actor == "system" and reopen.before["status"] == S.RESOLVED


def test_one_open_report_per_incident(session: Session) -> None:
    report = _report(session)
    incident = session.get_one(Incident, report.incident_id)
    with pytest.raises(TriageError, match="already has an open report"):
        create_report(
            session,
            incident_id=incident.id or 0,
            expected_version=incident.version,
            actor="anna",
            user_id=None,
            calendar=CAL,
        )


def test_urgent_topics_get_calendar_hour_deadlines(session: Session) -> None:
    report = _report(session, topic="housing_pipe_burst", category="housing")
    assert report.urgent and report.sla_hours == 8
    assert report.due_at == f.MONDAY + timedelta(hours=8)


def test_the_answer_text_is_stored_and_audited(session: Session) -> None:
    report = _report(session)
    set_answer(
        session,
        report_id=report.id or 0,
        text="  Яму заделают до пятницы.  ",
        expected_version=report.version,
        actor="anna",
        user_id=None,
    )
    session.commit()
    assert session.get_one(Report, report.id).answer_text == "Яму заделают до пятницы."
    with pytest.raises(TriageError, match="empty"):
        set_answer(
            session,
            report_id=report.id or 0,
            text="  ",
            expected_version=report.version,
            actor="anna",
            user_id=None,
        )


def test_routing_suggests_from_the_table_and_the_topic(session: Session) -> None:
    f.taxonomy(session)
    perm = f.municipality(session, "Пермский городской округ")
    kama = f.municipality(session, "Краснокамский городской округ")
    loaded = load_agencies(session, path=AGENCIES)
    session.commit()
    assert loaded.agencies > 20
    assert load_agencies(session, path=AGENCIES).agencies == 0  # idempotent

    roads_perm = suggest_agency(
        session, topic_code="roads_potholes", category_code="roads", municipality_id=perm
    )
    roads_kama = suggest_agency(
        session, topic_code="roads_potholes", category_code="roads", municipality_id=kama
    )
    light_kama = suggest_agency(
        session, topic_code="amenities_lighting", category_code="amenities", municipality_id=kama
    )
    light_perm = suggest_agency(
        session, topic_code="amenities_lighting", category_code="amenities", municipality_id=perm
    )
    assert roads_perm and roads_perm.agency_name == "МКУ «Пермблагоустройство»"
    assert roads_kama and "Управление автомобильных дорог" in roads_kama.agency_name
    assert light_kama and light_kama.agency_name == "Администрация: Краснокамский городской округ"
    assert light_perm and light_perm.why == "routing rule"

    # an admin edits the routing table: a topic rule beats the category rule
    admin = session.execute(
        select(Agency).where(Agency.name == "Администрация: Пермский городской округ")
    ).scalar_one()
    rule = add_routing_rule(
        session,
        agency_id=admin.id or 0,
        topic_code="amenities_lighting",
        category_code=None,
        municipality_id=perm,
        actor="root",
        user_id=None,
    )
    session.commit()
    edited = suggest_agency(
        session, topic_code="amenities_lighting", category_code="amenities", municipality_id=perm
    )
    assert edited and edited.agency_id == admin.id
    remove_routing_rule(session, rule_id=rule.id or 0, actor="root", user_id=None)
    session.commit()
    restored = suggest_agency(
        session, topic_code="amenities_lighting", category_code="amenities", municipality_id=perm
    )
    assert restored and restored.agency_name == "МКУ «Пермблагоустройство»"
    actions = (
        session.execute(select(AuditEvent.action).where(AuditEvent.entity_type == "routing_rule"))
        .scalars()
        .all()
    )
    assert actions == ["create", "delete"]


def test_an_incident_without_posts_gets_no_report(session: Session) -> None:
    empty = Incident(title="все посты оказались не сигналами", post_count=0)
    session.add(empty)
    session.commit()
    with pytest.raises(TriageError, match="no posts left"):
        create_report(
            session,
            incident_id=empty.id or 0,
            expected_version=empty.version,
            actor="anna",
            user_id=None,
            calendar=CAL,
        )


def test_reroute_only_to_an_active_agency_audited(session: Session) -> None:
    report = _report(session)
    water = Agency(name="Водоканал", agency_type="water_utility")
    closed = Agency(name="Упразднённое МУП", agency_type="water_utility", active=False)
    session.add_all([water, closed])
    session.commit()
    for refused in (closed.id or 0, 10_000):
        with pytest.raises(NotFound):
            set_agency(
                session,
                report_id=report.id or 0,
                agency_id=refused,
                expected_version=report.version,
                actor="anna",
                user_id=None,
            )
    set_agency(
        session,
        report_id=report.id or 0,
        agency_id=water.id or 0,
        expected_version=report.version,
        actor="anna",
        user_id=None,
    )
    session.commit()
    assert session.get_one(Report, report.id).agency_id == water.id
    event = session.execute(
        select(AuditEvent).where(AuditEvent.action == "set_agency")
    ).scalar_one()
    assert event.after == {"agency_id": water.id}
