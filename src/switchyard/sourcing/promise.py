"""Delivery promises: ship-by and delivery dates per shipment and per order.

A shipment leaves on its location's ship-by date (cut-off in local time, processing
days, holidays, handling days) and arrives after the carrier's transit days for its
distance zone, counted on the carrier's calendar. Backordered lines are promised from
the first incoming supply that covers them (a preorder: it ships when the supply is
``expected_at``, whenever it is ordered, so it has no cut-off to order within); pickups
get a ready time at the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from switchyard.sourcing.calendar import (
    BusinessCalendar,
    location_calendar,
    pickup_ready,
    ship_date,
)
from switchyard.sourcing.costs import CostModel
from switchyard.sourcing.geo import distance_km
from switchyard.sourcing.model import Decision, IncomingSupply, Location, OrderRequest

DEFAULT_CARRIER = BusinessCalendar("UTC")  # delivers Monday to Friday


@dataclass(frozen=True, slots=True)
class ShipmentPromise:
    """``order_within``: time left to order for this ship-by date (before the cut-off);
    None for shipments ``from_supply``, which wait for stock ``expected_at``."""

    location_id: str
    ship_by: date
    deliver_by: date
    transit_days: int
    order_within: timedelta | None = None
    from_supply: bool = False
    expected_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class OrderPromise:
    """The order's promise: the latest shipment decides. ``deliver_by`` is None when
    some units have neither stock nor known incoming supply (listed in ``unpromised``).
    For pickup orders ``ready_at`` (local time at the store) is when the customer can
    collect everything, and ``deliver_by`` is its date; ``shipments`` are the transfers."""

    shipments: tuple[ShipmentPromise, ...]
    ship_by: date | None
    deliver_by: date | None
    ready_at: datetime | None = None
    unpromised: dict[str, int] = field(default_factory=dict)


def promise_shipment(
    location: Location,
    transit_days: int,
    ready_at: datetime,
    carrier: BusinessCalendar = DEFAULT_CARRIER,
    from_supply: bool = False,
) -> ShipmentPromise:
    """Ships from ``location`` with goods ready at ``ready_at``: the order time, or for
    ``from_supply`` when the supply arrives (then no cut-off applies to ordering)."""
    ship = ship_date(location, ready_at)
    deliver = carrier.add_working_days(ship.ship_by, transit_days)
    if from_supply:
        return ShipmentPromise(
            location.id, ship.ship_by, deliver, transit_days, None, True, ready_at
        )
    return ShipmentPromise(location.id, ship.ship_by, deliver, transit_days, ship.order_within)


def promise_order(
    decision: Decision,
    request: OrderRequest,
    locations: Sequence[Location],
    cost_model: CostModel,
    placed_at: datetime,
    carrier: BusinessCalendar = DEFAULT_CARRIER,
    supplies: Sequence[IncomingSupply] = (),
) -> OrderPromise:
    """Promise every shipment of ``decision``, and its unsourced units from ``supplies``."""
    by_id = {loc.id: loc for loc in locations}
    collect_at = request.pickup_location_id if request.delivery == "pickup" else None
    promises = [
        promise_shipment(by_id[s.location_id], s.transit_days, placed_at, carrier)
        for s in decision.shipments
        if s.location_id != collect_at
    ]
    unpromised: dict[str, int] = {}
    skus = {line.id: line.sku for line in request.lines}
    pool = sorted(supplies, key=lambda s: s.arrives_at)
    left = [s.quantity for s in pool]
    for line_id, qty in decision.unsourced.items():
        supply = _cover(pool, left, skus[line_id], qty)
        if supply is None:
            unpromised[line_id] = qty
            continue
        loc = by_id[supply.location_id]
        dest = _destination(request, by_id)
        zone = cost_model.zone_for(distance_km(loc.latitude, loc.longitude, *dest))
        ready = max(placed_at, supply.arrives_at)
        promises.append(promise_shipment(loc, zone.transit_days, ready, carrier, True))
    if unpromised:
        return OrderPromise(tuple(promises), None, None, None, unpromised)
    ready_at = _pickup(request, by_id, promises, placed_at)
    ship_by = max((p.ship_by for p in promises), default=None)
    deliver_by = max((p.deliver_by for p in promises), default=None)
    if ready_at is not None:
        deliver_by = ready_at.date()
    return OrderPromise(tuple(promises), ship_by, deliver_by, ready_at)


def _cover(
    pool: list[IncomingSupply], left: list[int], sku: str, qty: int
) -> IncomingSupply | None:
    """The earliest incoming supply of ``sku`` with ``qty`` units not yet promised."""
    for n, supply in enumerate(pool):
        if supply.sku == sku and left[n] >= qty:
            left[n] -= qty
            return supply
    return None


def _destination(request: OrderRequest, by_id: dict[str, Location]) -> tuple[float, float]:
    if request.delivery == "pickup" and request.pickup_location_id in by_id:
        store = by_id[request.pickup_location_id]
        return store.latitude, store.longitude
    return request.latitude, request.longitude


def _pickup(
    request: OrderRequest,
    by_id: dict[str, Location],
    promises: list[ShipmentPromise],
    placed_at: datetime,
) -> datetime | None:
    """Ready when the last transfer has arrived (at opening) and been prepared."""
    if request.delivery != "pickup" or request.pickup_location_id not in by_id:
        return None
    store = by_id[request.pickup_location_id]
    cal = location_calendar(store)
    start = placed_at
    for p in promises:
        start = max(start, cal.at(p.deliver_by, store.opens))
    return pickup_ready(store, start)


def promise_consolidated(
    decision: Decision,
    locations: Sequence[Location],
    placed_at: datetime,
    carrier: BusinessCalendar = DEFAULT_CARRIER,
) -> tuple[list[ShipmentPromise], ShipmentPromise]:
    """A consolidated decision's promise: each leg to the merge node (its ``deliver_by``
    is the arrival there), and the node's parcel, which leaves once the last leg is
    expected (from the node's opening that day) and arrives after the node's zone days."""
    c = decision.consolidation
    if c is None or not c.chosen:
        raise ValueError("the decision does not consolidate")
    by_id = {loc.id: loc for loc in locations}
    legs = [
        promise_shipment(by_id[g.location_id], g.transit_days, placed_at, carrier) for g in c.legs
    ]
    node = by_id[c.node_id]
    start = placed_at
    if legs:
        last = max(p.deliver_by for p in legs)
        opening = datetime.combine(last, node.opens, tzinfo=ZoneInfo(node.timezone))
        start = max(placed_at, opening)
    return legs, promise_shipment(node, c.final_transit_days, start, carrier)
