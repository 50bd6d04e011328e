"""Shopify order webhooks: the HMAC check and the order JSON mapped to an order.

Shopify signs the raw body: ``X-Shopify-Hmac-Sha256`` is the base64 HMAC-SHA256 of it
under the app's secret (partner setting ``secret``)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from switchyard.integrations.domain import MappedOrder, Parsed, error


def signature(body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def verify(body: bytes, secret: str, header: str | None) -> bool:
    return (
        bool(header) and bool(secret) and hmac.compare_digest(signature(body, secret), header or "")
    )


def _money(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(-1)


def _address(a: Any) -> dict[str, Any] | None:
    if not isinstance(a, dict) or not a.get("address1") or not a.get("city"):
        return None
    name = a.get("name") or " ".join(p for p in (a.get("first_name"), a.get("last_name")) if p)
    out = {
        "name": name or None,
        "company": a.get("company"),
        "line1": a.get("address1"),
        "line2": a.get("address2") or None,
        "city": a.get("city"),
        "region": a.get("province_code") or a.get("province"),
        "postal_code": a.get("zip"),
        "country_code": (a.get("country_code") or "").upper() or None,
        "phone": a.get("phone"),
    }
    return {k: v for k, v in out.items() if v}


def parse(raw: bytes, partner_settings: dict[str, Any] | None = None) -> Parsed:
    """A webhook body (the order object) or a file of ``{"order": ...}`` /
    ``{"orders": [...]}``: one order each."""
    parsed = Parsed()
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        parsed.errors.append(
            error(f"line {getattr(exc, 'lineno', 1)}", "shopify_not_json", f"not JSON: {exc}")
        )
        return parsed
    if isinstance(data, dict) and isinstance(data.get("orders"), list):
        items = data["orders"]
    elif isinstance(data, dict) and isinstance(data.get("order"), dict):
        items = [data["order"]]
    elif isinstance(data, dict) and "line_items" in data:
        items = [data]
    else:
        parsed.errors.append(
            error(
                "$",
                "shopify_not_an_order",
                "no order object (order, orders or an order with line_items)",
            )
        )
        return parsed
    for i, item in enumerate(items):
        parsed.orders.append(map_order(item, i + 1, partner_settings or {}, f"orders[{i}]"))
    return parsed


def map_order(o: Any, seq: int, settings: dict[str, Any], where: str) -> MappedOrder:
    order = MappedOrder(seq=seq, external_id=None, body={"lines": []}, position=where)
    if not isinstance(o, dict):
        order.errors.append(error(where, "shopify_not_an_order", "not an order object"))
        return order
    if o.get("id") is None:
        order.errors.append(error(f"{where}.id", "shopify_missing", "the order has no id"))
    external = str(o.get("id", ""))
    order.external_id = external or None
    body = order.body
    body["external_id"] = external
    items = o.get("line_items")
    if not isinstance(items, list) or not items:
        order.errors.append(
            error(f"{where}.line_items", "shopify_no_lines", "the order has no line_items")
        )
        items = []
    xref: dict[str, str] = settings.get("sku_xref", {})
    for i, li in enumerate(items):
        at = f"{where}.line_items[{i}]"
        if not isinstance(li, dict):
            order.errors.append(error(at, "shopify_bad_line", "not a line item"))
            continue
        sku = li.get("sku") or xref.get(str(li.get("variant_id")))
        if not sku:
            order.errors.append(
                error(f"{at}.sku", "shopify_no_sku", f"line item '{li.get('title')}' has no SKU")
            )
            continue
        discount = _money(li.get("total_discount"))
        for alloc in li.get("discount_allocations") or []:
            if isinstance(alloc, dict):
                discount += _money(alloc.get("amount"))
        line: dict[str, Any] = {
            "sku": xref.get(sku, sku),
            "quantity": li.get("quantity"),
            "unit_price": li.get("price"),
        }
        if discount:
            line["discount"] = str(discount)
        body["lines"].append(line)
        order.line_positions.append(at)
    shipping = sum(
        (_money(s.get("price")) for s in o.get("shipping_lines") or [] if isinstance(s, dict)),
        Decimal(0),
    )
    body["shipping_charge"] = str(shipping)
    if not o.get("taxes_included"):
        body["taxes"] = str(_money(o.get("total_tax")))
    if o.get("currency"):
        body["currency"] = o["currency"]
    found = o.get("customer")
    customer: dict[str, Any] = found if isinstance(found, dict) else {}
    name = " ".join(p for p in (customer.get("first_name"), customer.get("last_name")) if p)
    body["customer"] = {
        k: v
        for k, v in {"email": o.get("email") or customer.get("email"), "name": name or None}.items()
        if v
    }
    for key, src in (
        ("shipping_address", "shipping_address"),
        ("billing_address", "billing_address"),
    ):
        address = _address(o.get(src))
        if address:
            body[key] = address
            order.field_positions[key] = f"{where}.{src}"
    if o.get("note"):
        body["notes"] = str(o["note"])[:5000]
    body["attributes"] = {
        "shopify": {
            "id": o.get("id"),
            "name": o.get("name"),
            "financial_status": o.get("financial_status"),
            "discount_codes": [
                d.get("code") for d in o.get("discount_codes") or [] if isinstance(d, dict)
            ],
            "shipping_lines": [
                s.get("title") for s in o.get("shipping_lines") or [] if isinstance(s, dict)
            ],
            "taxes_included": bool(o.get("taxes_included")),
        }
    }
    return order
