"""Sourcing an order's units in a use case: decide with the channel's profile, then log.

``decide`` reads the database (profile, network, stock) and asks the engine; it changes
nothing. ``record`` stores the decision with its log, destination and promise once the
caller has reserved the stock. ``placement.allocation.allocate`` calls both.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from switchyard.db.uow import UnitOfWork
from switchyard.kernel.clock import utcnow
from switchyard.kernel.ids import new_id
from switchyard.orders.domain import Order
from switchyard.orders.repository import OrderRepository
from switchyard.placement.in_flight import InFlight
from switchyard.placement.promising import decision_promise, refresh_order_promise
from switchyard.sourcing import adapter
from switchyard.sourcing.engine import source_order
from switchyard.sourcing.filters import failed_filters
from switchyard.sourcing.geo import distance_km
from switchyard.sourcing.ledger import Ledger
from switchyard.sourcing.model import Decision, Location, OrderLine, OrderRequest
from switchyard.sourcing.repository import SourcingRepository
from switchyard.sourcing.ship_together import kits_of


def new_order(uow: UnitOfWork, order_id: str) -> None:
    """Say that ``order_id`` is being created in this unit of work (no decisions yet)."""
    uow.state(InFlight).start_order(order_id)


@contextmanager
def caused_by(uow: UnitOfWork, cause: str) -> Iterator[None]:
    """Decisions recorded inside this block carry ``cause`` in the log."""
    state = uow.state(InFlight)
    before, state.cause = state.cause, cause
    try:
        yield
    finally:
        state.cause = before


@dataclass(slots=True)
class Sourced:
    """A decision and everything it was made from."""

    setup: adapter.Setup
    request: OrderRequest
    locations: list[Location]
    decision: Decision
    destination: dict[str, Any]
    now: datetime


def decide(
    uow: UnitOfWork,
    order_id: str,
    channel_id: str,
    lines: Sequence[tuple[str, str, int]],
    *,
    order: Order | None = None,
    only: Iterable[str] | None = None,
    exclude: Iterable[str] = (),
    now: datetime | None = None,
    bundles: Sequence[tuple[str, ...]] = (),
    consolidate: bool = False,
) -> Sourced:
    """Source ``lines`` (order line id, SKU id, quantity) of an order; nothing changes.
    ``bundles``: groups of those lines that must come from one location (kits).
    ``consolidate``: the decision may consolidate at a merge node of the profile (else
    the comparison is only logged)."""
    now = now or utcnow()
    if order is None:
        order = uow.repo(OrderRepository).get(order_id)
    setup = adapter.channel_setup(uow, channel_id)
    pickup = order.pickup_location_id if order and order.delivery_method == "pickup" else None
    sku_ids = [sku for _, sku, _ in lines]
    levels = adapter.stock_levels(uow, sku_ids, channel_id, now)
    stocked = {level.location_id for level in levels}
    if pickup and not setup.pickup_transfers:
        only = [pickup]
    wanted = stocked if only is None else stocked & set(only)
    # Merge nodes are costed even without stock (the decision log compares them).
    also = [pickup] if pickup else list(setup.profile.merge_nodes)
    locations = adapter.network(uow, channel_id, now, only=wanted, also=also, scoped=True)
    ledger = Ledger.from_levels(levels, locations, respect_safety_stock=True)
    request, destination = request_for(
        uow, order_id, channel_id, lines, order=order, locations=locations, exclude=exclude,
        now=now, bundles=bundles,
    )  # fmt: skip
    decision = source_order(
        request, locations, ledger, setup.profile, setup.cost_model, consolidation=consolidate
    )
    return Sourced(setup, request, locations, decision, destination, now)


def waiting_locations(uow: UnitOfWork, sourced: Sourced, candidates: Iterable[str]) -> list[str]:
    """Of ``candidates``, the locations where units the engine left unsourced may wait:
    those that pass every filter of the profile except today's capacity (a backorder
    waits for stock or a later day, never at a location the profile rules out)."""
    locations = adapter.network(
        uow, sourced.setup.channel_id, sourced.now, only=list(candidates), with_capacity=False
    )
    ledger = Ledger.from_levels([], locations, respect_safety_stock=True)
    request, profile = sourced.request, sourced.setup.profile
    allowed = []
    for loc in locations:
        km = distance_km(loc.latitude, loc.longitude, request.latitude, request.longitude)
        failed = failed_filters(loc, request, profile, km, ledger)
        if all(f["filter"] == "capacity" for f in failed):
            allowed.append(loc.id)
    return sorted(allowed)


def request_for(
    uow: UnitOfWork,
    order_id: str,
    channel_id: str,
    lines: Sequence[tuple[str, str, int]],
    *,
    order: Order | None,
    locations: list[Location],
    exclude: Iterable[str] = (),
    now: datetime,
    bundles: Sequence[tuple[str, ...]] = (),
) -> tuple[OrderRequest, dict[str, Any]]:
    """The engine's request for these lines of an order, and where it goes."""
    pickup = order.pickup_location_id if order and order.delivery_method == "pickup" else None
    destination, (lat, lon) = _destination(uow, order, pickup, locations)
    weights = adapter.weights(uow, [sku for _, sku, _ in lines])
    by_id = {ln.id: ln for ln in order.lines} if order else {}
    described = [
        (line_id, by_id[line_id].sku if line_id in by_id else sku,
         str(by_id[line_id].line_no) if line_id in by_id else "", qty)
        for line_id, sku, qty in lines
    ]  # fmt: skip
    request = OrderRequest(
        id=order_id,
        lines=tuple(
            OrderLine(lid, sku, qty, weights.get(sku, Decimal(0))) for lid, sku, qty in lines
        ),
        latitude=lat,
        longitude=lon,
        country=str((order.shipping_address or {}).get("country_code", "")) if order else "",
        channel_id=channel_id,
        delivery="pickup" if pickup else "ship",
        pickup_location_id=pickup,
        kits=kits_of(order.attributes if order else {}, described),
        bundles=tuple(bundles),
        excluded_location_ids=frozenset(exclude),
        placed_at=now,
    )
    return request, destination


def _destination(
    uow: UnitOfWork, order: Order | None, pickup: str | None, locations: list[Location]
) -> tuple[dict[str, Any], tuple[float, float]]:
    if pickup:
        store = next((loc for loc in locations if loc.id == pickup), None)
        if store is not None:
            where = {"basis": "pickup_location", "pickup_location_id": pickup}
            return where | {"latitude": store.latitude, "longitude": store.longitude}, (
                store.latitude,
                store.longitude,
            )
    address = order.shipping_address if order else {}
    point = adapter.place_address(uow, address) or adapter.centre_of(locations)
    shown = {k: address.get(k) for k in ("country_code", "postal_code", "city")} if address else {}
    return point.as_dict() | shown, (point.latitude, point.longitude)


def record(uow: UnitOfWork, sourced: Sourced, *, cause: str | None = None) -> str:
    """Store the decision (log, destination, promise); returns its id."""
    repo = uow.repo(SourcingRepository)
    decision, request = sourced.decision, sourced.request
    state = uow.state(InFlight)
    seqs = state.last_seq
    seq = seqs[request.id] + 1 if request.id in seqs else repo.next_seq(request.id)
    cause = cause or state.cause
    if cause is None:
        first = seq == 1
        cause = (
            "excluded" if request.excluded_location_ids else "placement" if first else "follow_up"
        )
    supplies, extra = [], []
    if decision.unsourced:
        supplies = adapter.supplies(uow, [ln.sku for ln in request.lines], request.channel_id or "")
        known = {loc.id for loc in sourced.locations}
        missing = {s.location_id for s in supplies} - known
        if missing:
            extra = adapter.network(
                uow,
                sourced.setup.channel_id,
                sourced.now,
                only=missing,
                with_capacity=False,
                scoped=True,
            )
        placed = known | {loc.id for loc in extra}
        supplies = [s for s in supplies if s.location_id in placed]
    promise = decision_promise(sourced, supplies, extra)
    decision_id = new_id("sdc")
    repo.add_decision(
        {
            "id": decision_id,
            "order_id": request.id,
            "seq": seq,
            "channel_id": sourced.setup.channel_id,
            "profile_id": sourced.setup.profile_row_id,
            "profile_version": sourced.setup.profile.version,
            "cause": cause,
            "strategy": decision.strategy,
            "status": decision.status,
            "total_cost": decision.total_cost,
            "currency": decision.currency,
            "destination": sourced.destination,
            "decision": decision.as_dict(),
            "promise": promise,
            "created_at": sourced.now,
        }
    )
    if request.id in seqs:
        seqs[request.id] = seq
    state.decisions[request.id] = (decision_id, promise)
    if not decision.shipments:
        refresh_order_promise(uow, request.id, promise)
    return decision_id
