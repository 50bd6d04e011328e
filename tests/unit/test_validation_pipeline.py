"""The pipeline: every finding at once, holds vs errors, normalised output, robustness."""

from __future__ import annotations

from decimal import Decimal

import pytest

from switchyard.kernel.errors import ValidationFailed
from switchyard.orders.validation import (
    DEFAULT_RULES,
    CatalogItem,
    ChannelInfo,
    CompanyRule,
    Compliance,
    DeniedParty,
    Embargo,
    Finding,
    OrderToValidate,
    PartyScreener,
    Rule,
    ValidationContext,
    validate,
)

CTX = ValidationContext(
    catalog={
        "TEE": CatalogItem("TEE", list_price=Decimal("20")),
        "MUG": CatalogItem("MUG", list_price=Decimal("8")),
    },
    company_rules=(
        CompanyRule("r1", "max_order_value", {"amount": "100", "currency": "EUR"}, "hold"),
        CompanyRule("r2", "blocked_customer", {"domains": ["spam.example"]}, "error"),
    ),
    compliance=Compliance(
        embargoes={"KP": Embargo("KP")},
        screener=PartyScreener([DeniedParty("p1", "TARASOV, Grigory", source="SDN")]),
    ),
)
CHANNEL = ChannelInfo("web-de", "web", {"price_tolerance_pct": 1}, id="chn_1")


def payload(**over):
    body = {
        "external_id": "W-1",
        "customer": {"email": "ana@example.com", "name": "Ana Silva", "phone": "030 1234567"},
        "shipping_address": {
            "name": "Ana Silva",
            "line1": "Unter den Linden 1",
            "city": "Berlin",
            "postal_code": "10117",
            "country_code": "de",
        },
        "currency": "EUR",
        "lines": [
            {"sku": "TEE", "quantity": 2, "unit_price": "20.00", "discount": "5.00"},
            {"sku": "MUG", "quantity": 1, "unit_price": 8},
        ],
        "shipping_charge": "4.90",
        "taxes": "7.50",
    }
    body.update(over)
    return body


def test_a_good_order_passes_with_normalised_contact_data():
    result = validate(OrderToValidate.from_payload(CHANNEL, payload()), CTX)
    assert result.findings == ()
    assert not result.rejected and not result.on_hold and result.hold_types == ()
    assert result.phone == "+49301234567"
    assert result.shipping_address["country_code"] == "DE"
    result.raise_for_errors()  # nothing to raise


def test_every_failed_check_is_reported_at_once():
    body = payload(
        customer={"email": "x@spam.example", "name": "Grigory Tarasov", "phone": "12"},
        shipping_address={"line1": "x", "city": "Pyongyang", "country_code": "KP"},
        lines=[
            {"sku": "TEE", "quantity": 9, "unit_price": "25.00"},
            {"sku": "GONE", "quantity": 1, "unit_price": "1"},
        ],
    )
    result = validate(OrderToValidate.from_payload(CHANNEL, body), CTX)
    codes = {(f.code, f.field) for f in result.findings}
    assert codes == {
        ("invalid_phone", "customer.phone"),
        ("price_mismatch", "lines.0.unit_price"),
        ("unknown_sku", "lines.1.sku"),
        ("max_order_value_exceeded", "total"),
        ("blocked_customer", "customer.email"),
        ("embargoed_country", "shipping_address.country_code"),
        ("denied_party_match", "customer.name"),
    }
    assert result.rejected and not result.on_hold
    assert result.hold_types == ("address", "fraud", "compliance", "price")
    with pytest.raises(ValidationFailed) as caught:
        result.raise_for_errors()
    assert caught.value.code == "order_rejected"
    assert {e.field for e in caught.value.errors} == {
        "lines.1.sku",
        "customer.email",
        "shipping_address.country_code",
    }


def test_warnings_only_hold_the_order():
    body = payload(lines=[{"sku": "TEE", "quantity": 1, "unit_price": "30.00"}])
    result = validate(OrderToValidate.from_payload(CHANNEL, body), CTX)
    assert result.on_hold and not result.rejected and result.hold_types == ("price",)
    assert [f.as_dict()["severity"] for f in result.findings] == ["warning"]


def test_one_error_per_field():
    body = payload(
        shipping_address={"name": "A", "line1": "", "city": "Berlin", "country_code": "DE"}
    )
    result = validate(OrderToValidate.from_payload(CHANNEL, body), CTX)
    at_line1 = [f for f in result.findings if f.field == "shipping_address.line1"]
    assert [f.code for f in at_line1] == ["missing_field"]


def test_a_crashing_rule_holds_the_order_and_the_others_still_run():
    def broken(order, ctx, work):
        raise RuntimeError("boom")

    rules = (Rule("broken", broken, "compliance"), *DEFAULT_RULES)
    body = payload(lines=[{"sku": "GONE", "quantity": 1, "unit_price": "1"}])
    result = validate(OrderToValidate.from_payload(CHANNEL, body), CTX, rules)
    assert [(f.code, f.hold_type) for f in result.findings] == [
        ("rule_failed", "compliance"),
        ("unknown_sku", None),
    ]


def test_rules_are_pluggable():
    def no_mugs(order, ctx, work):
        for i, line in enumerate(order.lines):
            if line.sku == "MUG":
                yield Finding("no_mugs", "warning", "manual", f"lines.{i}.sku", "no mugs today")

    result = validate(
        OrderToValidate.from_payload(CHANNEL, payload()), CTX, [Rule("mugs", no_mugs)]
    )
    assert [(f.code, f.field) for f in result.findings] == [("no_mugs", "lines.1.sku")]


def test_findings_are_consistent():
    with pytest.raises(ValueError):
        Finding("x", "warning", None, "", "a warning needs a hold type")
    with pytest.raises(ValueError):
        Finding("x", "error", "price", "", "an error has none")


def test_order_total():
    o = OrderToValidate.from_payload(CHANNEL, payload())
    # 2 x 20 - 5 + 8 + 4.90 + 7.50
    assert o.total() == Decimal("55.40")
