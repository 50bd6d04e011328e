"""Completeness: required fields per channel type and delivery method, sane amounts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from switchyard.orders.validation import (
    CatalogItem,
    ChannelInfo,
    OrderToValidate,
    ValidationContext,
    validate,
)
from switchyard.orders.validation.pipeline import COMPLETENESS

CTX = ValidationContext(catalog={"SKU-1": CatalogItem("SKU-1", list_price=Decimal("10"))})


def order(channel_type: str = "web", settings: dict[str, Any] | None = None, **over: Any):
    payload: dict[str, Any] = {
        "external_id": "A-1",
        "customer": {"email": "ana@example.com", "name": "Ana Silva", "phone": None},
        "shipping_address": {
            "name": "Ana Silva",
            "line1": "Unter den Linden 1",
            "city": "Berlin",
            "postal_code": "10117",
            "country_code": "DE",
        },
        "currency": "EUR",
        "lines": [{"sku": "SKU-1", "quantity": 1, "unit_price": "10.00"}],
    }
    payload.update(over)
    channel = ChannelInfo("c1", channel_type, settings or {})
    return OrderToValidate.from_payload(channel, payload)


def codes(o: OrderToValidate) -> set[tuple[str, str]]:
    return {(f.code, f.field) for f in validate(o, CTX, [COMPLETENESS]).findings}


def test_a_complete_web_order_passes():
    assert codes(order()) == set()


def test_web_orders_need_an_email_pos_orders_do_not():
    assert ("missing_field", "customer.email") in codes(order(customer={"name": "Ana"}))
    assert codes(order("pos", customer={"name": "Ana"})) == set()


def test_marketplace_needs_an_external_id_and_b2b_a_billing_address():
    assert ("missing_field", "external_id") in codes(order("marketplace", external_id=None))
    assert ("missing_field", "billing_address") in codes(order("b2b"))


def test_po_number_when_the_channel_requires_it():
    settings = {"po_required": True}
    assert ("po_number_required", "po_number") in codes(
        order("edi", settings, billing_address={"x": 1})
    )
    assert ("po_number_required", "po_number") not in codes(
        order("edi", settings, billing_address={"x": 1}, po_number="PO-7")
    )
    assert ("po_number_required", "po_number") not in codes(order("edi", billing_address={"x": 1}))


def test_channel_settings_add_required_fields():
    found = codes(order(settings={"required_fields": ["customer.phone", "notes"]}))
    assert found == {("missing_field", "customer.phone"), ("missing_field", "notes")}


def test_ship_needs_an_address_pickup_needs_a_location():
    assert ("shipping_address_required", "shipping_address") in codes(order(shipping_address=None))
    pickup = order(delivery_method="pickup", shipping_address=None)
    assert codes(pickup) == {("pickup_location_required", "pickup_location_id")}
    assert codes(order(delivery_method="pickup", pickup_location_id="loc_1")) == set()
    assert codes(order(delivery_method="drone")) == {("invalid_delivery_method", "delivery_method")}


def test_pickup_location_checked_when_the_context_knows_them():
    ctx = ValidationContext(catalog=CTX.catalog, pickup_location_ids=frozenset({"loc_1"}))
    o = order(delivery_method="pickup", pickup_location_id="loc_9", shipping_address=None)
    found = {(f.code, f.field) for f in validate(o, ctx, [COMPLETENESS]).findings}
    assert found == {("unknown_pickup_location", "pickup_location_id")}


def test_ship_to_needs_street_city_country_and_a_recipient():
    o = order(shipping_address={"line1": "", "city": "Berlin"}, customer={"email": "a@b.de"})
    assert codes(o) == {
        ("missing_field", "shipping_address.line1"),
        ("missing_field", "shipping_address.country_code"),
        ("missing_field", "shipping_address.name"),
    }


def test_impossible_amounts_and_quantities():
    o = order(
        currency="eur",
        customer={"email": "not-an-email", "name": "Ana"},
        shipping_charge="-1",
        lines=[
            {"sku": "SKU-1", "quantity": 0, "unit_price": "-5"},
            {"sku": "SKU-1", "quantity": 2, "unit_price": "10", "discount": "25"},
            {"sku": "", "quantity": 1, "unit_price": "1", "discount": "-1"},
        ],
    )
    assert codes(o) == {
        ("invalid_currency", "currency"),
        ("invalid_email", "customer.email"),
        ("invalid_amount", "shipping_charge"),
        ("invalid_quantity", "lines.0.quantity"),
        ("invalid_amount", "lines.0.unit_price"),
        ("discount_exceeds_line", "lines.1.discount"),
        ("missing_field", "lines.2.sku"),
        ("invalid_amount", "lines.2.discount"),
    }
    assert codes(order(lines=[])) == {("no_lines", "lines")}


def test_every_completeness_finding_is_an_error():
    result = validate(order(shipping_address=None, customer={}), CTX, [COMPLETENESS])
    assert result.findings and all(f.severity == "error" for f in result.findings)
    assert result.rejected and not result.on_hold
