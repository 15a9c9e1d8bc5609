"""The other incidents at an incident's place: the weeks grouping's 72 hours do not join."""

from datetime import timedelta

from sqlmodel import Session

from models.incident import Incident, IncidentPost
from models.report import ReportStatus
from tests.triage import factories as f
from triage.calendar import WorkCalendar
from triage.incidents import merge_incidents
from triage.reports import create_report
from triage.same_place import duplicated_report, neighbours
from triage.stage import triage_posts
from triage.thresholds import Thresholds


def _incident_of(session: Session, post_id: int) -> Incident:
    return session.get_one(Incident, session.get_one(IncidentPost, post_id).incident_id)


def _posted(session: Session, text: str, *, days: int, town: int, topic: str, category: str) -> int:
    vk = f.source(session)
    post_id = f.annotated_post(
        session, source_id=vk, municipality_id=town, text=text, category=category,
        topic=topic, published_at=f.MONDAY + timedelta(days=days),
    )  # fmt: skip
    session.commit()
    triage_posts(session, post_ids=[post_id], thresholds=Thresholds())
    return post_id


def test_the_same_problem_weeks_later_is_listed_first_and_its_open_report_flagged(
    session: Session,
) -> None:
    f.taxonomy(session)
    perm = f.municipality(session, "Пермский городской округ")
    other_town = f.municipality(session, "Кунгурский муниципальный округ")
    pipe, lights = ("housing_pipe_burst", "housing"), ("amenities_lighting", "amenities")
    first = _posted(session, "На улице Сибирской 8 прорвало трубу в подвале", days=0,
                    town=perm, topic=pipe[0], category=pipe[1])  # fmt: skip
    lamps = _posted(session, "На улице Сибирской 8 не горят фонари", days=5,
                    town=perm, topic=lights[0], category=lights[1])  # fmt: skip
    again = _posted(session, "Сибирская 8: трубу так и не починили, подвал в воде", days=12,
                    town=perm, topic=pipe[0], category=pipe[1])  # fmt: skip
    elsewhere = _posted(session, "На улице Сибирской 8 прорвало трубу", days=12,
                        town=other_town, topic=pipe[0], category=pipe[1])  # fmt: skip
    next_house = _posted(session, "Улица Сибирская 10 — прорвало трубу", days=12,
                         town=perm, topic=pipe[0], category=pipe[1])  # fmt: skip
    too_late = _posted(session, "Сибирская 8 — снова прорвало трубу", days=120,
                       town=perm, topic=pipe[0], category=pipe[1])  # fmt: skip
    incidents = [_incident_of(session, p) for p in (first, lamps, again, elsewhere, next_house,
                                                    too_late)]  # fmt: skip
    assert len({i.id for i in incidents}) == 6  # 72 hours, towns and houses keep them apart
    reported = create_report(
        session, incident_id=incidents[0].id or 0, expected_version=incidents[0].version,
        actor="anna", user_id=None, calendar=WorkCalendar(),
    )  # fmt: skip
    session.commit()

    listed = neighbours(session, incident=incidents[2])

    # the same house, whatever the problem; not another town's, another house's, or months off
    assert [n.incident.id for n in listed] == [incidents[0].id, incidents[1].id]
    assert [n.same_problem for n in listed] == [True, False]
    assert listed[0].report is not None and listed[0].report.id == reported.id
    duplicated = duplicated_report(listed)
    assert duplicated is not None and duplicated.incident.id == incidents[0].id


def test_a_closed_report_is_history_not_a_duplicate(session: Session) -> None:
    f.taxonomy(session)
    perm = f.municipality(session, "Пермский городской округ")
    pipe = ("housing_pipe_burst", "housing")
    first = _posted(session, "Прорвало трубу на улице Сибирской 8", days=0,
                    town=perm, topic=pipe[0], category=pipe[1])  # fmt: skip
    again = _posted(session, "Сибирская 8: опять прорвало трубу", days=20,
                    town=perm, topic=pipe[0], category=pipe[1])  # fmt: skip
    old = _incident_of(session, first)
    report = create_report(
        session, incident_id=old.id or 0, expected_version=old.version,
        actor="anna", user_id=None, calendar=WorkCalendar(),
    )  # fmt: skip
    report.status = ReportStatus.RESOLVED
    session.add(report)
    session.commit()

    listed = neighbours(session, incident=_incident_of(session, again))

    assert [n.incident.id for n in listed] == [old.id]
    assert duplicated_report(listed) is None


def test_an_incident_without_an_address_has_no_neighbours(session: Session) -> None:
    f.taxonomy(session)
    perm = f.municipality(session, "Пермский городской округ")
    _posted(session, "Прорвало трубу, вода в подвале", days=0, town=perm,
            topic="housing_pipe_burst", category="housing")  # fmt: skip
    later = _posted(session, "Опять прорвало трубу, вода в подвале", days=10, town=perm,
                    topic="housing_pipe_burst", category="housing")  # fmt: skip
    assert neighbours(session, incident=_incident_of(session, later)) == []


def test_an_incident_left_with_no_posts_is_no_neighbour(session: Session) -> None:
    """Merged into another, or emptied by «Не сигнал»: nothing to join there, nothing to show."""
    f.taxonomy(session)
    perm = f.municipality(session, "Пермский городской округ")
    pipe = ("housing_pipe_burst", "housing")
    texts = ["Прорвало трубу на улице Сибирской 8", "Сибирская 8: опять прорвало трубу",
             "Сибирская 8: трубу прорвало в третий раз", "Сибирская 8: вода в подвале"]  # fmt: skip
    posts = [_posted(session, text, days=10 * n, town=perm, topic=pipe[0], category=pipe[1])
             for n, text in enumerate(texts)]  # fmt: skip
    kept, merged, emptied, shown = (_incident_of(session, p) for p in posts)
    assert len(neighbours(session, incident=shown)) == 3
    merge_incidents(session, target_id=kept.id or 0, source_ids=[merged.id or 0], actor="anna",
                    user_id=None, expected_versions={kept.id or 0: kept.version,
                                                     merged.id or 0: merged.version})  # fmt: skip
    session.commit()
    f.not_a_signal(session, posts[2])
    session.refresh(emptied)
    assert (emptied.status, emptied.post_count) == ("closed", 0)

    assert [n.incident.id for n in neighbours(session, incident=shown)] == [kept.id]
