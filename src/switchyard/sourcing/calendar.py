"""Business calendars: working days, holidays, cut-offs and opening hours in local time.

Every rule is evaluated in the location's own IANA time zone, so a cut-off of 14:00
means 14:00 on the wall clock there, summer or winter. Durations (pickup preparation)
are measured in real elapsed time and then shown on the local clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from switchyard.sourcing.model import WEEKDAYS, Location

ONE_DAY = timedelta(days=1)
_HORIZON = 400  # days searched for a working day before giving up


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """Working days (ISO weekdays) and holidays, in one time zone."""

    timezone: str = "UTC"
    working_days: frozenset[int] = WEEKDAYS
    holidays: frozenset[date] = frozenset()

    def is_working_day(self, day: date) -> bool:
        return day.isoweekday() in self.working_days and day not in self.holidays

    def next_working_day(self, day: date) -> date:
        """``day`` itself if it is a working day, else the next one."""
        for _ in range(_HORIZON):
            if self.is_working_day(day):
                return day
            day += ONE_DAY
        raise ValueError("the calendar has no working day within a year")

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (``day`` itself for count 0)."""
        for _ in range(count):
            day = self.next_working_day(day + ONE_DAY)
        return day

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(ZoneInfo(self.timezone))

    def at(self, day: date, clock: time) -> datetime:
        """The moment the local clock shows ``clock`` on ``day`` (a skipped DST hour
        resolves to the same offset as before the change, then normalises)."""
        zone = ZoneInfo(self.timezone)
        return datetime.combine(day, clock, zone).astimezone(zone)


def location_calendar(location: Location) -> BusinessCalendar:
    return BusinessCalendar(location.timezone, location.processing_days, location.holidays)


@dataclass(frozen=True, slots=True)
class ShipDate:
    """When a location hands the goods to the carrier, and the time left to make today."""

    ship_by: date
    order_within: timedelta | None


def ship_date(location: Location, ready_at: datetime) -> ShipDate:
    """The ship-by date for goods ready at ``ready_at`` (the order time, or when
    incoming stock arrives): today if it is a processing day and before the local
    cut-off, else the next processing day; then ``handling_days`` more."""
    cal = location_calendar(location)
    local = cal.local(ready_at)
    today = local.date()
    cutoff = cal.at(today, location.cutoff)
    if cal.is_working_day(today) and ready_at < cutoff:
        first = today
    else:
        first = cal.next_working_day(today + ONE_DAY)
    ship_by = cal.add_working_days(first, location.handling_days)
    within = cutoff - ready_at if first == today and location.handling_days == 0 else None
    return ShipDate(ship_by, within)


def pickup_ready(location: Location, ready_from: datetime) -> datetime:
    """When the order can be collected (local time): preparation starts at
    ``ready_from`` or at opening, and must finish before closing on an open day."""
    cal = location_calendar(location)
    lead = timedelta(minutes=location.pickup_lead_minutes)
    day = cal.local(ready_from).date()
    for _ in range(_HORIZON):
        if cal.is_working_day(day):
            begin = max(ready_from, cal.at(day, location.opens))
            ready = cal.local(begin + lead)
            if ready <= cal.at(day, location.closes):
                return ready
        day += ONE_DAY
    raise ValueError("the location is never open long enough to prepare a pickup")


def pickup_label(ready: datetime, now: datetime) -> str:
    """ "ready today at 17:00", "ready tomorrow at 10:00" or "ready on Mon 22 Jun at 10:00"."""
    today = now.astimezone(ready.tzinfo).date()
    when = ready.strftime("%H:%M")
    if ready.date() == today:
        return f"ready today at {when}"
    if ready.date() == today + ONE_DAY:
        return f"ready tomorrow at {when}"
    return f"ready on {ready.strftime('%a %d %b')} at {when}"
