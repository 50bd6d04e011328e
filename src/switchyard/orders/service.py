"""Order use cases: place, read, cancel, and whether fulfilment may start.

They never commit (Database.run does). Placement validates the whole order (422
``order_rejected`` listing every failed check, nothing written), holds it when checks
warn, reserves stock (also while held, unless the channel sets ``reserve_on_hold: false``)
and records every step as an event on the order's timeline.
"""

from __future__ import annotations

import secrets
from typing import Any

from switchyard.customers.service import match_or_create
from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment import service as fulfillment
from switchyard.inventory import service as inventory
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import (
    Conflict,
    FieldError,
    ValidationFailed,
    check_version,
    not_found,
)
from switchyard.kernel.ids import new_id
from switchyard.orders import master_data, stock
from switchyard.orders.checks import run_checks
from switchyard.orders.domain import Order, OrderLine
from switchyard.orders.hold_repository import HoldRepository
from switchyard.orders.holds_domain import holds_from_findings
from switchyard.orders.input_checks import require_amounts_fit, require_storable
from switchyard.orders.repository import OrderRepository
from switchyard.orders.schemas import OrderCreate
from switchyard.sourcing import placement


def channel_by_ref(uow: UnitOfWork, ref: str) -> dict[str, Any]:
    """The channel by id or code (master data: may be ``master_data_ttl`` seconds old)."""
    channel = master_data.channel(uow, ref)
    if channel is None:
        raise ValidationFailed(
            "unknown_channel",
            f"channel '{ref}' does not exist",
            [FieldError("channel", "unknown_channel", ref)],
        )
    return channel


def compact(address: dict[str, Any] | None) -> dict[str, Any]:
    """An address without its empty fields."""
    return {k: v for k, v in (address or {}).items() if v is not None}


def reserves_on_hold(channel: dict[str, Any]) -> bool:
    """Channel setting ``reserve_on_hold`` (default true): held orders keep their stock."""
    return (channel["settings"] or {}).get("reserve_on_hold") is not False


def place_order(uow: UnitOfWork, cmd: OrderCreate, *, draft_id: str | None = None) -> Order:
    payload = cmd.model_dump()
    require_storable(payload)
    channel = channel_by_ref(uow, cmd.channel)
    currency = cmd.currency or channel["currency"]
    payload["currency"] = currency
    payload["pickup_location_id"] = payload.pop("pickup_location")
    by_code = master_data.skus_by_codes(uow, [ln.sku for ln in cmd.lines])
    prices = master_data.prices_for(
        uow, [r["id"] for r in by_code.values()], channel["id"], currency
    )
    for line in payload["lines"]:  # list prices stand in for missing ones (discount checks)
        if line["unit_price"] is None and line["sku"] in by_code:
            line["unit_price"] = prices.get(by_code[line["sku"]]["id"])
    result = run_checks(uow, channel, payload, by_code, prices)
    result.raise_for_errors()
    now = utcnow()
    order = Order(
        id=new_id("ord"),
        channel_id=channel["id"],
        external_id=cmd.external_id,
        customer_id=None,
        email=cmd.customer.email.lower() if cmd.customer.email else None,
        customer_name=cmd.customer.name,
        phone=result.phone,
        currency=currency,
        delivery_method=cmd.delivery_method,
        pickup_location_id=payload["pickup_location_id"],
        shipping_address=compact(result.shipping_address),
        billing_address=compact(result.billing_address) or None,
        shipping_charge=cmd.shipping_charge,
        taxes=cmd.taxes,
        po_number=cmd.po_number,
        notes=cmd.notes,
        attributes=cmd.attributes,
        tracking_token=secrets.token_urlsafe(24),
        placed_at=now,
        updated_at=now,
        draft_id=draft_id,
    )
    for i, ln in enumerate(cmd.lines):
        sku = by_code[ln.sku]
        price = ln.unit_price if ln.unit_price is not None else prices[sku["id"]]
        order.lines.append(
            OrderLine(new_id("oli"), i + 1, sku["id"], ln.sku, ln.quantity, price, ln.discount)
        )
    require_amounts_fit(
        {f"lines.{i}": ln.unit_price * ln.quantity for i, ln in enumerate(order.lines)}
        | {"total": order.total}
    )
    if cmd.customer.email:
        name = cmd.customer.name or cmd.customer.email
        order.customer_id = match_or_create(uow, cmd.customer.email, name, result.phone)
    holds = holds_from_findings(order.id, result.warnings, uow.actor.name, now)
    if holds:
        order.held_since = now
    uow.emit(
        order.event(
            "order.placed",
            {
                "external_id": order.external_id,
                "total": str(order.total),
                "currency": currency,
                "delivery_method": order.delivery_method,
                "draft_id": draft_id,
                "warnings": [f.as_dict() for f in result.warnings],
                "lines": [{"sku": ln.sku, "quantity": ln.quantity} for ln in order.lines],
            },
        )
    )
    if holds:
        uow.emit(order.event("order.held", {"holds": [h.summary() for h in holds]}))
    placed = stock.Placement()
    placement.new_order(uow, order.id)
    if not holds or reserves_on_hold(channel):
        placed = stock.allocate_lines(uow, order, order.lines)

    def exists() -> None:
        existing = uow.repo(OrderRepository).id_by_external(channel["id"], cmd.external_id)
        raise Conflict(
            "order_exists",
            f"channel {channel['code']} already sent order '{cmd.external_id}'",
            extra={"order_id": existing},
        )

    uow.repo(OrderRepository).insert(order, if_exists=exists)
    uow.repo(HoldRepository).add(holds)
    stock.record(uow, order, placed, cause="placement")
    return order


def load_order(uow: UnitOfWork, order_id: str, *, lock: bool = False) -> Order:
    order = uow.repo(OrderRepository).get(order_id, lock=lock)
    if order is None:
        raise not_found("order", order_id)
    return order


def is_releasable(order: Order) -> bool:
    """May fulfilment work on this order? Not while it has an active hold."""
    return not order.on_hold


def require_releasable(order: Order) -> None:
    """For fulfilment: refuse to release or work a held order (409 ``order_on_hold``)."""
    if not is_releasable(order):
        raise Conflict(
            "order_on_hold",
            f"order {order.id} is on hold: release its holds before fulfilling it",
            extra={"order_id": order.id},
        )


def resource_lines(
    uow: UnitOfWork, order: Order, line_quantities: dict[str, int], exclude_location_ids: list[str]
) -> None:
    """Reserve again, elsewhere, units a location handed back (rejected, short-picked or
    cancelled there); fulfilment calls this with the order locked and saved.

    Sourcing integration: delegates to ``switchyard.sourcing.service.resource_lines``
    (the channel's profile, never at the excluded locations, decision logged); units no
    location can take wait as backorders if the policy allows, else the order gets a
    ``sourcing`` hold and ``order.unsourced`` says which.
    """
    from switchyard.sourcing import service as sourcing  # sourcing imports orders

    sourcing.resource_lines(uow, order, line_quantities, exclude_location_ids)


def cancel_order(
    uow: UnitOfWork, order_id: str, expected_version: int | None, reason: str | None
) -> Order:
    """Cancel everything not yet shipped; reservations are released, open fulfillments
    cancelled, active holds closed with the reason as their note."""
    order = load_order(uow, order_id, lock=True)
    check_version("order", expected_version, order.version)
    order.require_cancellable()
    status_before = order.status
    before = {ln.id: ln.snapshot() for ln in order.lines}
    fulfillment.cancel_open_for(uow, order)
    released = inventory.release_for_order(uow, order.id)
    cancelled = {ln.id: ln.cancel_unshipped() for ln in order.lines}
    now = utcnow()
    closed = uow.repo(HoldRepository).resolve(
        order.id, None, at=now, by=uow.actor.name, resolution="order_cancelled", note=reason
    )
    order.held_since = None
    order.updated_at = now
    uow.repo(OrderRepository).save(order)
    uow.emit(
        order.event(
            "order.cancelled",
            {
                "reason": reason,
                "released": released,
                "holds_closed": closed,
                "status": {"from": status_before, "to": order.status},
                "lines": [
                    {
                        "line_id": lid,
                        "cancelled": qty,
                        "before": before[lid],
                        "after": order.line(lid).snapshot(),
                    }
                    for lid, qty in cancelled.items()
                    if qty
                ],
            },
        )
    )
    return order
