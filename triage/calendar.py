"""The working calendar: working hours on working days, in the region's time zone.

Weekends and Russian public holidays (the `holidays` package) are days off; the
government's day transfers (a working Saturday, a weekday off) are followed too.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import holidays

if TYPE_CHECKING:
    from otklik.settings import Settings

_TOLERANCE = 1e-3  # seconds: float sums of microsecond timestamps round


@dataclass(frozen=True)
class WorkCalendar:
    timezone: str = "Asia/Yekaterinburg"
    start_hour: int = 9
    end_hour: int = 18
    _holidays: holidays.HolidayBase = field(
        default_factory=lambda: holidays.country_holidays("RU"), compare=False, repr=False
    )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_working_day(self, day: date) -> bool:
        # Knows Russia's transferred days: some Saturdays are working days, some weekdays not.
        return bool(self._holidays.is_working_day(day))

    def working_seconds(self, start: datetime, end: datetime) -> float:
        """Working time between two moments, in seconds (0 if `end` is not after `start`)."""
        if end <= start:
            return 0.0
        total = 0.0
        for opens, closes in self._windows(start.astimezone(self.zone).date()):
            if opens >= end:
                break
            total += max((min(closes, end) - max(opens, start)).total_seconds(), 0.0)
        return total

    def add_working_seconds(self, start: datetime, seconds: float) -> datetime:
        """The moment `seconds` of working time after `start`."""
        remaining = max(seconds, 0.0)
        if remaining == 0:
            return start
        for opens, closes in self._windows(start.astimezone(self.zone).date()):
            begin = max(opens, start)
            if begin >= closes:
                continue
            available = (closes - begin).total_seconds()
            if remaining <= available + _TOLERANCE:
                return begin + timedelta(seconds=min(remaining, available))
            remaining -= available
        raise AssertionError("unreachable: the calendar has no end")

    def _windows(self, first_day: date) -> Iterator[tuple[datetime, datetime]]:
        day = first_day
        while True:
            if self.is_working_day(day):
                yield self._at(day, self.start_hour), self._at(day, self.end_hour)
            day += timedelta(days=1)

    def _at(self, day: date, hour: int) -> datetime:
        moment = datetime.combine(day, time(0), tzinfo=self.zone) + timedelta(hours=hour)
        return moment.astimezone(ZoneInfo("UTC"))


def calendar_from_settings(settings: "Settings") -> WorkCalendar:
    """The working calendar SLA deadlines are counted in (light to import: the console's
    deadline counter builds it on a user's first page)."""
    return WorkCalendar(
        timezone=settings.timezone,
        start_hour=settings.workday_start_hour,
        end_hour=settings.workday_end_hour,
    )
