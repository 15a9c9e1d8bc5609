from collections import Counter
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from models.geo import Municipality
from models.incident import Incident
from models.report import Report
from tests.triage import factories as f
from triage.analytics import (
    Dimension,
    Period,
    _utc_offsets,
    bucket_keys,
    report_summary,
    top_topics,
    volumes,
)
from triage.answers import answer_summary
from triage.rating import municipality_rating
from triage.scope import Scope
from triage.stage import triage_posts
from triage.thresholds import Thresholds

DAY = timedelta(days=1)
SINCE, UNTIL = f.MONDAY - 30 * DAY, f.MONDAY + 30 * DAY
UTC_ZONE = ZoneInfo("UTC")
YEKATERINBURG = ZoneInfo("Asia/Yekaterinburg")  # the region's, UTC+5 all year
BERLIN = ZoneInfo("Europe/Berlin")  # UTC+1, UTC+2 from 29 March to 25 October 2026


def _posts(session: Session) -> tuple[int, int]:
    perm = f.municipality(session, "Пермский городской округ", population=1_000_000)
    kama = f.municipality(session, "Краснокамский городской округ", population=50_000)
    vk, tg = f.source(session, "vk"), f.source(session, "tg", kind="telegram")
    plan = [  # (source, municipality, category, topic, day offset, signal)
        (vk, perm, "roads", "roads_potholes", 0, True),
        (vk, perm, "roads", "roads_potholes", 1, True),
        (tg, perm, "roads", "roads_potholes", 8, True),
        (tg, kama, "housing", "housing_pipe_burst", 1, True),
        (vk, kama, None, None, 2, False),  # not a signal: not counted
    ]
    ids = [
        f.annotated_post(
            session,
            source_id=s,
            municipality_id=m,
            category=c,
            topic=t,
            is_signal=sig,
            published_at=f.MONDAY + d * DAY,
            text=f"Сообщение номер {i} про проблему на улице {i}",
        )
        for i, (s, m, c, t, d, sig) in enumerate(plan)
    ]
    session.commit()
    triage_posts(session, post_ids=ids, thresholds=Thresholds())
    return perm, kama


def test_volumes_by_dimension_and_period(session: Session) -> None:
    perm, kama = _posts(session)
    window = {"since": SINCE, "until": UNTIL, "zone": YEKATERINBURG}
    weekly = volumes(session, by=Dimension.CATEGORY, period=Period.WEEK, **window)
    assert [(r.period, r.key, r.count) for r in weekly] == [
        ("2025-03-03", "housing", 1),
        ("2025-03-03", "roads", 2),
        ("2025-03-10", "roads", 1),
    ]
    by_place = volumes(session, by=Dimension.MUNICIPALITY, period=Period.MONTH, **window)
    assert [(r.period, r.key, r.count) for r in by_place] == [
        ("2025-03-01", str(perm), 3),
        ("2025-03-01", str(kama), 1),
    ]
    daily = volumes(session, by=Dimension.SOURCE_KIND, period=Period.DAY, **window)
    assert sum(r.count for r in daily if r.key == "telegram") == 2
    assert next(r.period for r in daily) == "2025-03-03"


def test_top_topics(session: Session) -> None:
    _posts(session)
    top = top_topics(session, since=SINCE, until=UNTIL, limit=1)
    assert [(t.topic_code, t.count) for t in top] == [("roads_potholes", 3)]


def _reports(
    session: Session, municipality_id: int, specs: list[tuple[int | None, int | None, int]]
) -> None:
    """specs: (hours to first answer, hours to resolution, sla hours)."""
    for answer, resolution, sla_hours in specs:
        incident = Incident(title="x", municipality_id=municipality_id)
        session.add(incident)
        session.flush()
        hour = timedelta(hours=1)
        session.add(
            Report(
                incident_id=incident.id or 0,
                municipality_id=municipality_id,
                status="sent",
                created_at=f.MONDAY,
                due_at=f.MONDAY + sla_hours * hour,
                sla_hours=sla_hours,
                first_answer_at=None if answer is None else f.MONDAY + answer * hour,
                resolved_at=None if resolution is None else f.MONDAY + resolution * hour,
            )
        )
    session.commit()


def test_report_summary_times_and_sla(session: Session) -> None:
    perm = f.municipality(session, "Пермский городской округ")
    _reports(
        session, perm, [(2, 10, 8), (4, None, 8), (20, 30, 8), (None, None, 8), (None, None, 500)]
    )
    summary = report_summary(
        session, since=SINCE, until=UNTIL, now=f.MONDAY + 48 * timedelta(hours=1)
    )
    assert (summary.total, summary.resolved, summary.answered) == (5, 2, 3)
    assert summary.share_resolved == pytest.approx(0.4)
    assert summary.mean_hours_to_first_answer == pytest.approx(26 / 3)
    assert summary.median_hours_to_first_answer == pytest.approx(4)
    assert summary.median_hours_to_resolution == pytest.approx(20)
    # judged: 3 answered + 1 open past its deadline; met: the 2 answered in time
    assert (summary.sla_judged, summary.sla_met) == (4, 2)
    assert summary.sla_compliance == pytest.approx(0.5)


def test_the_rating_shrinks_small_municipalities_toward_the_regional_mean(session: Session) -> None:
    big = f.municipality(session, "Большой округ", population=200_000)
    small = f.municipality(session, "Малый округ", population=5_000)
    _reports(session, big, [(2, 5, 8)] * 14 + [(20, None, 8)] * 6)  # 70% resolved on time
    _reports(session, small, [(1, 2, 8)] * 2)  # 2 of 2: perfect, but only two
    rows = {
        r.name: r
        for r in municipality_rating(
            session, since=SINCE, until=UNTIL, min_reports=5, prior_reports=10
        )
    }
    regional = (14 + 2) / 22
    assert rows["Малый округ"].resolved_share == pytest.approx((2 + 10 * regional) / 12)
    assert rows["Малый округ"].resolved_share < 1.0
    assert rows["Большой округ"].rated and rows["Большой округ"].rank == 1
    assert not rows["Малый округ"].rated and rows["Малый округ"].rank is None
    assert session.get(Municipality, small) is not None


def test_the_rating_gives_signals_per_capita(session: Session) -> None:
    perm, kama = _posts(session)
    rows = {r.municipality_id: r for r in municipality_rating(session, since=SINCE, until=UNTIL)}
    assert (rows[perm].signals, rows[perm].signals_per_10k) == (3, 0.03)
    assert (rows[kama].signals, rows[kama].signals_per_10k) == (1, 0.2)


def test_every_figure_is_counted_over_the_caller_s_territory_only(session: Session) -> None:
    perm, kama = _posts(session)
    _reports(session, perm, [(2, 10, 8), (4, None, 8)])
    _reports(session, kama, [(None, None, 8)] * 3)
    at = f.MONDAY + 48 * timedelta(hours=1)
    window = {"since": SINCE, "until": UNTIL}
    for scope, place, signals, reports in [
        (Scope(municipality_ids=frozenset({perm})), perm, 3, 2),
        (Scope(municipality_ids=frozenset({kama})), kama, 1, 3),
    ]:
        by_place = volumes(
            session,
            by=Dimension.MUNICIPALITY,
            period=Period.MONTH,
            zone=YEKATERINBURG,
            scope=scope,
            **window,
        )
        assert {r.key for r in by_place} == {str(place)}
        assert sum(r.count for r in by_place) == signals
        topics = top_topics(session, scope=scope, **window)
        assert sum(t.count for t in topics) == signals
        assert report_summary(session, now=at, scope=scope, **window).total == reports
        assert answer_summary(session, scope=scope, **window).signals == signals
        rating = municipality_rating(session, scope=scope, min_reports=1, **window)
        assert [(r.municipality_id, r.reports, r.signals, r.rank) for r in rating] == [
            (place, reports, signals, 1)
        ]
    # the region sees both territories, and an agency's token no post at all
    assert report_summary(session, now=at, **window).total == 5
    assert answer_summary(session, **window).signals == 4
    assert len(municipality_rating(session, **window)) == 2
    agency = Scope(agency_id=1)
    assert (
        volumes(
            session, by=Dimension.TOPIC, period=Period.DAY, zone=UTC_ZONE, scope=agency, **window
        )
        == []
    )
    assert answer_summary(session, scope=agency, **window).signals == 0


PERM = timezone(timedelta(hours=5))
MICROSECOND = timedelta(microseconds=1)


def _at(text: str, zone: timezone = UTC) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


@pytest.mark.parametrize(
    ("period", "since", "until", "keys"),
    [
        (Period.DAY, _at("2025-12-30 10:00"), _at("2026-01-02 09:00"),
         ["2025-12-30", "2025-12-31", "2026-01-01", "2026-01-02"]),
        # the days are UTC's: 03:00 in Perm on 1 January is 31 December, 22:00 UTC
        (Period.DAY, _at("2026-01-01 03:00", PERM), _at("2026-01-01 06:00", PERM),
         ["2025-12-31", "2026-01-01"]),
        # a Thursday starts with its Monday; a week crossing the year is the old year's
        (Period.WEEK, _at("2026-02-26 12:00"), _at("2026-03-10 12:00"),
         ["2026-02-23", "2026-03-02", "2026-03-09"]),
        (Period.WEEK, _at("2025-12-31 12:00"), _at("2026-01-06 00:00"),
         ["2025-12-29", "2026-01-05"]),
        (Period.WEEK, _at("2026-03-08 23:59"), _at("2026-03-09 00:01"),
         ["2026-03-02", "2026-03-09"]),
        (Period.MONTH, _at("2025-11-15 00:00"), _at("2026-02-01 00:00"),
         ["2025-11-01", "2025-12-01", "2026-01-01"]),
        # `until` is excluded, as in `volumes`: a window ending at midnight ends the day before
        (Period.DAY, _at("2026-03-01 00:00"), _at("2026-03-03 00:00"),
         ["2026-03-01", "2026-03-02"]),
        (Period.DAY, _at("2026-03-01 12:00"), _at("2026-03-01 12:00"), []),
        (Period.DAY, _at("2026-03-01 12:00"), _at("2026-03-01 12:00") + MICROSECOND,
         ["2026-03-01"]),
        (Period.MONTH, _at("2026-03-31 12:00"), _at("2026-03-31 12:00"), []),
    ],
)  # fmt: skip
def test_bucket_keys_list_every_period_empty_or_not(
    period: Period, since: datetime, until: datetime, keys: list[str]
) -> None:
    assert bucket_keys(period, since, until, zone=UTC_ZONE) == keys


@pytest.mark.parametrize(
    ("period", "since", "until", "keys"),
    [
        # 05:00 on 1 March to 04:59 on 3 March in Yekaterinburg: three local days, not two
        (Period.DAY, _at("2026-03-01 00:00"), _at("2026-03-03 00:00"),
         ["2026-03-01", "2026-03-02", "2026-03-03"]),
        # 21:30 UTC on Wednesday 4 March is Thursday 5 March there
        (Period.DAY, _at("2026-03-04 21:30"), _at("2026-03-04 21:31"), ["2026-03-05"]),
        # late on Sunday 8 March UTC is Monday 9 March there: a week of its own
        (Period.WEEK, _at("2026-03-08 20:00"), _at("2026-03-08 20:01"), ["2026-03-09"]),
        # the last UTC evening of February is 1 March there
        (Period.MONTH, _at("2026-02-28 22:00"), _at("2026-02-28 22:01"), ["2026-03-01"]),
    ],
)  # fmt: skip
def test_bucket_keys_are_the_zone_s_local_periods(
    period: Period, since: datetime, until: datetime, keys: list[str]
) -> None:
    assert bucket_keys(period, since, until, zone=YEKATERINBURG) == keys


def test_bucket_keys_refuse_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        bucket_keys(Period.DAY, datetime(2026, 3, 1), datetime(2026, 3, 2), zone=YEKATERINBURG)


def test_the_offsets_over_a_window_are_the_zone_s_with_their_transitions() -> None:
    """SQLite's buckets shift by these: one offset where the zone has no transition, and
    Berlin's both 2026 changes (01:00 UTC on 29 March and 25 October) to the second."""
    window = (_at("2025-12-31 10:17:03.5"), _at("2026-12-01 00:00"))
    assert _utc_offsets(YEKATERINBURG, *window) == [(window[0], timedelta(hours=5))]
    assert _utc_offsets(BERLIN, *window) == [
        (window[0], timedelta(hours=1)),
        (_at("2026-03-29 01:00"), timedelta(hours=2)),
        (_at("2026-10-25 01:00"), timedelta(hours=1)),
    ]
    assert _utc_offsets(BERLIN, _at("2026-04-01 00:00"), _at("2026-05-01 00:00")) == [
        (_at("2026-04-01 00:00"), timedelta(hours=2))
    ]


def _signals_at(session: Session, moments: list[datetime]) -> None:
    place = f.municipality(session, "Пермский городской округ")
    source = f.source(session, "vk")
    ids = [
        f.annotated_post(session, source_id=source, municipality_id=place, published_at=moment,
                         text=f"Сообщение номер {number} про проблему на улице {number}")
        for number, moment in enumerate(moments)
    ]  # fmt: skip
    session.commit()
    triage_posts(session, post_ids=ids, thresholds=Thresholds())


@pytest.mark.parametrize(
    ("period", "moment", "local", "utc"),
    [
        (Period.DAY, "2026-03-04 21:30", "2026-03-05", "2026-03-04"),  # 02:30 on 5 March
        (Period.WEEK, "2026-03-08 20:00", "2026-03-09", "2026-03-02"),  # 01:00 on Monday
        (Period.MONTH, "2026-02-28 22:00", "2026-03-01", "2026-02-01"),  # 03:00 on 1 March
    ],
)
def test_a_post_counts_in_the_region_s_day_week_and_month(
    session: Session, period: Period, moment: str, local: str, utc: str
) -> None:
    """A post of a UTC evening is in the next local day (week, month) in Yekaterinburg, as the
    console's times show it; UTC's buckets would put it a day (week, month) early."""
    _signals_at(session, [_at(moment)])
    window = {"since": _at(moment) - DAY, "until": _at(moment) + DAY}
    for zone, key in [(YEKATERINBURG, local), (UTC_ZONE, utc)]:
        rows = volumes(session, by=Dimension.CATEGORY, period=period, zone=zone, **window)
        assert [(row.period, row.count) for row in rows] == [(key, 1)]


# Instants either side of a day's, a week's, a month's and a year's edge: UTC's,
# Yekaterinburg's (19:00 UTC) and Berlin's, whose offset changes on 29 March and 25 October.
EDGES = ["2025-12-28 23:59:59", "2025-12-29 00:00:00", "2025-12-31 23:59:59.999999",
         "2026-01-01 00:00:00", "2026-01-04 23:59:59", "2026-01-05 00:00:00",
         "2026-02-28 23:59:59", "2026-03-01 00:00:00",
         "2025-12-31 18:59:59.999999", "2025-12-31 19:00:00", "2026-03-08 18:59:59",
         "2026-03-08 19:00:00", "2026-02-28 18:59:59", "2026-02-28 19:00:00",
         # Berlin: midnight before the change (UTC+1), the change, midnights after (UTC+2)
         "2026-03-28 22:59:59", "2026-03-28 23:00:00", "2026-03-29 00:59:59.999999",
         "2026-03-29 01:00:00", "2026-03-29 21:59:59", "2026-03-29 22:00:00",
         "2026-03-31 21:59:59", "2026-03-31 22:00:00", "2026-03-31 22:59:59",
         # and back: midnights of 25 October (UTC+2) and of 26 October, a Monday (UTC+1)
         "2026-10-24 21:59:59", "2026-10-24 22:00:00", "2026-10-25 00:59:59",
         "2026-10-25 01:00:00", "2026-10-25 22:59:59", "2026-10-25 23:00:00",
         "2026-10-31 22:59:59", "2026-10-31 23:00:00"]  # fmt: skip


def _local_bucket(moment: datetime, period: Period, zone: ZoneInfo) -> str:
    """The bucket's first day, computed in Python from the local date."""
    day = moment.astimezone(zone).date()
    if period == Period.WEEK:
        day -= timedelta(days=day.weekday())
    elif period == Period.MONTH:
        day = date(day.year, day.month, 1)
    return day.isoformat()


@pytest.mark.parametrize("zone", [UTC_ZONE, YEKATERINBURG, BERLIN], ids=str)
@pytest.mark.parametrize("period", list(Period))
def test_bucket_keys_are_the_database_s_buckets(
    session: Session, period: Period, zone: ZoneInfo
) -> None:
    """Each post's bucket, as SQLite or PostgreSQL writes it, is its local day (week, month)
    in `zone`, across the zone's offset changes too, is the key `bucket_keys` gives for that
    instant, and is among the window's keys."""
    moments = sorted(_at(edge) for edge in EDGES)
    _signals_at(session, moments)
    window = {"since": moments[0], "until": moments[-1] + MICROSECOND, "zone": zone}
    rows = volumes(session, by=Dimension.CATEGORY, period=period, **window)
    expected = Counter(_local_bucket(moment, period, zone) for moment in moments)
    assert {row.period: row.count for row in rows} == expected
    for moment in moments:
        keys = bucket_keys(period, moment, moment + MICROSECOND, zone=zone)
        assert keys == [_local_bucket(moment, period, zone)]
    assert set(expected) <= set(bucket_keys(period, **window))
