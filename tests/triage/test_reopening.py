"""A resolved report reopens when residents' later posts join its incident by a moderator's
hand: a merge of the incident they made (after the 72 hours grouping joins), or a move."""

from datetime import timedelta

from sqlalchemy import select
from sqlmodel import Session

from models.audit import AuditEvent
from models.clock import frozen_at
from models.incident import Incident, IncidentPost
from models.report import Report, ReportStatus
from tests.triage import factories as f
from triage.calendar import WorkCalendar
from triage.incidents import merge_incidents, move_post
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
