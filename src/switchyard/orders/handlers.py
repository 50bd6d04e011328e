"""How orders react to inventory, inside the transaction that changed the stock.

* ``inventory.backorder_allocated``: stock arrived for a waiting (backordered or
  preordered) line: the units become allocated and a fulfillment is created for them.
* ``inventory.reservation_shorted``: a count found fewer units than were reserved: the
  units wait for stock again and the fulfillment at that location shrinks by them.
* ``fulfillment.created``: search notes the order's new location (``order_locations``).

Reservations that belong to no stored order (cart holds, other contexts' tests) are
ignored. Listed in ``events.bus.HANDLER_MODULES``.
"""

from __future__ import annotations

from typing import Any

from switchyard.db.uow import UnitOfWork
from switchyard.events.bus import subscribe
from switchyard.fulfillment import service as fulfillment
from switchyard.fulfillment.status import CONSOLIDATED
from switchyard.kernel.clock import utcnow
from switchyard.kernel.events import DomainEvent
from switchyard.orders import fulfillment_sync
from switchyard.orders.domain import Order
from switchyard.orders.repository import OrderRepository
from switchyard.orders.search_repository import record_location


def _order_of(uow: UnitOfWork, data: dict[str, Any]) -> Order | None:
    order_id, line_id = data.get("order_id"), data.get("order_line_id")
    if not order_id or not line_id:
        return None
    order = uow.repo(OrderRepository).get(order_id, lock=True)
    if order is None or all(ln.id != line_id for ln in order.lines):
        return None
    return order


def on_backorder_allocated(uow: UnitOfWork, event: DomainEvent) -> None:
    data = event.data
    order = _order_of(uow, data)
    if order is None:
        return
    line = order.line(data["order_line_id"])
    status_before = order.status
    line.allocate_backordered(data["quantity"])
    order.updated_at = utcnow()
    uow.repo(OrderRepository).save(order)
    uow.emit(
        order.event(
            "order.backorder_allocated",
            {
                "line_id": line.id,
                "location_id": data["location_id"],
                "quantity": data["quantity"],
                "source": data.get("source", "backorder"),
                "status": {"from": status_before, "to": order.status},
            },
        )
    )
    method, to_store = fulfillment.delivery_for(order, data["location_id"])
    fulfillment.create_for(
        uow,
        order,
        data["location_id"],
        [(line.id, line.sku_id, data["quantity"])],
        delivery_method=method,
        ship_to_location_id=to_store,
    )


def on_reservation_shorted(uow: UnitOfWork, event: DomainEvent) -> None:
    data = event.data
    order = _order_of(uow, data)
    if order is None:
        return
    line = order.line(data["order_line_id"])
    location_id, quantity = data["location_id"], data["quantity"]
    status_before = order.status
    line.short(quantity)
    affected = [
        f
        for f in fulfillment_sync.open_fulfillments(uow, order)
        if f.location_id == location_id and any(ln.order_line_id == line.id for ln in f.lines)
    ]
    # Consolidation: a merge leg shorted also carries fewer units into its merge node's
    # parcel, which is made again with them too.
    nodes = {f.ship_to_location_id for f in affected if f.is_leg}
    parcels = [
        f
        for f in fulfillment_sync.open_fulfillments(uow, order)
        if f.purpose == CONSOLIDATED and f.location_id in nodes and f not in affected
    ]
    fulfillment_sync.cancel(uow, order, [*affected, *parcels], "stock_shorted")
    held = fulfillment_sync.regroup(affected).get(location_id, {})
    sku_id, kept = held.get(line.id, (line.sku_id, 0))
    held[line.id] = (sku_id, kept - quantity)
    order.updated_at = utcnow()
    uow.repo(OrderRepository).save(order)
    uow.emit(
        order.event(
            "order.line_shorted",
            {
                "line_id": line.id,
                "location_id": location_id,
                "quantity": quantity,
                "status": {"from": status_before, "to": order.status},
            },
        )
    )
    items = [(lid, sku, qty) for lid, (sku, qty) in sorted(held.items()) if qty > 0]
    leg = next((f for f in affected if f.purpose is not None), None)
    if items:
        method, to_store = fulfillment.delivery_for(order, location_id)
        if leg is not None:  # the same leg or consolidated parcel, with fewer units
            to_store = leg.ship_to_location_id
        fulfillment.create_for(
            uow, order, location_id, items, delivery_method=method, ship_to_location_id=to_store,
            purpose=leg.purpose if leg is not None else None, merge=leg is None,
        )  # fmt: skip
    for parcel in parcels:
        rest = fulfillment_sync.regroup([parcel])[parcel.location_id]
        sku_id, kept = rest[line.id]
        rest[line.id] = (sku_id, kept - quantity)
        again = [(lid, sku, qty) for lid, (sku, qty) in sorted(rest.items()) if qty > 0]
        if again:
            fulfillment.create_for(
                uow, order, parcel.location_id, again, merge=False, purpose=CONSOLIDATED
            )


def on_fulfillment_created(uow: UnitOfWork, event: DomainEvent) -> None:
    location_id = event.data.get("location_id")
    if event.order_id is not None and location_id is not None:
        status = uow.repo(OrderRepository).stored_status(event.order_id)
        record_location(uow.conn, event.order_id, location_id, status, event.channel_id)


subscribe("inventory.backorder_allocated", on_backorder_allocated)
subscribe("inventory.reservation_shorted", on_reservation_shorted)
subscribe("fulfillment.created", on_fulfillment_created)
