"""Shapes an order, its fulfillments and its active holds for the API."""

from __future__ import annotations

from typing import Any

from switchyard.auth.domain import Principal
from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment.repository import FulfillmentRepository
from switchyard.kernel.money import format_amount
from switchyard.orders.domain import Order
from switchyard.orders.hold_repository import HoldRepository
from switchyard.orders.holds_domain import Hold
from switchyard.orders.visibility import own_fulfillments


def hold_view(h: Hold) -> dict[str, Any]:
    return {
        "id": h.id,
        "type": h.type,
        "source": h.source,
        "reason": h.reason,
        "placed_at": h.placed_at,
        "placed_by": h.placed_by,
    }


def order_view(
    order: Order, fulfillments: list[Any] | None = None, holds: list[Hold] | None = None
) -> dict[str, Any]:
    money = order.currency
    return {
        "id": order.id,
        "channel_id": order.channel_id,
        "external_id": order.external_id,
        "customer_id": order.customer_id,
        "email": order.email,
        "customer_name": order.customer_name,
        "phone": order.phone,
        "status": order.status,
        "currency": order.currency,
        "subtotal": format_amount(order.subtotal, money),
        "shipping_charge": format_amount(order.shipping_charge, money),
        "taxes": format_amount(order.taxes, money),
        "total": format_amount(order.total, money),
        "delivery_method": order.delivery_method,
        "pickup_location_id": order.pickup_location_id,
        "shipping_address": order.shipping_address,
        "billing_address": order.billing_address,
        "po_number": order.po_number,
        "notes": order.notes,
        "attributes": order.attributes,
        "held_since": order.held_since,
        "draft_id": order.draft_id,
        "version": order.version,
        "placed_at": order.placed_at,
        "updated_at": order.updated_at,
        "lines": [
            {
                "id": ln.id,
                "line_no": ln.line_no,
                "sku": ln.sku,
                "quantity": ln.quantity,
                "unit_price": format_amount(ln.unit_price, money),
                "discount": format_amount(ln.discount, money),
                "amount": format_amount(ln.amount, money),
                "status": ln.status,
                "quantities": ln.snapshot(),
            }
            for ln in order.lines
        ],
        "fulfillments": [
            {
                "id": f.id,
                "location_id": f.location_id,
                "status": f.status,
                "carrier": f.carrier,
                "tracking_number": f.tracking_number,
            }
            for f in fulfillments or []
        ],
        "holds": [hold_view(h) for h in holds or [] if h.active],
    }


def full_view(
    uow: UnitOfWork, order: Order, *, placed_now: bool = False, seen_by: Principal | None = None
) -> dict[str, Any]:
    """The detail view: with fulfillments and (only for held orders) active holds.

    ``placed_now``: the order was placed in this unit of work, so its fulfillments are
    the ones this unit of work added and need not be read back. ``seen_by``: a
    location-restricted key sees only its locations' fulfillments.
    """
    holds = uow.repo(HoldRepository).for_order(order.id, active_only=True) if order.on_hold else []
    repo = uow.repo(FulfillmentRepository)
    fulfillments = repo.added_for(order.id) if placed_now else repo.for_order(order.id)
    if seen_by is not None:
        fulfillments = own_fulfillments(seen_by, fulfillments)
    return order_view(order, fulfillments, holds)
