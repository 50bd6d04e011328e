"""Amending order-level fields: addresses, delivery method, phone, PO number, notes, attributes.

Moving an order between shipping and pickup (or to another pickup location) re-sources
every unshipped unit: its open fulfillments are cancelled, reservations released and the
units reserved again where the new delivery method needs them. A shipping address that
moves the parcel (another country, postal code or city) re-sources the units nobody works
on yet, so the profile can choose the location that now serves the customer best.
"""

from __future__ import annotations

from typing import Any

from switchyard.db.uow import UnitOfWork
from switchyard.kernel.errors import FieldError, ValidationFailed
from switchyard.orders.amendments import REASON, Change, amend
from switchyard.orders.checks import resolve_pickup
from switchyard.orders.domain import Order
from switchyard.orders.fulfillment_sync import free_lines, unstarted_lines
from switchyard.orders.input_checks import require_storable

FIELDS = ("shipping_address", "billing_address", "phone", "po_number", "notes", "attributes")


def _pickup_id(uow: UnitOfWork, ref: str | None) -> str:
    payload: dict[str, Any] = {"delivery_method": "pickup", "pickup_location_id": ref}
    if not resolve_pickup(uow, payload):
        raise ValidationFailed(
            "unknown_pickup_location",
            f"'{ref}' is not an active location offering pickup",
            [FieldError("pickup_location", "unknown_pickup_location", str(ref))],
        )
    return str(payload["pickup_location_id"])


def _moved(before: dict[str, Any] | None, after: dict[str, Any]) -> bool:
    """Does the shipping address change where the parcel goes (not just a name or line)?"""
    if "shipping_address" not in after:
        return False
    new = after["shipping_address"] or {}
    old = before or {}
    return any(
        str(old.get(k) or "").strip().lower() != str(new.get(k) or "").strip().lower()
        for k in ("country_code", "postal_code", "city")
    )


def update_order(
    uow: UnitOfWork, order_id: str, changes: dict[str, Any], expected_version: int | None
) -> Order:
    """Apply ``changes`` (the fields the client sent; see ``OrderUpdate``)."""
    require_storable(changes)
    for key in ("attributes", "shipping_address"):
        if key in changes and changes[key] is None:
            changes[key] = {}

    def apply(order: Order) -> Change | None:
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for key in FIELDS:
            if key in changes and changes[key] != getattr(order, key):
                before[key], after[key] = getattr(order, key), changes[key]
                setattr(order, key, changes[key])
        method = changes.get("delivery_method") or order.delivery_method
        pickup = order.pickup_location_id
        if method == "pickup" and ("pickup_location" in changes or method != order.delivery_method):
            pickup = _pickup_id(uow, changes.get("pickup_location") or order.pickup_location_id)
        if method == "ship":
            pickup = None
        reserve = []
        if (method, pickup) != (order.delivery_method, order.pickup_location_id):
            before["delivery_method"] = order.delivery_method
            before["pickup_location_id"] = order.pickup_location_id
            after["delivery_method"] = method
            after["pickup_location_id"] = pickup
            moved = {ln.id for ln in order.lines if ln.unshipped > 0}
            freed = free_lines(uow, order, moved, REASON)
            order.delivery_method, order.pickup_location_id = method, pickup
            reserve = [order.line(lid) for lid in sorted(freed)]
        elif method == "ship" and _moved(before.get("shipping_address"), after):
            # A new destination may have a better location: units nobody works on yet are
            # sourced again (the engine may well choose the same place).
            freed = free_lines(uow, order, unstarted_lines(uow, order), REASON)
            reserve = [order.line(lid) for lid in sorted(freed)]
        if not after:
            return None
        return Change("order_updated", before, after, reserve=reserve)

    return amend(uow, order_id, expected_version, apply)
