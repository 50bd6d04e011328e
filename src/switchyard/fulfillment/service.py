"""Fulfillment use cases: create, load under lock, apply a step, store it with its events.

Every use case that changes a fulfillment locks the order row first, then the
fulfillment, then stock: one lock order everywhere, so concurrent updates never
deadlock. Use cases touching several fulfillments take them in order id order.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from switchyard.auth.domain import Principal
from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment import effects
from switchyard.fulfillment.domain import OPEN, Fulfillment, FulfillmentLine, Status
from switchyard.fulfillment.repository import FulfillmentRepository
from switchyard.fulfillment.status import CONSOLIDATED, PICKUP, SHIP, Step
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import FieldError, ValidationFailed, check_version, not_found
from switchyard.kernel.events import DomainEvent
from switchyard.kernel.ids import new_id
from switchyard.locations.repository import LocationRepository
from switchyard.manufacturing.repository import ManufacturingRepository
from switchyard.orders.domain import Order
from switchyard.orders.master_data import channel
from switchyard.orders.repository import OrderRepository
from switchyard.payments.service import release_needs_payment

__all__ = [
    "OPEN",
    "advance",
    "cancel_open_for",
    "create_for",
    "delivery_for",
    "get_fulfillment",
    "locked",
]


def event(
    f: Fulfillment, order: Order, type_: str, data: dict[str, Any] | None = None
) -> DomainEvent:
    return DomainEvent(
        type_,
        "fulfillment",
        f.id,
        {"location_id": f.location_id, "status": f.status, **(data or {})},
        order_id=order.id,
        channel_id=order.channel_id,
    )


def delivery_for(order: Order, location_id: str) -> tuple[str, str | None]:
    """How a fulfillment of ``order`` at ``location_id`` delivers: ``pickup`` at the pickup
    store itself, else ``ship``; for a pickup order sourced elsewhere (ship to store) also
    the store the parcel goes to."""
    collect = order.delivery_method == PICKUP and order.pickup_location_id is not None
    if collect and location_id == order.pickup_location_id:
        return PICKUP, None
    return SHIP, order.pickup_location_id if collect else None


def create_for(
    uow: UnitOfWork,
    order: Order,
    location_id: str,
    items: list[tuple[str, str, int]],
    *,
    delivery_method: str = SHIP,
    promised_delivery: date | None = None,
    merge: bool = True,
    ship_to_location_id: str | None = None,
    purpose: str | None = None,
) -> Fulfillment:
    """A fulfillment at ``location_id`` for (order line id, sku id, quantity) items.

    ``delivery_method`` is ``ship`` or ``pickup`` (collected at that location);
    ``promised_delivery`` the date promised to the customer, if sourcing made one.
    ``merge``: the items join the order's fulfillment at that location that nobody works
    on yet, if there is one (an order being placed has none: it passes False and saves
    the query), so amendments and backorder fills do not split the parcel.
    ``ship_to_location_id``: ship to store, the pickup store the parcel goes to; with
    ``purpose`` ``merge_leg``, the merge node a consolidated order's units go to
    (``consolidated``: the node's parcel to the customer).
    """
    if merge:
        repo = uow.repo(FulfillmentRepository)
        for f in repo.open_unreleased(order.id, location_id):
            if f.takes_more(delivery_method, ship_to_location_id):
                return _merge(uow, order, f, items, promised_delivery)
    f = Fulfillment(
        id=new_id("ful"),
        order_id=order.id,
        location_id=location_id,
        status=Status.CREATED,
        lines=[FulfillmentLine(line_id, sku_id, qty) for line_id, sku_id, qty in items],
        delivery_method=delivery_method,
        promised_delivery=promised_delivery,
        ship_to_location_id=ship_to_location_id,
        purpose=purpose,
    )
    uow.repo(FulfillmentRepository).add(f)
    lines = [{"order_line_id": ln.order_line_id, "quantity": ln.quantity} for ln in f.lines]
    data: dict[str, Any] = {"lines": lines, "delivery_method": delivery_method}
    if purpose is not None:
        data |= {"purpose": purpose, "ship_to_location_id": ship_to_location_id}
    uow.emit(event(f, order, "fulfillment.created", data))
    return f


def _merge(
    uow: UnitOfWork,
    order: Order,
    f: Fulfillment,
    items: list[tuple[str, str, int]],
    promised_delivery: date | None,
) -> Fulfillment:
    had = {ln.order_line_id for ln in f.lines}
    added = f.add_units(items)
    if promised_delivery and (
        f.promised_delivery is None or promised_delivery > f.promised_delivery
    ):
        f.promised_delivery = promised_delivery  # the parcel leaves when its last units can
    repo = uow.repo(FulfillmentRepository)
    repo.save(f)
    repo.add_lines(f, [ln.order_line_id for ln in f.lines if ln.order_line_id not in had])
    uow.emit(event(f, order, "fulfillment.lines_added", {"lines": added}))
    return f


def cancel_open_for(uow: UnitOfWork, order: Order) -> list[Fulfillment]:
    """Cancel the order's fulfillments whose units have not left (the order is locked and
    is cancelling its lines and releasing its stock itself)."""
    repo = uow.repo(FulfillmentRepository)
    cancelled = []
    for f in repo.for_order(order.id):
        if f.units_at_location and f.cancel("order_cancelled"):
            f.steps.clear()
            repo.save(f)
            uow.emit(event(f, order, "fulfillment.cancelled", {"reason": "order_cancelled"}))
            cancelled.append(f)
    return cancelled


def get_fulfillment(uow: UnitOfWork, principal: Principal, fulfillment_id: str) -> Fulfillment:
    f = uow.repo(FulfillmentRepository).get(fulfillment_id)
    if f is None:
        raise not_found("fulfillment", fulfillment_id)
    principal.require_location(f.location_id)
    return f


def locked(
    uow: UnitOfWork, principal: Principal, fulfillment_id: str, *, at_store: bool = False
) -> tuple[Order, Fulfillment]:
    """The order (row locked) and the fulfillment, after checking the key's locations
    (``at_store``: the pickup store of a ship to store may act too)."""
    where = uow.repo(FulfillmentRepository).location_of(fulfillment_id)
    if where is None:
        raise not_found("fulfillment", fulfillment_id)
    order_id, location_id, store_id = where
    if not (at_store and store_id and principal.can_access_location(store_id)):
        principal.require_location(location_id)
    order = uow.repo(OrderRepository).get(order_id, lock=True)
    f = uow.repo(FulfillmentRepository).get(fulfillment_id)
    if order is None or f is None:
        raise not_found("fulfillment", fulfillment_id)
    f.blocked_by = "order_on_hold" if order.on_hold else None
    if f.status in OPEN and f.status != Status.PICKED:
        f.awaiting_production = uow.repo(ManufacturingRepository).unfinished_at(
            order.id, f.location_id
        )
        if f.purpose == CONSOLIDATED:
            legs = uow.repo(FulfillmentRepository).legs_to(order.id, f.location_id)
            done = (Status.DELIVERED, Status.CANCELLED)
            f.awaiting_legs = any(leg["status"] not in done for leg in legs)
    if f.blocked_by is None and f.status == Status.CREATED:
        settings = (channel(uow, order.channel_id) or {}).get("settings") or {}
        if release_needs_payment(uow, order.id, settings):
            f.blocked_by = "payment_required"
    return order, f


def persist(uow: UnitOfWork, order: Order, f: Fulfillment, *, force: bool = False) -> Fulfillment:
    """Apply the steps' effects (stock, order lines, re-sourcing), store the fulfillment
    and record one event per step; ``force`` stores it even without a step."""
    steps: list[Step] = list(f.steps)
    f.steps.clear()
    if not steps and not force:
        return f
    status_before, lines_before = order.status, [ln.snapshot() for ln in order.lines]
    now = utcnow()
    names = {s.name for s in steps}
    stamps: dict[str, Any] = {}
    if "released" in names:
        stamps["released_at"] = now
    if names & {"shipped", "picked_up"}:
        stamps["shipped_at"] = now
    if names & {"delivered", "picked_up"} or ("leg_arrived" in names and f.status == "delivered"):
        stamps["delivered_at"] = now
    uow.repo(FulfillmentRepository).save(f, **stamps)
    effects.apply(uow, order, f, steps)
    for s in steps:
        uow.emit(event(f, order, f"fulfillment.{s.name}", {**s.data, "inferred": s.inferred}))
    if [ln.snapshot() for ln in order.lines] != lines_before:
        order.updated_at = now
        uow.repo(OrderRepository).save(order)
        if order.status != status_before:
            cause = f"fulfillment.{steps[-1].name}"
            uow.emit(order.status_changed(status_before, cause))
    return f


def advance(
    uow: UnitOfWork,
    principal: Principal,
    fulfillment_id: str,
    action: str,
    *,
    expected_version: int | None = None,
    **details: Any,
) -> Fulfillment:
    """Apply one lifecycle step; repeating a step already taken changes nothing."""
    order, f = locked(uow, principal, fulfillment_id)
    check_version("fulfillment", expected_version, f.version)
    getattr(f, action)(**details)
    return persist(uow, order, f)


def update_fulfillment(
    uow: UnitOfWork,
    principal: Principal,
    fulfillment_id: str,
    expected_version: int | None,
    values: dict[str, Any],
) -> Fulfillment:
    """Change the delivery method (until picked) or the promised delivery date."""
    order, f = locked(uow, principal, fulfillment_id)
    check_version("fulfillment", expected_version, f.version)
    changes: dict[str, Any] = {}
    method = values.get("delivery_method")
    if method is not None and method != f.delivery_method:
        f.require_not_past(Status.PICKED)
        if method == PICKUP:
            location = uow.repo(LocationRepository).get(f.location_id) or {}
            if "pickup" not in (location.get("capabilities") or []):
                raise ValidationFailed(
                    "location_cannot_pickup",
                    "this location does not offer pickup",
                    [FieldError("delivery_method", "location_cannot_pickup", f.location_id)],
                )
        changes["delivery_method"] = {"from": f.delivery_method, "to": method}
        f.delivery_method = method
    if "promised_delivery" in values and values["promised_delivery"] != f.promised_delivery:
        new = values["promised_delivery"]
        old = f.promised_delivery
        changes["promised_delivery"] = {
            "from": old.isoformat() if old else None,
            "to": new.isoformat() if new else None,
        }
        f.promised_delivery = new
    if changes:
        f.steps.append(Step("updated", data={"changes": changes}))
    return persist(uow, order, f)
