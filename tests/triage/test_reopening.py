"""A resolved report reopens when residents' later posts join its incident by a moderator's
hand: a merge of the incident they made (after the 72 hours grouping joins), or a move —
unless an open report there already carries the problem: then it records the evidence."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session

from models.agency import Agency
from models.audit import AuditEvent
from models.clock import frozen_at
from models.incident import Incident, IncidentPost, IncidentStatus
from models.notification import NoticeKind, Notification
from models.report import Report, ReportStatus
from tests.triage import factories as f
from triage.calendar import WorkCalendar
from triage.incidents import merge_incidents, move_post
from triage.reports import CLOSED_STATUSES, create_report
from triage.stage import triage_posts
from triage.thresholds import Thresholds

CAL = WorkCalendar()
DAY = timedelta(days=1)


def _incident(session: Session, post_id: int) -> Incident:
    return session.get_one(Incident, session.get_one(IncidentPost, post_id).incident_id)


def _post(session: Session, source: int, place: int, after: timedelta, text: str) -> int:
    post_id = f.annotated_post(session, source_id=source, municipality_id=place, text=text,
                               published_at=f.MONDAY + after)  # fmt: skip
    session.commit()
    with frozen_at(f.MONDAY + after):
        triage_posts(session, post_ids=[post_id], thresholds=Thresholds())
    return post_id


def _resolved(session: Session, incident: Incident, at: timedelta) -> Report:
    return f.resolved_report(session, incident.id or 0, at=f.MONDAY + at)


def _two_incidents(session: Session, second_after: timedelta) -> tuple[Incident, Incident]:
    f.taxonomy(session)
    perm = f.municipality(session, "Пермский городской округ")
    vk = f.source(session)
    first = _post(session, vk, perm, timedelta(0), "В доме на Сибирской 7 нет горячей воды")
    second = _post(session, vk, perm, second_after, "Сибирская 7: горячей воды опять нет")
    return _incident(session, first), _incident(session, second)


def _evidence(session: Session, report: Report) -> list[tuple[str, dict]]:
    rows = session.execute(
        select(AuditEvent.actor, AuditEvent.after).where(
            AuditEvent.entity_type == "report",
            AuditEvent.entity_id == report.id,
            AuditEvent.action == "reopen_evidence",
        )
    ).all()
    return [(actor, after) for actor, after in rows]


def _merge(session: Session, target: Incident, source: Incident) -> None:
    session.refresh(target)
    session.refresh(source)
    merge_incidents(session, target_id=target.id or 0, source_ids=[source.id or 0],
                    actor="olga", user_id=None, calendar=CAL,
                    expected_versions={target.id or 0: target.version,
                                       source.id or 0: source.version})  # fmt: skip
    session.commit()


def test_merging_the_later_incident_into_the_resolved_one_reopens_its_report(
    session: Session,
) -> None:
    first, again = _two_incidents(session, second_after=8 * DAY)
    assert first.id != again.id  # beyond the 72 hours grouping joins
    report = _resolved(session, first, at=2 * DAY)

    _merge(session, first, again)

    session.refresh(report)
    assert report.status == ReportStatus.REOPENED
    later = session.execute(select(IncidentPost.post_id).where(
        IncidentPost.incident_id == first.id)).scalars().all()  # fmt: skip
    assert _evidence(session, report) == [("olga", {"post_id": max(later)})]


def test_merging_the_resolved_incident_into_the_later_one_reopens_its_report(
    session: Session,
) -> None:
    first, again = _two_incidents(session, second_after=8 * DAY)
    report = _resolved(session, first, at=2 * DAY)

    _merge(session, again, first)

    session.refresh(report)
    assert report.incident_id == again.id
    assert report.status == ReportStatus.REOPENED
    assert [actor for actor, _ in _evidence(session, report)] == ["olga"]


def test_posts_from_before_the_resolution_leave_the_report_resolved(session: Session) -> None:
    first, earlier = _two_incidents(session, second_after=5 * DAY)
    report = _resolved(session, first, at=10 * DAY)

    _merge(session, first, earlier)

    session.refresh(report)
    assert report.status == ReportStatus.RESOLVED
    assert _evidence(session, report) == []


def test_a_later_post_moved_into_the_resolved_incident_reopens_its_report(
    session: Session,
) -> None:
    first, again = _two_incidents(session, second_after=8 * DAY)
    report = _resolved(session, first, at=2 * DAY)
    moved = session.execute(select(IncidentPost.post_id).where(
        IncidentPost.incident_id == again.id)).scalar_one()  # fmt: skip
    session.refresh(first)

    move_post(session, post_id=moved, incident_id=first.id or 0, actor="olga", user_id=None,
              expected_version=first.version, calendar=CAL)  # fmt: skip
    session.commit()

    session.refresh(report)
    assert report.status == ReportStatus.REOPENED
    assert _evidence(session, report) == [("olga", {"post_id": moved})]


def _repeat_evidence(session: Session, report: Report) -> list[tuple[str, dict]]:
    rows = session.execute(
        select(AuditEvent.actor, AuditEvent.after).where(
            AuditEvent.entity_type == "report",
            AuditEvent.entity_id == report.id,
            AuditEvent.action == "repeat_evidence",
        )
    ).all()
    return [(actor, after) for actor, after in rows]


def _open_reports(session: Session, incident: Incident) -> list[int]:
    return list(
        session.execute(
            select(Report.id).where(
                Report.incident_id == incident.id,
                Report.status.not_in(CLOSED_STATUSES),  # type: ignore[attr-defined]
            )
        ).scalars()
    )


def _reopened_notices(session: Session) -> list[int]:
    statement = select(Notification.report_id).where(Notification.kind == NoticeKind.REOPENED)
    return list(session.execute(statement).scalars())


def _told_agency(session: Session) -> int:
    """An agency with an e-mail: every notice about its reports gets an outbox row."""
    agency = Agency(name="Администрация Перми", agency_type="municipal_administration",
                    email="perm-admin@example.ru")  # fmt: skip
    session.add(agency)
    session.flush()
    return agency.id or 0


@pytest.mark.parametrize("into_the_resolved", [True, False])
def test_a_merge_with_an_open_report_keeps_it_the_one_and_records_the_comeback(
    session: Session, into_the_resolved: bool
) -> None:
    first, again = _two_incidents(session, second_after=8 * DAY)
    agency = _told_agency(session)
    resolved = f.resolved_report(session, first.id or 0, at=f.MONDAY + 2 * DAY, agency_id=agency)
    session.refresh(again)
    with frozen_at(f.MONDAY + 8 * DAY):
        in_work = create_report(session, incident_id=again.id or 0, actor="anna", user_id=None,
                                expected_version=again.version, calendar=CAL,
                                agency_id=agency)  # fmt: skip
    session.commit()
    brought = session.execute(select(IncidentPost.post_id).where(
        IncidentPost.incident_id == again.id)).scalar_one()  # fmt: skip

    target, source = (first, again) if into_the_resolved else (again, first)
    _merge(session, target, source)

    session.refresh(resolved)
    session.refresh(target)
    assert resolved.status == ReportStatus.RESOLVED
    assert _open_reports(session, target) == [in_work.id]
    assert target.status == IncidentStatus.REPORTED  # in work, even merged into a closed one
    assert _evidence(session, resolved) == []
    assert _repeat_evidence(session, resolved) == [
        ("olga", {"post_id": brought, "open_report_id": in_work.id})
    ]
    assert _reopened_notices(session) == []


def test_a_merge_without_an_open_report_still_reopens_the_resolved_one_and_tells(
    session: Session,
) -> None:
    first, again = _two_incidents(session, second_after=8 * DAY)
    resolved = f.resolved_report(session, first.id or 0, at=f.MONDAY + 2 * DAY,
                                 agency_id=_told_agency(session))  # fmt: skip

    _merge(session, again, first)

    session.refresh(resolved)
    assert resolved.status == ReportStatus.REOPENED
    assert _open_reports(session, again) == [resolved.id]
    assert _repeat_evidence(session, resolved) == []
    assert set(_reopened_notices(session)) == {resolved.id}


def test_two_resolved_reports_merged_reopen_only_the_later_resolved(session: Session) -> None:
    f.taxonomy(session)
    perm = f.municipality(session, "Пермский городской округ")
    vk = f.source(session)
    posts = [
        _post(session, vk, perm, days * DAY, f"В доме на Сибирской 7 нет горячей воды, {days}")
        for days in (0, 8, 16)
    ]
    first, second, third = (_incident(session, post) for post in posts)
    assert len({first.id, second.id, third.id}) == 3  # beyond the 72 hours each time
    earlier = _resolved(session, first, at=2 * DAY)
    later = _resolved(session, second, at=10 * DAY)
    session.refresh(first)
    session.refresh(second)
    session.refresh(third)
    merge_incidents(session, target_id=third.id or 0, source_ids=[first.id or 0, second.id or 0],
                    actor="olga", user_id=None, calendar=CAL,
                    expected_versions={i.id or 0: i.version
                                       for i in (first, second, third)})  # fmt: skip
    session.commit()

    session.refresh(earlier)
    session.refresh(later)
    assert (earlier.status, later.status) == (ReportStatus.RESOLVED, ReportStatus.REOPENED)
    assert _open_reports(session, third) == [later.id]
    assert _repeat_evidence(session, earlier) == [
        ("olga", {"post_id": posts[2], "open_report_id": later.id})
    ]


@pytest.mark.parametrize("moved", [False, True])
def test_a_later_post_in_an_incident_with_an_open_report_leaves_the_resolved_one(
    session: Session, moved: bool
) -> None:
    """A merge leaves an incident with a resolved and an open report; a later post grouped
    or moved there is evidence against the open one, not a second reopening."""
    first, again = _two_incidents(session, second_after=8 * DAY)
    resolved = _resolved(session, first, at=2 * DAY)
    session.refresh(again)
    with frozen_at(f.MONDAY + 8 * DAY):
        in_work = create_report(session, incident_id=again.id or 0, actor="anna", user_id=None,
                                expected_version=again.version, calendar=CAL)  # fmt: skip
    session.commit()
    _merge(session, again, first)  # reopens nothing: `in_work` carries the problem
    # without a municipality the post groups nowhere, and a moderator moves it
    place = None if moved else again.municipality_id
    late = _post(session, f.source(session), place, 20 * DAY, "Сибирская 7: воды нет месяц")
    if moved:
        assert _incident(session, late).id != again.id
        session.refresh(again)
        move_post(session, post_id=late, incident_id=again.id or 0, actor="olga", user_id=None,
                  expected_version=again.version, calendar=CAL)  # fmt: skip
        session.commit()
    assert _incident(session, late).id == again.id

    session.refresh(resolved)
    assert resolved.status == ReportStatus.RESOLVED
    assert _open_reports(session, again) == [in_work.id]
    actor = "olga" if moved else "system"
    assert (actor, {"post_id": late, "open_report_id": in_work.id}) in _repeat_evidence(
        session, resolved
    )
