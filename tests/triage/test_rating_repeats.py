"""«Повторно после решения»: a resolved report whose problem came back at the same place."""

from datetime import timedelta

import pytest
from sqlmodel import Session

from models.clock import frozen_at
from models.incident import Incident, IncidentPost
from models.report import Report, ReportStatus
from tests.triage import factories as f
from triage.calendar import WorkCalendar
from triage.incidents import merge_incidents
from triage.lifecycle import change_status
from triage.rating import municipality_rating
from triage.repeats import (
    REPEAT_DAYS,
    RepeatCounts,
    ReportRepeats,
    repeat_counts,
    report_repeats,
)
from triage.reports import create_report
from triage.scope import Scope
from triage.stage import triage_posts
from triage.thresholds import Thresholds

DAY = timedelta(days=1)
CAL = WorkCalendar()
PIPE = ("housing_pipe_burst", "housing")
LIGHTS = ("amenities_lighting", "amenities")
WINDOW = {"since": f.MONDAY, "until": f.MONDAY + 20 * DAY}
RESOLVED_DAY = 10


def _posted(
    session: Session, text: str, *, day: int, town: int, problem: tuple[str, str]
) -> Incident:
    post_id = f.annotated_post(
        session, source_id=f.source(session), municipality_id=town, text=text,
        topic=problem[0], category=problem[1], published_at=f.MONDAY + day * DAY,
    )  # fmt: skip
    session.commit()
    with frozen_at(f.MONDAY + day * DAY):
        triage_posts(session, post_ids=[post_id], thresholds=Thresholds())
    link = session.get_one(IncidentPost, post_id)
    return session.get_one(Incident, link.incident_id)


def _resolved(session: Session, incident: Incident, *, day: int) -> Report:
    return f.resolved_report(session, incident.id or 0, at=f.MONDAY + day * DAY)


@pytest.mark.parametrize(
    ("text", "problem", "day", "elsewhere", "repeated"),
    [
        ("Сибирская 8: снова прорвало трубу, вода в подвале", PIPE, 15, False, 1),
        ("На улице Сибирской 8 не горят фонари", LIGHTS, 15, False, 0),  # another problem
        ("На улице Ленина 3 прорвало трубу", PIPE, 15, False, 0),  # another street
        ("На улице Сибирской 10 прорвало трубу", PIPE, 15, False, 0),  # another house
        ("Сибирская 8: снова прорвало трубу", PIPE, 15, True, 0),  # another municipality
        ("Сибирская 8: снова прорвало трубу", PIPE, RESOLVED_DAY + 40, False, 0),  # 40 days on
        ("Сибирская 8: прорвало трубу и в соседнем подъезде", PIPE, 5, False, 0),  # before
    ],
)
def test_the_same_problem_at_the_same_house_after_the_resolution_is_a_repeat(
    session: Session,
    text: str,
    problem: tuple[str, str],
    day: int,
    elsewhere: bool,
    repeated: int,
) -> None:
    f.taxonomy(session)
    perm = f.municipality(session, "Пермский городской округ")
    kungur = f.municipality(session, "Кунгурский муниципальный округ")
    first = _posted(session, "На улице Сибирской 8 в подвале лопнула труба", day=0, town=perm,
                    problem=PIPE)  # fmt: skip
    if day < RESOLVED_DAY:
        later = _posted(session, text, day=day, town=kungur if elsewhere else perm,
                        problem=problem)  # fmt: skip
        report = _resolved(session, first, day=RESOLVED_DAY)
    else:
        report = _resolved(session, first, day=RESOLVED_DAY)
        later = _posted(session, text, day=day, town=kungur if elsewhere else perm,
                        problem=problem)  # fmt: skip
    assert later.id != first.id  # grouping's 72 hours did not join them

    assert repeat_counts(session, **WINDOW) == {perm: RepeatCounts(resolved=1, repeated=repeated)}
    found = report_repeats(session, report_id=report.id or 0)
    assert found is not None and not found.reopened
    assert [i.id for i in found.incidents] == ([later.id] if repeated else [])
    rows = {r.municipality_id: r for r in municipality_rating(session, **WINDOW)}
    assert (rows[perm].resolved_in_period, rows[perm].repeated) == (1, repeated)
    assert rows[perm].repeated_share == repeated


def test_a_report_reopened_by_a_fresh_complaint_is_a_repeat(session: Session) -> None:
    f.taxonomy(session)
    perm = f.municipality(session, "Пермский городской округ")
    first = _posted(session, "На улице Сибирской 8 в подвале лопнула труба", day=0, town=perm,
                    problem=PIPE)  # fmt: skip
    report = _resolved(session, first, day=1)
    again = _posted(session, "Сибирская 8: трубу так и не починили", day=2, town=perm,
                    problem=PIPE)  # fmt: skip
    assert again.id == first.id  # joined within 72 hours: the report reopened
    session.refresh(report)
    assert report.status == ReportStatus.REOPENED and report.resolved_at is None

    # still one of the period's resolutions (read from its audit), and a repeated one
    assert repeat_counts(session, **WINDOW) == {perm: RepeatCounts(resolved=1, repeated=1)}
    found = report_repeats(session, report_id=report.id or 0)
    assert found is not None and found.reopened and found.repeated
    assert found.resolved_at == (f.MONDAY + DAY,)


def test_a_resolution_outside_the_period_is_not_counted(session: Session) -> None:
    f.taxonomy(session)
    perm = f.municipality(session, "Пермский городской округ")
    first = _posted(session, "На улице Сибирской 8 в подвале лопнула труба", day=0, town=perm,
                    problem=PIPE)  # fmt: skip
    _resolved(session, first, day=25)
    _posted(session, "Сибирская 8: снова прорвало трубу", day=30, town=perm, problem=PIPE)
    assert repeat_counts(session, **WINDOW) == {}
    later = {"since": f.MONDAY + 20 * DAY, "until": f.MONDAY + 40 * DAY}
    assert repeat_counts(session, **later) == {perm: RepeatCounts(resolved=1, repeated=1)}
    assert REPEAT_DAYS == 30


def test_a_municipal_user_s_rating_reads_only_their_repeats(session: Session) -> None:
    f.taxonomy(session)
    perm = f.municipality(session, "Пермский городской округ")
    kungur = f.municipality(session, "Кунгурский муниципальный округ")
    for town, street in ((perm, "Сибирской"), (kungur, "Гоголя")):
        first = _posted(session, f"На улице {street} 8 в подвале лопнула труба", day=0,
                        town=town, problem=PIPE)  # fmt: skip
        _resolved(session, first, day=RESOLVED_DAY)
        _posted(session, f"На улице {street} 8 снова прорвало трубу", day=15, town=town,
                problem=PIPE)  # fmt: skip
    scope = Scope(municipality_ids=frozenset({kungur}))

    assert repeat_counts(session, scope=scope, **WINDOW) == {
        kungur: RepeatCounts(resolved=1, repeated=1)
    }
    rating = municipality_rating(session, scope=scope, **WINDOW)
    assert [(r.municipality_id, r.resolved_in_period, r.repeated) for r in rating] == [
        (kungur, 1, 1)
    ]
    everywhere = municipality_rating(session, **WINDOW)
    assert sum(r.repeated for r in everywhere) == 2
    without = municipality_rating(session, repeats=False, **WINDOW)
    assert sum(r.repeated for r in without) == 0
    assert [r.score for r in without] == [r.score for r in everywhere]


def _reopened_by_hand(session: Session, report: Report, *, day: int) -> None:
    """An operator sets «открыто снова» on the resolved report (no complaint behind it)."""
    with frozen_at(f.MONDAY + day * DAY):
        change_status(session, report_id=report.id or 0, status=ReportStatus.REOPENED,
                      actor="anna", user_id=None, expected_version=report.version,
                      calendar=CAL)  # fmt: skip
    session.commit()


def test_a_report_reopened_by_hand_within_the_days_is_a_repeat(session: Session) -> None:
    f.taxonomy(session)
    perm = f.municipality(session, "Пермский городской округ")
    pipe = _posted(session, "На улице Сибирской 8 в подвале лопнула труба", day=0, town=perm,
                   problem=PIPE)  # fmt: skip
    lights = _posted(session, "На улице Гоголя 3 не горят фонари", day=0, town=perm,
                     problem=LIGHTS)  # fmt: skip
    back = _resolved(session, pipe, day=RESOLVED_DAY)
    _reopened_by_hand(session, back, day=RESOLVED_DAY + 5)
    late = _resolved(session, lights, day=5)
    _reopened_by_hand(session, late, day=5 + REPEAT_DAYS + 5)  # beyond the 30 days

    assert repeat_counts(session, **WINDOW) == {perm: RepeatCounts(resolved=2, repeated=1)}
    found = report_repeats(session, report_id=back.id or 0)
    assert found is not None and found.reopened and not found.incidents
    assert report_repeats(session, report_id=late.id or 0) == ReportRepeats(
        report_id=late.id or 0, resolved_at=(f.MONDAY + 5 * DAY,), incidents=(), reopened=False
    )


def test_a_comeback_an_open_report_took_is_a_repeat(session: Session) -> None:
    """Residents write again after the resolution, but their incident already has an open
    report: merged, the resolved report stays resolved and its comeback still counts."""
    f.taxonomy(session)
    perm = f.municipality(session, "Пермский городской округ")
    first = _posted(session, "На улице Сибирской 8 в подвале лопнула труба", day=0, town=perm,
                    problem=PIPE)  # fmt: skip
    resolved = _resolved(session, first, day=RESOLVED_DAY)
    again = _posted(session, "Сибирская 8: снова прорвало трубу, вода в подвале", day=15,
                    town=perm, problem=PIPE)  # fmt: skip
    with frozen_at(f.MONDAY + 15 * DAY):
        create_report(session, incident_id=again.id or 0, expected_version=again.version,
                      actor="anna", user_id=None, calendar=CAL)  # fmt: skip
        session.commit()
        session.refresh(first)
        merge_incidents(session, target_id=again.id or 0, source_ids=[first.id or 0],
                        actor="olga", user_id=None, calendar=CAL,
                        expected_versions={again.id or 0: again.version,
                                           first.id or 0: first.version})  # fmt: skip
    session.commit()
    session.refresh(resolved)
    assert resolved.status == ReportStatus.RESOLVED  # the open report carries the problem

    # the later incident is now the resolved report's own: only the evidence says it came back
    assert repeat_counts(session, **WINDOW) == {perm: RepeatCounts(resolved=1, repeated=1)}
    found = report_repeats(session, report_id=resolved.id or 0)
    assert found is not None and found.repeated and not found.incidents
