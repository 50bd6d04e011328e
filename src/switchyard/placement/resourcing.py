"""Sourcing placed orders again: units a location handed back, and backorders whose
stock arrived elsewhere.

They never commit. Units that cannot be sourced again are never dropped: they wait as
backorders where the channel's policy allows, else the order is held with a
``sourcing`` hold for a person to decide (the exception queue).
"""

from __future__ import annotations

from typing import Any

from switchyard.db import pending_writes
from switchyard.db.uow import UnitOfWork
from switchyard.inventory import service as inventory
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import Conflict, not_found
from switchyard.kernel.events import DomainEvent
from switchyard.kernel.ids import new_id
from switchyard.orders.domain import Order, OrderLine
from switchyard.orders.hold_repository import HoldRepository
from switchyard.orders.holds_domain import Hold
from switchyard.orders.repository import OrderRepository
from switchyard.placement import allocation, decisions, exclusions, stock
from switchyard.sourcing.repository import SourcingRepository

HOLD_TYPE = "sourcing"
WAITING_BATCH = 50


def resource_lines(
    uow: UnitOfWork,
    order: Order | str,
    line_quantities: dict[str, int],
    exclude_location_ids: list[str],
    *,
    cause: str = "handed_back",
) -> Order:
    """Source again units that are unallocated (a location rejected or short-picked them,
    or an amendment freed them), never at ``exclude_location_ids``; reserve, create the
    fulfillments and log the decision. Pass the order (locked, as fulfilment does) or its
    id (it is then loaded and locked)."""
    if isinstance(order, str):
        found = uow.repo(OrderRepository).get(order, lock=True)
        if found is None:
            raise not_found("order", order)
        order = found
    lines = [order.line(line_id) for line_id in sorted(line_quantities)]
    status_before = order.status
    mark = len(uow.events)
    with decisions.caused_by(uow, "excluded" if exclude_location_ids else cause):
        try:
            with uow.conn.begin_nested():
                placed = stock.allocate_lines(uow, order, lines, exclude=exclude_location_ids)
                pending_writes.flush(uow.conn)  # its rows' errors belong to the savepoint
        except Conflict as exc:
            if exc.code not in ("insufficient_stock", "insufficient_supply"):
                raise
            del uow.events[mark:]
            placed = _what_there_is(uow, order, lines, exclude_location_ids)
    left = {ln.id: ln.unallocated for ln in lines if ln.unallocated > 0}
    if left:
        _hold(uow, order, left, exclude_location_ids)
    order.updated_at = utcnow()
    uow.repo(OrderRepository).save(order)
    if order.status != status_before:
        uow.emit(order.status_changed(status_before, cause))
    stock.record(uow, order, placed, cause=cause)
    return order


def _what_there_is(
    uow: UnitOfWork, order: Order, lines: list[OrderLine], exclude: list[str]
) -> stock.Placement:
    """The channel denies backorders: reserve what the profile can source now."""
    index = {ln.id: i for i, ln in enumerate(order.lines)}
    demands = [
        allocation.Demand(index[ln.id], ln.id, ln.sku_id, ln.unallocated)
        for ln in lines
        if ln.unallocated > 0
    ]
    banned = set(exclude) | exclusions.excluded_for(uow, order, [d.line_id for d in demands])
    found = allocation.allocate(
        uow, order.id, order.channel_id, demands, order=order, exclude=banned, partial=True
    )
    for a in found:
        order.line(a.line_id).allocate(a.quantity)
    return stock.Placement(found)


def _hold(uow: UnitOfWork, order: Order, left: dict[str, int], exclude: list[str]) -> None:
    """Units no location can take now: hold the order for a person (exception queue)."""
    now = utcnow()
    units = ", ".join(f"{order.line(lid).sku} x{qty}" for lid, qty in sorted(left.items()))
    reason = f"no location can fulfil {units}; excluded: {', '.join(exclude) or 'none'}"
    hold = Hold(
        new_id("hld"),
        order.id,
        HOLD_TYPE,
        "sourcing",
        reason,
        [{"code": "unsourced", "lines": left, "excluded_locations": exclude}],
        now,
        uow.actor.name,
    )
    uow.repo(HoldRepository).add([hold])
    order.held_since = order.held_since or now
    uow.emit(order.event("order.unsourced", {"lines": left, "excluded_locations": exclude}))
    uow.emit(order.event("order.held", {"cause": "sourcing", "holds": [hold.summary()]}))


def resource_waiting(uow: UnitOfWork, event: DomainEvent) -> None:
    """Stock arrived at a location while units of the SKU wait (backordered) at others:
    those orders are sourced again, oldest first, with the arrival as a candidate."""
    data = event.data
    if data.get("available", 0) <= 0 or data.get("cause") not in ARRIVALS:
        return
    sku_id, location_id = data["sku_id"], data["location_id"]
    waiting = uow.repo(SourcingRepository).waiting_elsewhere(sku_id, location_id, WAITING_BATCH)
    for order_id in dict.fromkeys(r["order_id"] for r in waiting):
        if not _free(uow, sku_id, location_id):
            return
        order = uow.repo(OrderRepository).get(order_id, lock=True)
        if order is None:
            continue
        rows = [r for r in waiting if r["order_id"] == order_id]
        _move_waiting(uow, order, rows)


def resource_backorders(uow: UnitOfWork, *, limit: int = WAITING_BATCH) -> int:
    """The worker's sweep: orders whose backordered units could be served from stock that
    is available now somewhere (a location's capacity freed for a new day, or stock the
    profile did not allow before) are sourced again if the profile can now source all of
    their waiting units. Returns how many orders moved."""
    waiting = uow.repo(SourcingRepository).waiting_with_stock(limit)
    moved = 0
    for order_id in dict.fromkeys(r["order_id"] for r in waiting):
        order = uow.repo(OrderRepository).get(order_id, lock=True)
        if order is None or order.on_hold:
            continue
        rows = [r for r in waiting if r["order_id"] == order_id]
        moved += _move_waiting(uow, order, rows)
    return moved


# Causes of ``inventory.changed`` that bring units in (a count or adjustment may, too).
ARRIVALS = frozenset({"receipt", "return", "transfer_in", "adjustment", "cycle_count"})


def _free(uow: UnitOfWork, sku_id: str, location_id: str) -> bool:
    return inventory.available(uow, [sku_id], [location_id]).get((sku_id, location_id), 0) > 0


def _move_waiting(uow: UnitOfWork, order: Order, rows: list[dict[str, Any]]) -> int:
    """If the profile can now source all of these waiting units, release their waiting
    reservations and source them (1); otherwise they keep their place in the queue (0)."""
    quantities: dict[str, int] = {}
    for r in rows:
        quantities[r["order_line_id"]] = quantities.get(r["order_line_id"], 0) + r["quantity"]
    lines = [(lid, order.line(lid).sku_id, qty) for lid, qty in sorted(quantities.items())]
    trial = decisions.decide(uow, order.id, order.channel_id, lines, order=order)
    if trial.decision.unsourced:
        return 0
    inventory.release(uow, [r["id"] for r in rows])
    for line_id, qty in quantities.items():
        line = order.line(line_id)
        line.qty_backordered -= qty
        line.check()
    resource_lines(uow, order, quantities, [], cause="backorder_resourced")
    return 1
