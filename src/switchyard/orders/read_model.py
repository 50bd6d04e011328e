"""Shapes an order, its fulfillments and its active holds for the API.

Also the tax its invoices will charge (``invoicing.estimate``): a read model, used by
endpoints only, so it may show what a context above ``orders`` works out. And preorders:
a line's waiting units are ``backordered`` whether they wait for stock or for a purchase
order; ``preorder`` says how many wait for a purchase order and when it is expected (the
reservations know, read only for orders with waiting units).
"""

from __future__ import annotations

from typing import Any

from switchyard.auth.domain import Principal
from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment.repository import FulfillmentRepository
from switchyard.inventory.reservation_repository import ReservationRepository
from switchyard.invoicing.estimate import estimated_tax, estimated_taxes
from switchyard.kernel.money import format_amount
from switchyard.orders.domain import Order
from switchyard.orders.hold_repository import HoldRepository
from switchyard.orders.holds_domain import Hold
from switchyard.orders.risk_repository import RiskRepository
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


def risk_view(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": r["id"],
        "fulfillment_id": r["fulfillment_id"],
        "location_id": r["location_id"],
        "reason": r["reason"],
        "due_at": r["due_at"],
        "detected_at": r["detected_at"],
        "details": r["details"] or {},
    }


def preorders_of(uow: UnitOfWork, orders: list[Order]) -> dict[str, dict[str, dict[str, Any]]]:
    """Per order id, per line id: ``quantity`` preordered and ``expected_at`` (its
    purchase orders' latest ETA). Only orders with waiting units are looked up."""
    waiting = [o.id for o in orders if any(ln.qty_backordered for ln in o.lines)]
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for row in uow.repo(ReservationRepository).preorders(waiting):
        found.setdefault(row["order_id"], {})[row["order_line_id"]] = {
            "quantity": int(row["quantity"]),
            "expected_at": row["expected_at"],
        }
    return found


def _preorder(lines: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    if not lines:
        return None
    return {
        "quantity": sum(p["quantity"] for p in lines.values()),
        "expected_at": max(p["expected_at"] for p in lines.values()),
    }


def order_view(
    order: Order,
    fulfillments: list[Any] | None = None,
    holds: list[Hold] | None = None,
    tax: dict[str, Any] | None = None,
    preorders: dict[str, dict[str, Any]] | None = None,
    risks: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """``tax``: what ``invoicing.estimate`` says the invoices will charge; ``preorders``:
    per line id, what ``preorders_of`` found; ``risks``: its active risks' rows."""
    money = order.currency
    preorders = preorders or {}
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
        "estimated_tax": tax,
        "preorder": _preorder(preorders),
        "delivery_method": order.delivery_method,
        "pickup_location_id": order.pickup_location_id,
        "shipping_address": order.shipping_address,
        "billing_address": order.billing_address,
        "po_number": order.po_number,
        "notes": order.notes,
        "attributes": order.attributes,
        "held_since": order.held_since,
        "at_risk_since": order.at_risk_since,
        "draft_id": order.draft_id,
        "version": order.version,
        "placed_at": order.placed_at,
        "updated_at": order.updated_at,
        "lines": [
            {
                "id": ln.id,
                "line_no": ln.line_no,
                "sku": ln.sku,
                "quantity": ln.open_quantity,
                "unit_price": format_amount(ln.unit_price, money),
                "discount": format_amount(ln.discount, money),
                "amount": format_amount(ln.amount, money),
                "status": ln.status,
                "preorder": preorders.get(ln.id),
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
        "risks": [risk_view(r) for r in risks or []],
    }


def full_view(
    uow: UnitOfWork, order: Order, *, placed_now: bool = False, seen_by: Principal | None = None
) -> dict[str, Any]:
    """The detail view: with fulfillments, (only for held orders) active holds and (only
    for orders at risk) active risks.

    ``placed_now``: the order was placed in this unit of work, so its fulfillments are
    the ones this unit of work added and need not be read back. ``seen_by``: a
    location-restricted key sees only its locations' fulfillments.
    """
    holds = uow.repo(HoldRepository).for_order(order.id, active_only=True) if order.on_hold else []
    repo = uow.repo(FulfillmentRepository)
    fulfillments = repo.added_for(order.id) if placed_now else repo.for_order(order.id)
    if seen_by is not None:
        fulfillments = own_fulfillments(seen_by, fulfillments)
    preorders = preorders_of(uow, [order]).get(order.id)
    risks = []
    if order.at_risk_since is not None:
        risks = uow.repo(RiskRepository).active_for_orders([order.id]).get(order.id, [])
        seen = {f.id for f in fulfillments}
        risks = [r for r in risks if r["fulfillment_id"] in seen]
    tax = estimated_tax(uow, order)
    return order_view(order, fulfillments, holds, tax, preorders, risks)


def list_views(uow: UnitOfWork, orders: list[Order]) -> list[dict[str, Any]]:
    """The list view of each order: without fulfillments and holds, with its tax and
    preorders."""
    taxes = estimated_taxes(uow, orders)
    preorders = preorders_of(uow, orders)
    return [order_view(o, tax=taxes[o.id], preorders=preorders.get(o.id)) for o in orders]
