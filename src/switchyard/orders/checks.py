"""The validation pipeline, fed from storage: at placement and again after amendments.

The catalog part of the context comes from the SKUs and prices placement loads anyway;
company rules and compliance inputs are one small query each (their lists are cached per
process by their owners). Pickup locations are looked up only for pickup orders.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from switchyard.catalog.repository import SkuRepository
from switchyard.compliance.service import compliance_inputs
from switchyard.db.uow import UnitOfWork
from switchyard.locations.repository import LocationRepository
from switchyard.orders.domain import Order
from switchyard.orders.validation import (
    CatalogItem,
    ChannelInfo,
    Finding,
    OrderToValidate,
    ValidationContext,
    ValidationResult,
    validate,
)
from switchyard.rules.service import rules_for_channel

_LINE_FIELD = re.compile(r"^lines\.(\d+)(\..*)?$")


def channel_info(channel: Mapping[str, Any]) -> ChannelInfo:
    return ChannelInfo(channel["code"], channel["type"], channel["settings"] or {}, channel["id"])


def resolve_pickup(uow: UnitOfWork, payload: dict[str, Any]) -> frozenset[str] | None:
    """For pickup orders: the pickup locations the pipeline accepts (the order's, if it is
    an active location offering pickup; then ``pickup_location_id`` is set to its id)."""
    if payload.get("delivery_method") != "pickup":
        payload["pickup_location_id"] = None
        return None
    ref = payload.get("pickup_location_id")
    found = uow.repo(LocationRepository).get(ref) if ref else None
    if found is None or not found["active"] or "pickup" not in (found["capabilities"] or []):
        return frozenset()
    payload["pickup_location_id"] = found["id"]
    return frozenset([found["id"]])


def run_checks(
    uow: UnitOfWork,
    channel: Mapping[str, Any],
    payload: dict[str, Any],
    skus: Mapping[str, Mapping[str, Any]],
    prices: Mapping[str, Any],
) -> ValidationResult:
    """Validate ``payload``, an order body with its currency resolved.

    ``skus`` are the catalog rows by SKU code, ``prices`` the channel's list prices by
    SKU id in the order currency. For pickup orders ``pickup_location_id`` becomes the
    location's id.
    """
    ctx = ValidationContext(
        catalog={
            code: CatalogItem(code, active=bool(row["active"]), list_price=prices.get(row["id"]))
            for code, row in skus.items()
        },
        company_rules=rules_for_channel(uow, channel["id"]),
        compliance=compliance_inputs(uow),
        pickup_location_ids=resolve_pickup(uow, payload),
    )
    return validate(OrderToValidate.from_payload(channel_info(channel), payload), ctx)


@dataclass(frozen=True, slots=True)
class OrderCheck:
    """The findings about a stored order, with line fields named by line id, not index."""

    result: ValidationResult
    line_ids: tuple[str, ...]

    def key(self, finding: Finding) -> tuple[str, str]:
        return finding.code, self.field(finding.field)

    def field(self, path: str) -> str:
        match = _LINE_FIELD.match(path)
        if match is None:
            return path
        return f"lines.{self.line_ids[int(match.group(1))]}{match.group(2) or ''}"

    def new_since(self, before: OrderCheck) -> list[Finding]:
        """Findings this check has that ``before`` did not (the change caused them)."""
        known = {before.key(f) for f in before.result.findings}
        return [f for f in self.result.findings if self.key(f) not in known]


def order_payload(order: Order) -> tuple[dict[str, Any], tuple[str, ...]]:
    """A stored order as the pipeline reads it (live lines only) and the line id per index."""
    live = [ln for ln in order.lines if ln.open_quantity > 0]
    payload = {
        "external_id": order.external_id,
        "customer": {"email": order.email, "name": order.customer_name, "phone": order.phone},
        "shipping_address": order.shipping_address,
        "billing_address": order.billing_address,
        "delivery_method": order.delivery_method,
        "pickup_location_id": order.pickup_location_id,
        "po_number": order.po_number,
        "currency": order.currency,
        "lines": [
            {
                "sku": ln.sku,
                "quantity": ln.open_quantity,
                "unit_price": ln.unit_price,
                "discount": ln.unit_price * ln.open_quantity - ln.amount,
            }
            for ln in live
        ],
        "shipping_charge": order.shipping_charge,
        "taxes": order.taxes,
        "notes": order.notes,
        "attributes": order.attributes,
    }
    return payload, tuple(ln.id for ln in live)


def check_order(uow: UnitOfWork, channel: Mapping[str, Any], order: Order) -> OrderCheck:
    """Validate a stored (possibly amended, not yet saved) order."""
    payload, line_ids = order_payload(order)
    codes = sorted({ln.sku for ln in order.lines})
    repo = uow.repo(SkuRepository)
    skus = repo.by_codes(codes)
    prices = repo.prices_for([r["id"] for r in skus.values()], channel["id"], order.currency)
    return OrderCheck(run_checks(uow, channel, payload, skus, prices), line_ids)
