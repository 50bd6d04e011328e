"""Calendar edge cases: cut-off, weekends, holidays, time zones, DST, 23:59 orders."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from switchyard.sourcing.calendar import (
    BusinessCalendar,
    pickup_label,
    pickup_ready,
    ship_date,
)
from switchyard.sourcing.model import Location

EVERY_DAY = frozenset(range(1, 8))


def site(tz: str = "Europe/Berlin", **kw: object) -> Location:
    return Location("l", "L", "warehouse", 0, 0, timezone=tz, **kw)  # type: ignore[arg-type]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


BERLIN = site(cutoff=time(14, 0))  # Monday to Friday


def test_before_cutoff_ships_today_and_says_how_long_is_left():
    got = ship_date(BERLIN, utc(2026, 6, 17, 11, 59))  # Wed 13:59 CEST
    assert got.ship_by == date(2026, 6, 17)
    assert got.order_within == timedelta(minutes=1)


def test_cutoff_just_passed_ships_next_working_day():
    got = ship_date(BERLIN, utc(2026, 6, 17, 12, 0))  # Wed 14:00:00 CEST exactly
    assert got.ship_by == date(2026, 6, 18)
    assert got.order_within is None


@pytest.mark.parametrize(
    ("placed", "ships"),
    [
        (utc(2026, 6, 19, 13, 0), date(2026, 6, 22)),  # Friday after cut-off -> Monday
        (utc(2026, 6, 20, 9, 0), date(2026, 6, 22)),  # Saturday -> Monday
        (utc(2026, 6, 21, 9, 0), date(2026, 6, 22)),  # Sunday -> Monday
    ],
)
def test_weekends_wait_for_monday(placed, ships):
    assert ship_date(BERLIN, placed).ship_by == ships


def test_holidays_are_skipped():
    whit_monday = date(2026, 5, 25)
    loc = site(cutoff=time(14, 0), holidays=frozenset({whit_monday}))
    assert ship_date(loc, utc(2026, 5, 24, 10, 0)).ship_by == date(2026, 5, 26)
    assert ship_date(loc, utc(2026, 5, 25, 7, 0)).ship_by == date(2026, 5, 26)  # before cut-off


def test_location_in_another_timezone_than_the_customer():
    new_york = site("America/New_York", cutoff=time(15, 0))
    # 20:30 for a customer in Berlin, 14:30 in New York: still today's truck.
    assert ship_date(new_york, utc(2026, 6, 17, 18, 30)).ship_by == date(2026, 6, 17)
    # 22:30 in Berlin, 16:30 in New York: tomorrow.
    assert ship_date(new_york, utc(2026, 6, 17, 20, 30)).ship_by == date(2026, 6, 18)
    # Early on Thursday in Berlin is still Wednesday evening in New York, after cut-off.
    assert ship_date(new_york, utc(2026, 6, 18, 1, 0)).ship_by == date(2026, 6, 18)


@pytest.mark.parametrize(
    ("placed", "ships", "left"),
    [
        # Berlin springs forward on Sunday 2026-03-29: 14:00 local is 12:00 UTC that day.
        (utc(2026, 3, 28, 12, 30), date(2026, 3, 28), timedelta(minutes=30)),  # CET: 13:00 UTC
        (utc(2026, 3, 29, 11, 59), date(2026, 3, 29), timedelta(minutes=1)),
        (utc(2026, 3, 29, 12, 30), date(2026, 3, 30), None),
        # ...and falls back on Sunday 2026-10-25: 14:00 local is 13:00 UTC again.
        (utc(2026, 10, 24, 12, 30), date(2026, 10, 25), None),  # CEST: 12:00 UTC
        (utc(2026, 10, 25, 12, 30), date(2026, 10, 25), timedelta(minutes=30)),
    ],
)
def test_berlin_dst_change_days_move_the_cutoff_in_utc(placed, ships, left):
    loc = site(cutoff=time(14, 0), processing_days=EVERY_DAY)
    got = ship_date(loc, placed)
    assert (got.ship_by, got.order_within) == (ships, left)


@pytest.mark.parametrize(
    ("placed", "ships"),
    [
        (utc(2026, 3, 7, 19, 30), date(2026, 3, 7)),  # EST: 15:00 is 20:00 UTC
        (utc(2026, 3, 8, 19, 30), date(2026, 3, 9)),  # EDT from 8 March: 15:00 is 19:00 UTC
        (utc(2026, 11, 1, 19, 30), date(2026, 11, 1)),  # EST again from 1 November
    ],
)
def test_new_york_dst_change_days(placed, ships):
    loc = site("America/New_York", cutoff=time(15, 0), processing_days=EVERY_DAY)
    assert ship_date(loc, placed).ship_by == ships


def test_order_at_2359_local_ships_the_next_working_day():
    assert ship_date(BERLIN, utc(2026, 6, 17, 21, 59)).ship_by == date(2026, 6, 18)  # Wed 23:59
    assert ship_date(BERLIN, utc(2026, 6, 19, 21, 59)).ship_by == date(2026, 6, 22)  # Fri 23:59
    late = site(cutoff=time(23, 59), processing_days=EVERY_DAY)
    assert ship_date(late, utc(2026, 6, 17, 21, 58, 30)).ship_by == date(2026, 6, 17)


def test_handling_days_add_working_days_after_the_first_possible_day():
    slow = site(cutoff=time(14, 0), handling_days=2)
    assert ship_date(slow, utc(2026, 6, 18, 8, 0)).ship_by == date(2026, 6, 22)  # Thu -> Mon
    assert ship_date(slow, utc(2026, 6, 18, 8, 0)).order_within is None


def test_carrier_calendar_counts_transit_on_its_own_days():
    carrier = BusinessCalendar("Europe/Berlin", holidays=frozenset({date(2026, 6, 22)}))
    assert carrier.add_working_days(date(2026, 6, 19), 1) == date(2026, 6, 23)  # Fri + 1
    assert carrier.add_working_days(date(2026, 6, 17), 0) == date(2026, 6, 17)
    assert carrier.next_working_day(date(2026, 6, 20)) == date(2026, 6, 23)
    never = BusinessCalendar(working_days=frozenset())
    with pytest.raises(ValueError):
        never.next_working_day(date(2026, 1, 1))


STORE = site(opens=time(9, 0), closes=time(20, 0), pickup_lead_minutes=120)


@pytest.mark.parametrize(
    ("placed", "ready", "label"),
    [
        (utc(2026, 6, 17, 12, 30), datetime(2026, 6, 17, 16, 30), "ready today at 16:30"),
        (utc(2026, 6, 17, 5, 0), datetime(2026, 6, 17, 11, 0), "ready today at 11:00"),
        (utc(2026, 6, 17, 16, 30), datetime(2026, 6, 18, 11, 0), "ready tomorrow at 11:00"),
        (utc(2026, 6, 19, 17, 0), datetime(2026, 6, 22, 11, 0), "ready on Mon 22 Jun at 11:00"),
    ],
)
def test_pickup_ready_today_or_next_open_day(placed, ready, label):
    got = pickup_ready(STORE, placed)
    assert got.replace(tzinfo=None) == ready
    assert pickup_label(got, placed) == label


def test_pickup_lead_time_is_real_time_across_the_fall_back_hour():
    night = site(
        "America/New_York", opens=time(0, 0), closes=time(23, 59), processing_days=EVERY_DAY
    )
    placed = utc(2026, 11, 1, 4, 30)  # 00:30 EDT
    ready = pickup_ready(night, placed)
    assert ready - placed == timedelta(hours=2)
    assert (ready.hour, ready.minute, ready.utcoffset()) == (1, 30, timedelta(hours=-5))


def test_cutoff_in_the_skipped_spring_hour_still_resolves():
    odd = site(cutoff=time(2, 30), processing_days=EVERY_DAY)
    assert ship_date(odd, utc(2026, 3, 29, 0, 59)).ship_by == date(2026, 3, 29)  # 01:59 CET
    assert ship_date(odd, utc(2026, 3, 29, 1, 31)).ship_by == date(2026, 3, 30)
