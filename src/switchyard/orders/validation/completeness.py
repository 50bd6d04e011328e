"""Completeness: the fields an order needs for its channel type and delivery method.

Defaults per channel type are below; a channel adds its own with the setting
``required_fields`` (JSON paths such as ``"customer.phone"`` or ``"billing_address"``) and
asks for purchase-order numbers with ``po_required: true``. Amounts and quantities that no
order can have (negative prices, a discount above the line) are errors here too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from switchyard.orders.validation.model import (
    DELIVERY_METHODS,
    Finding,
    OrderToValidate,
    ValidationContext,
    error,
)
from switchyard.orders.validation.workspace import Workspace

REQUIRED_BY_CHANNEL_TYPE: Mapping[str, tuple[str, ...]] = {
    "web": ("customer.email",),
    "app": ("customer.email",),
    "social": ("customer.email",),
    "marketplace": ("customer.email", "external_id"),
    "call_center": ("customer.name",),
    "field_sales": ("customer.name",),
    "b2b": ("customer.name", "billing_address"),
    "edi": ("external_id", "billing_address"),
    "pos": (),
}
SHIP_TO_FIELDS = ("line1", "city", "country_code")


def _value(order: OrderToValidate, path: str) -> Any:
    """The value at a dotted path of the order (``customer.email``), or None."""
    head, _, rest = path.partition(".")
    value: Any = getattr(order, head, None)
    if value is None:
        value = order.attributes.get(head)
    for part in rest.split(".") if rest else ():
        value = value.get(part) if isinstance(value, Mapping) else getattr(value, part, None)
    return value


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str | Mapping | tuple | list) and not value)


def required_fields(order: OrderToValidate) -> list[str]:
    fields = list(REQUIRED_BY_CHANNEL_TYPE.get(order.channel.type, ()))
    fields += [str(f) for f in order.channel.setting("required_fields", [])]
    if order.channel.setting("po_required", False):
        fields.append("po_number")
    return list(dict.fromkeys(fields))


def check_completeness(
    order: OrderToValidate, ctx: ValidationContext, work: Workspace
) -> Iterator[Finding]:
    for path in required_fields(order):
        if _blank(_value(order, path)):
            code = "po_number_required" if path == "po_number" else "missing_field"
            yield error(code, path, f"{path} is required on {order.channel.type} channels")
    yield from _delivery(order, ctx)
    email = order.customer.email
    if email and not _plausible_email(email):
        yield error("invalid_email", "customer.email", f"'{email}' is not an email address")
    if not order.currency or len(order.currency) != 3 or not order.currency.isupper():
        yield error("invalid_currency", "currency", "an ISO 4217 code such as EUR")
    yield from _amounts(order)


def _delivery(order: OrderToValidate, ctx: ValidationContext) -> Iterator[Finding]:
    method = order.delivery_method
    if method not in DELIVERY_METHODS:
        yield error("invalid_delivery_method", "delivery_method", "ship or pickup")
    elif method == "pickup":
        location = order.pickup_location_id
        if not location:
            yield error(
                "pickup_location_required", "pickup_location_id", "pickup orders need a location"
            )
        elif ctx.pickup_location_ids is not None and location not in ctx.pickup_location_ids:
            yield error(
                "unknown_pickup_location",
                "pickup_location_id",
                f"'{location}' is not a location offering pickup",
            )
    elif not order.shipping_address:
        yield error(
            "shipping_address_required", "shipping_address", "orders to ship need an address"
        )
    else:
        address = order.shipping_address
        for key in SHIP_TO_FIELDS:
            if _blank(address.get(key)):
                yield error(
                    "missing_field", f"shipping_address.{key}", f"the ship-to {key} is required"
                )
        if _blank(address.get("name")) and _blank(order.customer.name):
            yield error(
                "missing_field", "shipping_address.name", "the recipient's name is required"
            )


def _plausible_email(email: str) -> bool:
    local, at, domain = email.rpartition("@")
    return bool(at and local and "." in domain.strip(".") and " " not in email)


def _amounts(order: OrderToValidate) -> Iterator[Finding]:
    if not order.lines:
        yield error("no_lines", "lines", "an order needs at least one line")
    for i, line in enumerate(order.lines):
        at = f"lines.{i}"
        if not line.sku:
            yield error("missing_field", f"{at}.sku", "every line needs a SKU")
        if line.quantity < 1:
            yield error("invalid_quantity", f"{at}.quantity", "at least 1")
        if line.unit_price is not None and line.unit_price < 0:
            yield error("invalid_amount", f"{at}.unit_price", "zero or more")
        if line.discount < 0:
            yield error("invalid_amount", f"{at}.discount", "zero or more")
        elif line.unit_price is not None and line.discount > line.unit_price * line.quantity:
            yield error("discount_exceeds_line", f"{at}.discount", "more than the line's amount")
    for name in ("shipping_charge", "taxes"):
        if getattr(order, name) < Decimal(0):
            yield error("invalid_amount", name, "zero or more")
