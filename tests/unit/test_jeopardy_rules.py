"""Jeopardy rules without a database: every deadline at, just before and just after its
boundary, on the location's own clock (time zones, DST, weekends, holidays, handling
days), and the channel setting that tunes them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from switchyard.channels.jeopardy_policy import (
    DEFAULT,
    JeopardyPolicy,
    jeopardy_errors,
    jeopardy_policy,
)
from switchyard.jeopardy.rules import (
    LATE,
    NO_SCAN,
    NOT_ACKNOWLEDGED,
    NOT_PICKED,
    NOT_READY,
    NOT_RELEASED,
    NOT_SHIPPED,
    REASONS,
    Site,
    Subject,
    assess,
    deadlines,
    last_working_day,
    start_day,
)
from switchyard.sourcing.calendar import BusinessCalendar

BERLIN = ZoneInfo("Europe/Berlin")
TICK = timedelta(microseconds=1)
WED, FRI = date(2026, 6, 17), date(2026, 6, 19)  # a Wednesday and the Friday after
SITE = Site(BusinessCalendar("Europe/Berlin"), time(14, 0))  # Monday to Friday


def berlin(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), BERLIN)


def parcel(status: str = "created", **over: object) -> Subject:
    return Subject(status, **{"ship_by": WED, "deliver_by": FRI, **over})  # type: ignore[arg-type]


def reasons(subject: Subject, now: datetime, site: Site = SITE, policy=DEFAULT) -> set[str]:
    return set(assess(subject, site, policy, now).reasons)


# -- not released by the cut-off -----------------------------------------------------------
def test_not_released_by_the_cut_off_on_the_ship_by_day():
    cutoff = berlin(WED, 14)
    assert reasons(parcel(), cutoff - TICK) == set()
    found = assess(parcel(), SITE, DEFAULT, cutoff)
    assert found.reasons == {NOT_RELEASED}
    assert found.risks[0].due_at == cutoff == datetime(2026, 6, 17, 12, 0, tzinfo=UTC)
    assert reasons(parcel("released", released_at=cutoff), cutoff) == set()


def test_handling_days_move_the_release_deadline_back_over_the_weekend():
    monday = date(2026, 6, 22)
    site = replace(SITE, handling_days=1)
    assert start_day(site, monday) == date(2026, 6, 19)  # the Friday before
    subject = Subject("created", ship_by=monday)
    assert deadlines(subject, site, DEFAULT)[NOT_RELEASED] == berlin(date(2026, 6, 19), 14)
    assert reasons(subject, berlin(date(2026, 6, 19), 14) - TICK, site) == set()
    assert reasons(subject, berlin(date(2026, 6, 19), 14), site) == {NOT_RELEASED}


def test_holidays_are_not_working_days():
    holiday = date(2026, 6, 18)  # Thursday
    cal = BusinessCalendar("Europe/Berlin", holidays=frozenset({holiday}))
    site = Site(cal, time(14, 0), handling_days=1)
    assert start_day(site, FRI) == WED
    assert last_working_day(cal, holiday) == WED
    # A ship-by day that became a holiday: the working day before it counts.
    subject = Subject("created", ship_by=holiday)
    due = deadlines(subject, Site(cal, time(14, 0)), DEFAULT)
    assert due[NOT_RELEASED] == berlin(WED, 14)
    assert due[NOT_PICKED] == berlin(WED, 16)


def test_a_calendar_without_working_days_cannot_be_dated():
    never = Site(BusinessCalendar("UTC", working_days=frozenset()), time(14, 0))
    with pytest.raises(ValueError):
        deadlines(parcel(), never, DEFAULT)


def test_the_cut_off_is_on_the_location_clock_across_daylight_saving():
    monday_after_dst = date(2026, 3, 9)  # New York moved its clocks on Sunday 8 March
    site = Site(BusinessCalendar("America/New_York"), time(14, 0))
    due = deadlines(Subject("created", ship_by=monday_after_dst), site, DEFAULT)
    assert due[NOT_RELEASED] == datetime(2026, 3, 9, 18, 0, tzinfo=UTC)  # 14:00 EDT
    friday_before = date(2026, 3, 6)
    due = deadlines(Subject("created", ship_by=friday_before), site, DEFAULT)
    assert due[NOT_RELEASED] == datetime(2026, 3, 6, 19, 0, tzinfo=UTC)  # 14:00 EST


def test_a_far_away_location_has_its_own_day():
    tokyo = Site(BusinessCalendar("Asia/Tokyo"), time(14, 0))
    due = deadlines(parcel(), tokyo, DEFAULT)
    assert due[NOT_RELEASED] == datetime(2026, 6, 17, 5, 0, tzinfo=UTC)
    assert due[NOT_SHIPPED] == datetime(2026, 6, 17, 15, 0, tzinfo=UTC)  # Tokyo midnight


# -- not acknowledged ----------------------------------------------------------------------
@pytest.mark.parametrize("hours", [1, 4, 720])
def test_released_but_not_accepted_for_the_hours_the_channel_allows(hours):
    policy = JeopardyPolicy(acknowledge_hours=hours)
    released = berlin(date(2026, 6, 15), 9)  # Monday, long before the ship-by day
    subject = parcel("released", released_at=released, ship_by=date(2026, 7, 31), deliver_by=None)
    due = released + timedelta(hours=hours)
    assert reasons(subject, due - TICK, policy=policy) == set()
    assert reasons(subject, due, policy=policy) == {NOT_ACKNOWLEDGED}
    assert reasons(replace(subject, status="accepted"), due, policy=policy) == set()


def test_no_acknowledgement_is_expected_without_a_release_time():
    subject = parcel("released", released_at=None)
    assert NOT_ACKNOWLEDGED not in deadlines(subject, SITE, DEFAULT)


# -- not picked by the deadline ------------------------------------------------------------
def test_picked_by_the_pick_window_after_the_cut_off():
    deadline = berlin(WED, 16)  # 14:00 + 120 minutes
    for status in ("accepted", "picking"):
        subject = parcel(status)
        assert reasons(subject, deadline - TICK) == set()
        assert reasons(subject, deadline) == {NOT_PICKED}
    for status in ("picked", "packed"):
        assert reasons(parcel(status), deadline) == set()


def test_a_pick_window_of_zero_is_the_cut_off_itself():
    policy = JeopardyPolicy(pick_window_minutes=0)
    cutoff = berlin(WED, 14)
    assert reasons(parcel("accepted"), cutoff - TICK, policy=policy) == set()
    assert reasons(parcel("accepted"), cutoff, policy=policy) == {NOT_PICKED}
    assert reasons(parcel("created"), cutoff, policy=policy) == {NOT_RELEASED, NOT_PICKED}


# -- not shipped by the ship-by day --------------------------------------------------------
def test_not_shipped_by_the_end_of_the_ship_by_day():
    midnight = berlin(WED + timedelta(days=1), 0)
    assert reasons(parcel("packed"), midnight - TICK) == set()
    assert reasons(parcel("packed"), midnight) == {NOT_SHIPPED}
    assert reasons(parcel("created"), midnight) == {NOT_RELEASED, NOT_PICKED, NOT_SHIPPED}
    shipped = parcel("shipped", shipped_at=midnight - timedelta(hours=1))
    assert reasons(shipped, midnight) == set()


def test_nothing_about_shipping_without_a_ship_by_date():
    subject = Subject("created", deliver_by=FRI)
    assert set(deadlines(subject, SITE, DEFAULT)) == {LATE}


# -- no carrier scan -----------------------------------------------------------------------
def test_a_tracked_parcel_the_carrier_never_scanned():
    shipped_at = berlin(WED, 17)
    subject = parcel("shipped", shipped_at=shipped_at, tracked_packages=1)
    due = shipped_at + timedelta(hours=24)
    assert reasons(subject, due - TICK) == set()
    assert reasons(subject, due) == {NO_SCAN}
    assert reasons(replace(subject, last_scan_at=shipped_at), due) == set()
    assert reasons(replace(subject, tracked_packages=0), due) == set()  # nothing to scan
    policy = JeopardyPolicy(first_scan_hours=2)
    assert reasons(subject, shipped_at + timedelta(hours=2), policy=policy) == {NO_SCAN}


# -- late, and the promise kept ------------------------------------------------------------
def test_late_after_the_promised_delivery_day():
    midnight = berlin(FRI + timedelta(days=1), 0)
    subject = parcel("shipped", shipped_at=berlin(WED, 17), last_scan_at=berlin(WED, 20))
    assert reasons(subject, midnight - TICK) == set()
    assert reasons(subject, midnight) == {LATE}
    delivered = assess(replace(subject, status="delivered"), SITE, DEFAULT, midnight)
    assert delivered.risks == () and delivered.done and delivered.next_check_at is None


def test_cancelled_fulfillments_are_done():
    found = assess(parcel("cancelled"), SITE, DEFAULT, berlin(FRI, 23))
    assert (found.risks, found.next_check_at, found.done) == ((), None, True)


# -- collected at a store ------------------------------------------------------------------
def test_click_and_collect_is_watched_by_its_ready_time():
    ready = berlin(WED, 16, 30)
    subject = Subject("accepted", "pickup", ship_by=WED, deliver_by=WED, ready_at=ready)
    assert set(deadlines(subject, SITE, DEFAULT)) == {NOT_READY, LATE}  # no ship-by checks
    assert reasons(subject, ready - TICK) == set()
    assert reasons(subject, ready) == {NOT_READY}
    ready_now = replace(subject, status="ready_for_pickup")
    assert assess(ready_now, SITE, DEFAULT, ready).done


def test_a_parcel_to_the_customer_has_no_ready_time_to_keep():
    subject = parcel("packed", ready_at=berlin(WED, 9))
    assert NOT_READY not in deadlines(subject, SITE, DEFAULT)


def test_ship_to_store_ships_on_time_and_is_ready_on_time():
    ready = berlin(FRI, 12)
    subject = Subject("at_store", to_store=True, ship_by=WED, deliver_by=FRI, ready_at=ready)
    assert reasons(subject, ready) == {NOT_READY}
    assert reasons(replace(subject, status="created"), ready) == {
        NOT_RELEASED,
        NOT_PICKED,
        NOT_SHIPPED,
        NOT_READY,
    }
    assert assess(replace(subject, status="ready_for_pickup"), SITE, DEFAULT, ready).done
    assert not assess(replace(subject, status="delivered"), SITE, DEFAULT, ready).done


# -- when to look again --------------------------------------------------------------------
def test_the_next_check_is_the_next_deadline_ahead():
    subject = parcel()
    order = [berlin(WED, 14), berlin(WED, 16), berlin(WED + timedelta(days=1), 0)]
    order.append(berlin(FRI + timedelta(days=1), 0))
    at = berlin(date(2026, 6, 15), 9)
    for deadline in order:
        assert assess(subject, SITE, DEFAULT, at).next_check_at == deadline
        at = deadline
    final = assess(subject, SITE, DEFAULT, at)
    assert final.next_check_at is None and not final.done
    assert [r.reason for r in final.risks] == [NOT_RELEASED, NOT_PICKED, NOT_SHIPPED, LATE]


def test_reasons_are_stable_codes():
    assert REASONS == (
        "not_released_by_cutoff",
        "not_acknowledged",
        "not_picked_by_deadline",
        "not_shipped_by_ship_by",
        "no_carrier_scan",
        "not_ready_for_pickup",
        "late",
    )


# -- the channel setting -------------------------------------------------------------------
def test_the_policy_defaults_and_overrides():
    assert jeopardy_policy({}) == DEFAULT == JeopardyPolicy(True, 4, 24, 120, False)
    assert jeopardy_policy({"jeopardy": {"auto_resource": True, "acknowledge_hours": 2}}) == (
        JeopardyPolicy(acknowledge_hours=2, auto_resource=True)
    )
    assert DEFAULT.pick_window == timedelta(minutes=120)
    assert jeopardy_errors({"jeopardy": {"enabled": False, "first_scan_hours": 720}}) == []
    assert jeopardy_errors({"jeopardy": {"pick_window_minutes": 0}}) == []
    assert jeopardy_errors({"jeopardy": {"pick_window_minutes": 1440}}) == []
    assert jeopardy_errors({"release": "manual"}) == []


@pytest.mark.parametrize(
    ("value", "fields"),
    [
        ("often", ["settings.jeopardy"]),
        ({"acknowledge_hours": 0}, ["settings.jeopardy.acknowledge_hours"]),
        ({"acknowledge_hours": 721}, ["settings.jeopardy.acknowledge_hours"]),
        ({"first_scan_hours": True}, ["settings.jeopardy.first_scan_hours"]),
        ({"first_scan_hours": 2.5}, ["settings.jeopardy.first_scan_hours"]),
        ({"pick_window_minutes": -1}, ["settings.jeopardy.pick_window_minutes"]),
        ({"pick_window_minutes": 1441}, ["settings.jeopardy.pick_window_minutes"]),
        ({"pick_window_minutes": None}, ["settings.jeopardy.pick_window_minutes"]),
        ({"auto_resource": "yes"}, ["settings.jeopardy.auto_resource"]),
        ({"enabled": 1}, ["settings.jeopardy.enabled"]),
        ({"late_after": 3}, ["settings.jeopardy.late_after"]),
        (
            {"acknowledge_hours": -1, "auto_resource": 0},
            ["settings.jeopardy.auto_resource", "settings.jeopardy.acknowledge_hours"],
        ),
    ],
)
def test_a_jeopardy_setting_must_make_sense(value, fields):
    assert [e.field for e in jeopardy_errors({"jeopardy": value})] == fields
