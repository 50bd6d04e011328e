"""Automatic re-sourcing of an at-risk fulfillment (channel setting
``jeopardy.auto_resource``).

A fulfillment nobody has started picking (``created``, ``released``, ``accepted``) whose
location will not make the ship date is moved only if another location still delivers
by the date promised: the channel's profile sources its units without the late location
(and without those excluded for the lines) in a trial that changes nothing, and every
shipment of that trial must be promised by the fulfillment's ``deliver_by``. Then the
fulfillment is cancelled (reason ``jeopardy``: the location hears
``fulfillment.cancelled``), its reservations released and its units sourced again
(``placement.resourcing.resource_lines`` without the late location). The caller holds the
order's row lock; the fulfillment is read after it, so a second worker finds it
cancelled and moves nothing.

Not moved: orders on hold or waiting for payment (another location would wait as well),
kit lines (sourced as components), fulfillments without a promised date, a parcel its own
location still delivers by the date when it ships at its next chance (slack over a
weekend), and units moved this way once already (a person decides the next move: no
ping-pong between two slow locations).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment.effects import kit_lines, release_at, unallocate
from switchyard.fulfillment.repository import FulfillmentRepository
from switchyard.fulfillment.service import persist
from switchyard.fulfillment.status import CONSOLIDATED, MERGE_LEG, SHIP
from switchyard.jeopardy.rules import MOVABLE
from switchyard.orders.master_data import channel
from switchyard.orders.repository import OrderRepository
from switchyard.payments.service import release_needs_payment
from switchyard.placement import decisions, exclusions
from switchyard.placement.promising import decision_promise
from switchyard.placement.resourcing import resource_lines
from switchyard.sourcing import adapter
from switchyard.sourcing.geo import distance_km
from switchyard.sourcing.promise import promise_shipment

CANCEL_REASON = "jeopardy"


@dataclass(frozen=True, slots=True)
class Outcome:
    # moved | not_movable | order_on_hold | payment_required | no_promise | kit_lines |
    # consolidated (a merge leg or the merge node's parcel: they move together or not) |
    # moved_before | location_still_makes_the_date | no_location_makes_the_date
    outcome: str
    to: list[dict[str, Any]] = field(default_factory=list)  # {fulfillment_id, location_id}

    @property
    def moved(self) -> bool:
        return self.outcome == "moved"


def move(
    uow: UnitOfWork, order_id: str, fulfillment_id: str, deliver_by: date | None, now: datetime
) -> Outcome:
    """Move the fulfillment's units to locations that deliver by ``deliver_by``, if any."""
    order = uow.repo(OrderRepository).get(order_id, lock=True)
    repo = uow.repo(FulfillmentRepository)
    f = repo.get(fulfillment_id)
    if order is None or f is None or f.status not in MOVABLE:
        return Outcome("not_movable")
    if order.on_hold:
        return Outcome("order_on_hold")
    settings = (channel(uow, order.channel_id) or {}).get("settings") or {}
    if release_needs_payment(uow, order.id, settings):
        return Outcome("payment_required")
    if deliver_by is None:
        return Outcome("no_promise")
    if kit_lines(uow, f):
        return Outcome("kit_lines")
    if f.purpose in (MERGE_LEG, CONSOLIDATED):
        return Outcome("consolidated")
    quantities = f.quantities()
    if not quantities:
        return Outcome("not_movable")
    lines = [(lid, order.line(lid).sku_id, qty) for lid, qty in sorted(quantities.items())]
    if _moved_before(uow, order.id, set(quantities)):
        return Outcome("moved_before")
    banned = {f.location_id} | exclusions.excluded_for(uow, order, list(quantities))
    trial = decisions.decide(
        uow, order.id, order.channel_id, lines, order=order, exclude=banned, now=now
    )
    if f.delivery_method == SHIP and _still_keeps(uow, trial, f.location_id, deliver_by, now):
        return Outcome("location_still_makes_the_date")
    promised = decision_promise(trial, [])["fulfilments"]
    if (
        trial.decision.unsourced
        or not promised
        or any(not p["deliver_by"] or date.fromisoformat(p["deliver_by"]) > deliver_by
               for p in promised)
    ):  # fmt: skip
        return Outcome("no_location_makes_the_date")
    before = _live(uow, order.id)
    f.cancel(CANCEL_REASON, note="at risk of missing its promise: sourced elsewhere")
    persist(uow, order, f)
    release_at(uow, f.location_id, quantities)
    for line_id, qty in sorted(quantities.items()):
        unallocate(order.line(line_id), qty)
    resource_lines(uow, order, quantities, [f.location_id], cause=CANCEL_REASON)
    after = _live(uow, order.id)
    to = [
        {"fulfillment_id": fid, "location_id": loc}
        for fid, (loc, held) in sorted(after.items())
        if fid not in before or held != before[fid][1]
    ]
    return Outcome("moved", to)


def _moved_before(uow: UnitOfWork, order_id: str, line_ids: set[str]) -> bool:
    """Were any of these lines in a fulfillment moved away at risk before?"""
    return any(
        f.cancel_reason == CANCEL_REASON and {ln.order_line_id for ln in f.lines} & line_ids
        for f in uow.repo(FulfillmentRepository).for_order(order_id)
    )


def _still_keeps(
    uow: UnitOfWork, trial: decisions.Sourced, location_id: str, deliver_by: date, now: datetime
) -> bool:
    """Does the late location itself still deliver by ``deliver_by`` if the parcel leaves
    at its next chance (its next processing day before the cut-off, from ``now``)?"""
    found = adapter.network(
        uow, trial.setup.channel_id, now, only=[location_id], with_capacity=False, scoped=True
    )
    late = next((loc for loc in found if loc.id == location_id), None)
    if late is None:
        return False
    request = trial.request
    km = distance_km(late.latitude, late.longitude, request.latitude, request.longitude)
    try:
        promise = promise_shipment(late, trial.setup.cost_model.zone_for(km).transit_days, now)
    except ValueError:  # no working day
        return False
    return promise.deliver_by <= deliver_by


def _live(uow: UnitOfWork, order_id: str) -> dict[str, tuple[str, dict[str, int]]]:
    """The order's fulfillments that are not cancelled: id -> (location, units per line)."""
    return {
        f.id: (f.location_id, f.quantities())
        for f in uow.repo(FulfillmentRepository).for_order(order_id)
        if f.status != "cancelled"
    }
