"""Delivery promises of placed orders: per fulfillment, and per order.

A decision's promise (``decision_promise``) is stored with it. When the fulfillments it
leads to are created in the same transaction, ``on_fulfillment_created`` gives each its
fulfilment type (ship from warehouse or store, drop-ship, pickup in store, ship to store)
and dates; a fulfillment created later (stock arrived for a backorder) is promised from
that moment. The order's promise is the latest of its open fulfillments' and backorders'.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment.service import delivery_for
from switchyard.kernel.clock import utcnow
from switchyard.kernel.events import DomainEvent
from switchyard.locations.repository import LocationRepository
from switchyard.orders.domain import Order
from switchyard.orders.repository import OrderRepository
from switchyard.placement.in_flight import InFlight
from switchyard.sourcing import adapter
from switchyard.sourcing.geo import distance_km
from switchyard.sourcing.model import IncomingSupply, Location
from switchyard.sourcing.promise import promise_consolidated, promise_order, promise_shipment
from switchyard.sourcing.repository import SourcingRepository

if TYPE_CHECKING:
    from switchyard.placement.decisions import Sourced

KINDS = {
    "warehouse": "ship_from_warehouse",
    "3pl": "ship_from_warehouse",
    "store": "ship_from_store",
    "dropship": "dropship",
}


def kind_of(location: Location | dict[str, Any], pickup_location_id: str | None) -> str:
    loc_id = location.id if isinstance(location, Location) else location["id"]
    loc_type = location.type if isinstance(location, Location) else location["type"]
    if pickup_location_id is not None:
        return "pickup_in_store" if loc_id == pickup_location_id else "ship_to_store"
    return KINDS.get(loc_type, "ship_from_warehouse")


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def decision_promise(
    sourced: Sourced, supplies: Sequence[IncomingSupply], extra: Sequence[Location] = ()
) -> dict[str, Any]:
    """The promise of a decision, as JSON: per fulfilment, for backorders, for the order."""
    request, decision = sourced.request, sourced.decision
    locations = [*sourced.locations, *extra]
    try:
        promise = promise_order(
            decision, request, locations, sourced.setup.cost_model, sourced.now, supplies=supplies
        )
    except ValueError as exc:  # a calendar with no working day or opening long enough
        return {"fulfilments": [], "backorders": [], "unpromised": {}, "error": str(exc)}
    if decision.merge_node_id is not None:
        return _consolidated_promise(sourced, locations, promise.unpromised)
    by_loc = {p.location_id: p for p in promise.shipments if not p.from_supply}
    kinds = {loc.id: kind_of(loc, request.pickup_location_id) for loc in locations}
    fulfilments = []
    for s in decision.shipments:
        kind = kinds[s.location_id]
        p = by_loc.get(s.location_id)
        # The pickup time includes the transfer for a ship to store, too.
        ready = promise.ready_at if kind in ("pickup_in_store", "ship_to_store") else None
        within = p.order_within if p else None
        fulfilments.append(
            {
                "location_id": s.location_id,
                "location_code": s.location_code,
                "kind": kind,
                "ship_to_location_id": request.pickup_location_id
                if kind == "ship_to_store"
                else None,
                "ship_by": _iso(p.ship_by if p else None),
                "deliver_by": _iso(ready.date() if ready else p.deliver_by if p else None),
                "ready_at": _iso(ready),
                "order_within_minutes": int(within.total_seconds() // 60) if within else None,
                "cost": str(s.cost),
            }
        )
    return {
        "ship_by": _iso(promise.ship_by),
        "deliver_by": _iso(promise.deliver_by),
        "ready_at": _iso(promise.ready_at),
        "unpromised": dict(promise.unpromised),
        "fulfilments": fulfilments,
        "backorders": [
            {
                "location_id": p.location_id,
                "ship_by": _iso(p.ship_by),
                "deliver_by": _iso(p.deliver_by),
            }
            for p in promise.shipments
            if p.from_supply
        ],
    }


def _consolidated_promise(
    sourced: Sourced, locations: Sequence[Location], unpromised: dict[str, int]
) -> dict[str, Any]:
    """Legs arrive at the merge node; its parcel leaves after the last of them."""
    decision = sourced.decision
    c = decision.consolidation
    assert c is not None
    try:
        legs, final = promise_consolidated(decision, locations, sourced.now)
    except ValueError as exc:
        return {"fulfilments": [], "backorders": [], "unpromised": {}, "error": str(exc)}
    node = next(loc for loc in locations if loc.id == c.node_id)
    fulfilments: list[dict[str, Any]] = []
    for g, p in zip(c.legs, legs, strict=True):
        fulfilments.append(
            {
                "location_id": g.location_id,
                "location_code": g.location_code,
                "kind": "merge_leg",
                "ship_to_location_id": c.node_id,
                "ship_by": _iso(p.ship_by),
                "deliver_by": _iso(p.deliver_by),  # at the merge node
                "ready_at": None,
                "order_within_minutes": None,
                "cost": str(g.cost),
            }
        )
    within = final.order_within if not legs else None
    fulfilments.append(
        {
            "location_id": c.node_id,
            "location_code": c.node_code,
            "kind": kind_of(node, None),
            "ship_to_location_id": None,
            "ship_by": _iso(final.ship_by),
            "deliver_by": _iso(final.deliver_by),
            "ready_at": None,
            "order_within_minutes": int(within.total_seconds() // 60) if within else None,
            "cost": str(c.final_cost),
            "legs_expected_by": _iso(max((p.deliver_by for p in legs), default=None)),
        }
    )
    return {
        "ship_by": _iso(final.ship_by),
        "deliver_by": _iso(final.deliver_by),
        "ready_at": None,
        "unpromised": dict(unpromised),
        "fulfilments": fulfilments,
        "backorders": [],
        "merge_node_id": c.node_id,
    }


def fulfilment_terms(
    uow: UnitOfWork, order: Order, location_id: str
) -> tuple[str, date | None, str | None]:
    """How a fulfillment at ``location_id`` delivers (``pickup`` at the pickup store, else
    ``ship``), the date it promises, and for a ship to store (a pickup order sourced
    elsewhere) the store the parcel goes to."""
    method, to_store = delivery_for(order, location_id)
    _, promise = uow.state(InFlight).decisions.get(order.id, ("", {}))
    entry = _entry(promise, location_id)
    deliver_by = entry.get("deliver_by") if entry else None
    return method, date.fromisoformat(deliver_by) if deliver_by else None, to_store


def _entry(promise: dict[str, Any], location_id: str) -> dict[str, Any] | None:
    return next(
        (e for e in promise.get("fulfilments", []) if e["location_id"] == location_id), None
    )


def on_fulfillment_created(uow: UnitOfWork, event: DomainEvent) -> None:
    order_id, location_id = event.order_id, event.data.get("location_id")
    if order_id is None or location_id is None:
        return
    repo = uow.repo(SourcingRepository)
    decision_id, found = uow.state(InFlight).decisions.get(order_id, (None, {}))
    promise: dict[str, Any] | None = found
    entry = _entry(found, location_id)
    if entry is None:
        decision_id, promise, entry = None, None, _fresh_entry(uow, order_id, location_id)
    if entry is None:
        return
    row = {
        "fulfillment_id": event.aggregate_id,
        "order_id": order_id,
        "decision_id": decision_id,
        "location_id": location_id,
        "kind": entry["kind"],
        "ship_to_location_id": entry.get("ship_to_location_id"),
        "ship_by": _date(entry.get("ship_by")),
        "deliver_by": _date(entry.get("deliver_by")),
        "ready_at": datetime.fromisoformat(entry["ready_at"]) if entry.get("ready_at") else None,
        "created_at": utcnow(),
    }
    repo.add_fulfillment_promise(row)
    known = uow.state(InFlight).new_orders.get(order_id)
    if known is not None:
        known.append({**row, "status": event.data.get("status", "created")})
    refresh_order_promise(uow, order_id, promise)


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _fresh_entry(uow: UnitOfWork, order_id: str, location_id: str) -> dict[str, Any] | None:
    """A promise for a fulfillment no decision of this transaction planned (stock that
    arrived for a backorder, units made to order): ship from now (or from when
    production finishes), carrier days by the distance."""
    order = uow.repo(OrderRepository).get(order_id)
    row = uow.repo(LocationRepository).get(location_id)
    if order is None or row is None:
        return None
    settings = uow.repo(SourcingRepository).location_settings([location_id])
    loc = adapter.to_location(row, settings.get(location_id), 0, with_capacity=False)
    if loc is None:
        return None
    pickup = order.pickup_location_id if order.delivery_method == "pickup" else None
    kind = kind_of(loc, pickup)
    latest = uow.repo(SourcingRepository).latest_decision(order_id)
    # Made-to-order units leave once produced: their promise starts then.
    start = uow.state(InFlight).ready_from.get((order_id, location_id)) or utcnow()
    if kind == "pickup_in_store":
        return {"kind": kind, "ship_to_location_id": None}
    if latest is not None:
        lat, lon = latest["destination"]["latitude"], latest["destination"]["longitude"]
    else:  # no sourcing decision (made to order): where the address is
        point = adapter.place_address(uow, order.shipping_address)
        if point is None:
            return {"kind": kind, "ship_to_location_id": None}
        lat, lon = point.latitude, point.longitude
    setup = adapter.channel_setup(uow, order.channel_id)
    km = distance_km(loc.latitude, loc.longitude, lat, lon)
    try:
        p = promise_shipment(loc, setup.cost_model.zone_for(km).transit_days, start)
    except ValueError:
        return {"kind": kind, "ship_to_location_id": pickup}
    return {
        "kind": kind,
        "ship_to_location_id": pickup if kind == "ship_to_store" else None,
        "ship_by": p.ship_by.isoformat(),
        "deliver_by": p.deliver_by.isoformat(),
    }


def refresh_order_promise(
    uow: UnitOfWork, order_id: str, latest: dict[str, Any] | None = None
) -> None:
    """The order's promise: the latest date over its live fulfillments and backorders."""
    repo = uow.repo(SourcingRepository)
    if latest is None:
        row = repo.latest_decision(order_id)
        latest = row["promise"] if row else {}
    known = uow.state(InFlight).new_orders.get(order_id)
    rows = known if known is not None else repo.fulfillment_promises(order_id)
    live = [r for r in rows if r["status"] != "cancelled"]
    back = [(_date(b["ship_by"]), _date(b["deliver_by"])) for b in latest.get("backorders", [])]
    ship = [d for d in [*(r["ship_by"] for r in live), *(s for s, _ in back)] if d]
    deliver = [d for d in [*(r["deliver_by"] for r in live), *(d for _, d in back)] if d]
    ready = [r["ready_at"] for r in live if r["ready_at"]]
    unpromised = latest.get("unpromised", {})
    repo.put_order_promise(
        {
            "order_id": order_id,
            "ship_by": max(ship, default=None),
            "deliver_by": None if unpromised else max(deliver, default=None),
            "ready_at": max(ready, default=None),
            "unpromised": unpromised,
            "updated_at": utcnow(),
        }
    )
