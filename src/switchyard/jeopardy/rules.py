"""Jeopardy rules: when an open fulfillment is at risk of missing its promise (pure).

Given a fulfillment's state, its promise, its location's calendar and cut-off, its
parcels' carrier scans and ``now``, ``assess`` names the risks (stable reason codes) and
the next moment something could become a risk. Every deadline is a moment on the
location's own clock (``sourcing.calendar``); a fulfillment is at risk **at or after**
its deadline.

* ``not_released_by_cutoff``: still ``created`` at the cut-off of the last processing
  day work may start on and still ship by ``ship_by`` (``ship_by`` less the location's
  handling days);
* ``not_acknowledged``: still ``released`` ``acknowledge_hours`` after ``released_at``;
* ``not_picked_by_deadline``: not picked ``pick_window_minutes`` after the cut-off on
  ``ship_by``;
* ``not_shipped_by_ship_by``: not shipped at the end of ``ship_by`` (local midnight);
* ``no_carrier_scan``: shipped with tracking, never scanned ``first_scan_hours`` after
  ``shipped_at``;
* ``not_ready_for_pickup``: click & collect or ship to store, not ready at the counter at
  ``ready_at``;
* ``late``: not delivered (or not ready to collect) at the end of ``deliver_by``.

Ship-by checks (release, pick, ship) apply to parcels that ship; a pickup from the store's
own shelf is watched by ``not_ready_for_pickup`` and ``late``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from switchyard.channels.jeopardy_policy import JeopardyPolicy
from switchyard.fulfillment.status import PICKUP
from switchyard.fulfillment.status import Status as S
from switchyard.sourcing.calendar import BusinessCalendar

NOT_RELEASED = "not_released_by_cutoff"
NOT_ACKNOWLEDGED = "not_acknowledged"
NOT_PICKED = "not_picked_by_deadline"
NOT_SHIPPED = "not_shipped_by_ship_by"
NO_SCAN = "no_carrier_scan"
NOT_READY = "not_ready_for_pickup"
LATE = "late"
# In the order a fulfillment meets them.
REASONS = (NOT_RELEASED, NOT_ACKNOWLEDGED, NOT_PICKED, NOT_SHIPPED, NO_SCAN, NOT_READY, LATE)
# Risks that moving the units elsewhere may cure (``auto_resource``), while nobody has
# started picking them.
RESOURCEABLE = frozenset({NOT_RELEASED, NOT_ACKNOWLEDGED, NOT_PICKED, NOT_SHIPPED})
MOVABLE = frozenset({S.CREATED, S.RELEASED, S.ACCEPTED})

_PICKED = frozenset(
    {S.PICKED, S.PACKED, S.SHIPPED, S.DELIVERED, S.AT_STORE, S.READY_FOR_PICKUP, S.PICKED_UP}
)
_SHIPPED = frozenset({S.SHIPPED, S.DELIVERED, S.AT_STORE, S.READY_FOR_PICKUP, S.PICKED_UP})
# The promise kept: delivered for a parcel, ready at the counter for a collection.
_KEPT_SHIP = frozenset({S.DELIVERED})
_KEPT_COLLECT = frozenset({S.READY_FOR_PICKUP, S.PICKED_UP})
_HORIZON = 400  # days searched back for a working day


@dataclass(frozen=True, slots=True)
class Site:
    """The location as the deadlines need it."""

    calendar: BusinessCalendar
    cutoff: time = time(14, 0)
    handling_days: int = 0


@dataclass(frozen=True, slots=True)
class Subject:
    """One fulfillment as the rules see it."""

    status: str
    delivery_method: str = "ship"
    to_store: bool = False  # ship to store: the customer collects it at a store
    ship_by: date | None = None
    deliver_by: date | None = None
    ready_at: datetime | None = None
    released_at: datetime | None = None
    shipped_at: datetime | None = None
    tracked_packages: int = 0  # packages with a tracking number
    last_scan_at: datetime | None = None  # the latest carrier scan of any of them

    @property
    def collected(self) -> bool:
        """The customer collects it at a store (from its shelf, or shipped there)."""
        return self.delivery_method == PICKUP or self.to_store

    @property
    def done(self) -> bool:
        """Nothing about it can miss the promise any more (kept, or cancelled)."""
        kept = _KEPT_COLLECT if self.collected else _KEPT_SHIP
        return self.status == S.CANCELLED or self.status in kept


@dataclass(frozen=True, slots=True)
class Risk:
    reason: str
    due_at: datetime  # the deadline that passed


@dataclass(frozen=True, slots=True)
class Assessment:
    risks: tuple[Risk, ...]
    next_check_at: datetime | None  # the next deadline still ahead (None: none)
    done: bool  # nothing left to watch

    @property
    def reasons(self) -> frozenset[str]:
        return frozenset(r.reason for r in self.risks)


def last_working_day(calendar: BusinessCalendar, day: date) -> date:
    """``day`` itself if it is a working day, else the working day before it."""
    for _ in range(_HORIZON):
        if calendar.is_working_day(day):
            return day
        day -= timedelta(days=1)
    raise ValueError("the calendar has no working day within a year")


def start_day(site: Site, ship_by: date) -> date:
    """The last processing day work may start on and still ship by ``ship_by``: the
    location needs ``handling_days`` working days (``sourcing.calendar.ship_date``)."""
    day = last_working_day(site.calendar, ship_by)
    for _ in range(site.handling_days):
        day = last_working_day(site.calendar, day - timedelta(days=1))
    return day


def end_of(calendar: BusinessCalendar, day: date) -> datetime:
    """Midnight at the end of ``day`` on the calendar's clock."""
    return calendar.at(day + timedelta(days=1), time(0, 0))


def deadlines(subject: Subject, site: Site, policy: JeopardyPolicy) -> dict[str, datetime]:
    """Every check that applies to the fulfillment as it stands, with its deadline."""
    if subject.done:
        return {}
    cal, status = site.calendar, subject.status
    found: dict[str, datetime] = {}
    if subject.delivery_method != PICKUP and subject.ship_by is not None:
        if status == S.CREATED:
            found[NOT_RELEASED] = cal.at(start_day(site, subject.ship_by), site.cutoff)
        if status not in _PICKED:
            cutoff = cal.at(last_working_day(cal, subject.ship_by), site.cutoff)
            found[NOT_PICKED] = cutoff + policy.pick_window
        if status not in _SHIPPED:
            found[NOT_SHIPPED] = end_of(cal, subject.ship_by)
    if status == S.RELEASED and subject.released_at is not None:
        found[NOT_ACKNOWLEDGED] = subject.released_at + policy.acknowledge_within
    if (
        status == S.SHIPPED
        and subject.shipped_at is not None
        and subject.tracked_packages > 0
        and subject.last_scan_at is None
    ):
        found[NO_SCAN] = subject.shipped_at + policy.first_scan_within
    if subject.collected and subject.ready_at is not None:
        found[NOT_READY] = subject.ready_at
    if subject.deliver_by is not None:
        found[LATE] = end_of(cal, subject.deliver_by)
    return found


def assess(subject: Subject, site: Site, policy: JeopardyPolicy, now: datetime) -> Assessment:
    """The risks of the fulfillment at ``now`` and when to look again."""
    due = deadlines(subject, site, policy)
    risks = tuple(Risk(r, due[r]) for r in REASONS if r in due and now >= due[r])
    ahead = [moment for moment in due.values() if moment > now]
    return Assessment(risks, min(ahead, default=None), subject.done)
