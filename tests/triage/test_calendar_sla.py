from datetime import UTC, datetime, timedelta

import pytest

from models.report import Report
from triage import sla
from triage.calendar import WorkCalendar

CAL = WorkCalendar(timezone="Asia/Yekaterinburg", start_hour=9, end_hour=18)


def perm(day: str, hour: int, minute: int = 0) -> datetime:
    """A Perm local wall-clock time (UTC+5) as UTC."""
    local = datetime.fromisoformat(day).replace(hour=hour, minute=minute)
    return (local - timedelta(hours=5)).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        (perm("2025-03-03", 10), 2, perm("2025-03-03", 12)),  # Monday, same day
        (perm("2025-03-03", 17), 2, perm("2025-03-04", 10)),  # rolls over the night
        (perm("2025-03-07", 17), 2, perm("2025-03-10", 10)),  # Friday -> Monday
        (perm("2025-03-08", 12), 1, perm("2025-03-10", 10)),  # starts on a Saturday
        (perm("2025-03-03", 7), 9, perm("2025-03-03", 18)),  # before opening: a full day
        (perm("2025-03-03", 10), 40, perm("2025-03-07", 14)),  # a working week minus a bit
        # 31 Dec 2024 was a transferred day off, 1-8 January holidays: all on the 9th
        (perm("2024-12-31", 17), 2, perm("2025-01-09", 11)),
        # ... paid for by Saturday 28 Dec 2024, a working day
        (perm("2024-12-27", 17), 2, perm("2024-12-28", 10)),
        # Russia Day, Thu 12 June 2025, plus Friday the 13th transferred: back on Monday
        (perm("2025-06-11", 17), 2, perm("2025-06-16", 10)),
    ],
)
def test_working_hour_deadlines(start: datetime, hours: int, due: datetime) -> None:
    assert sla.deadline(CAL, start=start, hours=hours, urgent=False) == due
    assert CAL.working_seconds(start, due) == pytest.approx(hours * 3600)


def test_urgent_topics_count_calendar_hours() -> None:
    start = perm("2025-03-07", 17)
    assert sla.deadline(CAL, start=start, hours=8, urgent=True) == start + timedelta(hours=8)


def test_holidays_and_weekends_are_days_off() -> None:
    assert not CAL.is_working_day(datetime(2025, 1, 3).date())
    assert not CAL.is_working_day(datetime(2025, 5, 9).date())
    assert not CAL.is_working_day(datetime(2025, 3, 8).date())
    assert CAL.is_working_day(datetime(2025, 3, 10).date())


def test_a_pause_moves_the_deadline_by_the_paused_working_time() -> None:
    created = perm("2025-03-03", 9)
    report = Report(
        incident_id=1,
        sla_hours=16,
        created_at=created,
        due_at=sla.deadline(CAL, start=created, hours=16, urgent=False),
    )
    assert report.due_at == perm("2025-03-04", 16)

    sla.pause(report, at=perm("2025-03-03", 15))
    # paused from Monday 15:00 to Wednesday 10:00 = 3 + 9 + 1 working hours
    sla.resume(report, CAL, at=perm("2025-03-05", 10))

    assert report.paused_seconds == 13 * 3600
    assert report.paused_at is None
    assert report.due_at == perm("2025-03-06", 11)  # Tue 16:00 + 13 working hours


def test_a_pause_over_a_weekend_costs_nothing_extra() -> None:
    start = perm("2025-03-07", 18)
    report = Report(incident_id=1, sla_hours=8, created_at=start, due_at=perm("2025-03-10", 17))
    sla.pause(report, at=start)
    sla.resume(report, CAL, at=perm("2025-03-10", 9))
    assert report.paused_seconds == 0
    assert report.due_at == perm("2025-03-10", 17)


def test_the_working_day_hours_and_time_zone_are_settings() -> None:
    moscow = WorkCalendar(timezone="Europe/Moscow", start_hour=8, end_hour=17)
    start = datetime(2025, 3, 3, 13, 0, tzinfo=UTC)  # 16:00 Moscow
    assert moscow.add_working_seconds(start, 2 * 3600) == datetime(2025, 3, 4, 6, 0, tzinfo=UTC)
