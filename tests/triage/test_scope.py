"""Access by territory at the function level: scoped queries, refused actions, audited changes."""

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import Session, select

from dashboard.queries import IncidentFilters, incidents_page
from models.audit import AuditEvent
from models.report import ReportStatus
from tests.scope_world import World, build_world
from tests.triage import factories as f
from triage.accounts import AccountError, create_user, set_territory, set_user_scope
from triage.calendar import WorkCalendar
from triage.deadlines import deadline_counts
from triage.incidents import merge_incidents, move_post, split_incident
from triage.lifecycle import change_status
from triage.moderation import Decision, review_post
from triage.queue import QueueFilters, review_queue
from triage.report_list import count_reports, get_report_row, list_reports
from triage.reports import create_report, set_agency, set_answer
from triage.scope import EVERYWHERE, OutOfScope, Scope, agency_scope, user_scope

NOW = datetime(2030, 1, 1, tzinfo=UTC)
SOON: dict[str, Any] = {"soon_hours": 8, "calendar": WorkCalendar()}


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def _perm(world: World) -> Scope:
    return Scope(municipality_ids=frozenset({world.perm}))


def test_report_lists_follow_the_scope(session: Session, world: World) -> None:
    everything = {r.id for r in list_reports(session, now=NOW)}
    assert everything == {world.perm_report, world.kungur_report}
    assert {r.id for r in list_reports(session, now=NOW, scope=_perm(world))} == {world.perm_report}
    by_agency = list_reports(session, now=NOW, scope=agency_scope(world.kungur_agency))
    assert [r.id for r in by_agency] == [world.kungur_report]
    assert count_reports(session, now=NOW) == 2
    assert count_reports(session, now=NOW, scope=_perm(world)) == 1
    assert (
        get_report_row(session, report_id=world.kungur_report, now=NOW, scope=_perm(world)) is None
    )
    assert get_report_row(session, report_id=world.perm_report, now=NOW, scope=_perm(world))


def test_incident_pages_follow_the_scope(session: Session, world: World) -> None:
    filters = IncidentFilters(status=None)
    rows, total = incidents_page(session, filters=filters, page=0, page_size=10, scope=_perm(world))
    assert ([i.id for i in rows], total) == ([world.perm_incident], 1)
    rows, total = incidents_page(session, filters=filters, page=0, page_size=10)
    assert total == 2


def test_the_review_queue_follows_the_scope(session: Session, world: World) -> None:
    vk = f.source(session)
    in_perm = f.annotated_post(
        session, source_id=vk, text="яма в Перми", municipality_id=world.perm
    )
    f.annotated_post(session, source_id=vk, text="яма в Кунгуре", municipality_id=world.kungur)
    nowhere = f.annotated_post(session, source_id=vk, text="яма где-то", municipality_id=None)
    session.commit()
    filters = QueueFilters(review_statuses=())
    scoped = review_queue(session, filters=filters, scope=_perm(world))
    assert [item.post_id for item in scoped.items] == [in_perm]
    assert scoped.total == 1
    regional = review_queue(session, filters=filters, scope=EVERYWHERE)
    assert nowhere in {item.post_id for item in regional.items} and regional.total == 3


def test_actions_outside_the_scope_are_refused(session: Session, world: World) -> None:
    scope, kungur = _perm(world), world.kungur_report
    with pytest.raises(OutOfScope):
        change_status(
            session,
            report_id=kungur,
            status=ReportStatus.SENT,
            actor="perm",
            user_id=None,
            expected_version=1,
            calendar=WorkCalendar(),
            scope=scope,
        )
    with pytest.raises(OutOfScope):
        set_answer(
            session,
            report_id=kungur,
            text="нет",
            expected_version=1,
            actor="perm",
            user_id=None,
            scope=scope,
        )
    with pytest.raises(OutOfScope):
        set_agency(
            session,
            report_id=kungur,
            agency_id=world.perm_agency,
            expected_version=1,
            actor="perm",
            user_id=None,
            scope=scope,
        )
    with pytest.raises(OutOfScope):
        merge_incidents(
            session,
            target_id=world.perm_incident,
            source_ids=[world.kungur_incident],
            actor="perm",
            user_id=None,
            expected_versions={world.perm_incident: 2, world.kungur_incident: 2},
            scope=scope,
        )
    session.rollback()
    with pytest.raises(OutOfScope):
        split_incident(
            session,
            incident_id=world.kungur_incident,
            post_ids=[1],
            actor="perm",
            user_id=None,
            expected_version=2,
            scope=scope,
        )
    with pytest.raises(OutOfScope):
        create_report(
            session,
            incident_id=world.kungur_incident,
            expected_version=2,
            actor="perm",
            user_id=None,
            calendar=WorkCalendar(),
            scope=scope,
        )
    # nothing changed, and the same action inside the territory goes through
    changed = change_status(
        session,
        report_id=world.perm_report,
        status=ReportStatus.SENT,
        actor="perm",
        user_id=None,
        expected_version=1,
        calendar=WorkCalendar(),
        scope=scope,
    )
    assert changed.status == ReportStatus.SENT
    rows = {r.id: r for r in list_reports(session, now=NOW)}
    assert rows[kungur].status == ReportStatus.NEW and rows[kungur].version == 1


def test_a_post_outside_the_scope_cannot_be_reviewed(session: Session, world: World) -> None:
    vk = f.source(session)
    post = f.annotated_post(session, source_id=vk, text="нет света", municipality_id=world.kungur)
    session.commit()
    with pytest.raises(OutOfScope):
        review_post(
            session,
            decision=Decision(post_id=post, expected_version=1),
            actor="perm",
            user_id=None,
            scope=_perm(world),
        )
    with pytest.raises(OutOfScope):  # nor pulled into an incident of one's own territory
        move_post(
            session,
            post_id=post,
            incident_id=world.perm_incident,
            actor="perm",
            user_id=None,
            expected_version=2,
            scope=_perm(world),
        )
    reviewed = review_post(
        session, decision=Decision(post_id=post, expected_version=1), actor="region", user_id=None
    )
    assert reviewed.version == 2


def test_user_scopes_are_stored_changed_and_audited(session: Session, world: World) -> None:
    user = create_user(
        session,
        username="perm",
        password="пароль-перми",
        role="operator",
        municipality_ids=[world.perm],
    )
    assert user_scope(session, user_id=user.id or 0) == _perm(world)
    set_user_scope(
        session, username="perm", municipality_ids=[world.perm, world.kungur], actor="admin"
    )
    assert user_scope(session, user_id=user.id or 0).municipality_ids == {world.perm, world.kungur}
    set_user_scope(session, username="perm", municipality_ids=[], actor="admin")
    assert user_scope(session, user_id=user.id or 0).is_regional
    events = session.exec(
        select(AuditEvent)
        .where(AuditEvent.entity_type == "user", AuditEvent.action == "set_scope")
        .order_by(AuditEvent.id)
    ).all()
    assert [(e.actor, e.before, e.after) for e in events] == [
        ("system", {"municipality_ids": []}, {"municipality_ids": [world.perm]}),
        (
            "admin",
            {"municipality_ids": [world.perm]},
            {"municipality_ids": sorted([world.perm, world.kungur])},
        ),
        (
            "admin",
            {"municipality_ids": sorted([world.perm, world.kungur])},
            {"municipality_ids": []},
        ),
    ]


def test_an_unknown_municipality_creates_no_user(session: Session, world: World) -> None:
    with pytest.raises(AccountError):
        create_user(
            session,
            username="ghost",
            password="пароль-призрака",
            role="operator",
            municipality_ids=[999_999],
        )
    with pytest.raises(AccountError):
        set_user_scope(session, username="ghost", municipality_ids=[world.perm])


def test_an_unknown_municipality_leaves_the_territory_as_it_was(
    session: Session, world: World
) -> None:
    user = create_user(session, username="perm", password="пароль-перми",
                       role="operator", municipality_ids=[world.perm])  # fmt: skip
    with pytest.raises(AccountError, match="no municipality with id 999999"):
        set_territory(session, user_id=user.id or 0, municipality_ids=[world.kungur, 999_999],
                      actor="admin")  # fmt: skip
    session.rollback()
    assert user_scope(session, user_id=user.id or 0) == _perm(world)
    with pytest.raises(AccountError, match="no user with id"):
        set_territory(session, user_id=999_999, municipality_ids=[], actor="admin")


def test_the_overdue_counter_follows_the_scope(session: Session, world: World) -> None:
    # both reports are long past due in 2030
    assert deadline_counts(session, now=NOW, **SOON).overdue == 2
    assert deadline_counts(session, now=NOW, **SOON, scope=_perm(world)).overdue == 1
    kungur = agency_scope(world.kungur_agency)
    assert deadline_counts(session, now=NOW, **SOON, scope=kungur).overdue == 1
    assert deadline_counts(session, now=datetime(2000, 1, 1, tzinfo=UTC), **SOON).overdue == 0
