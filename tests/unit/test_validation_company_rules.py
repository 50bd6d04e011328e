"""Company rules as data: definitions checked, each kind applied with its action."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from switchyard.orders.validation import (
    CatalogItem,
    ChannelInfo,
    CompanyRule,
    Customer,
    LineToValidate,
    OrderToValidate,
    ValidationContext,
    validate,
)
from switchyard.orders.validation.company_rules import rule_errors
from switchyard.orders.validation.pipeline import COMPANY_RULES

CATALOG = {"A": CatalogItem("A", list_price=Decimal("100")), "B": CatalogItem("B")}


def order(channel_type: str = "web", channel_id: str = "chn_1", **over: Any) -> OrderToValidate:
    values: dict[str, Any] = {
        "channel": ChannelInfo("c", channel_type, id=channel_id),
        "customer": Customer("Buyer@Shop.Example.com", "Buyer"),
        "currency": "EUR",
        "lines": (LineToValidate("A", 2, Decimal("100")), LineToValidate("B", 3, Decimal("10"))),
        "shipping_charge": Decimal("5"),
        "taxes": Decimal("10"),
    }
    values.update(over)
    return OrderToValidate(**values)


def rule(kind: str, params: dict[str, Any], action: str = "hold", **over: Any) -> CompanyRule:
    return CompanyRule(id=f"rul_{kind}", kind=kind, params=params, action=action, code=kind, **over)


def run(o: OrderToValidate, *rules: CompanyRule):
    result = validate(o, ValidationContext(catalog=CATALOG, company_rules=rules), [COMPANY_RULES])
    return [(f.code, f.severity, f.hold_type, f.field) for f in result.findings]


def test_max_order_value_counts_lines_discounts_shipping_and_taxes():
    # 2 x 100 + 3 x 10 + 5 + 10 = 245
    assert run(order(), rule("max_order_value", {"amount": "245", "currency": "EUR"})) == []
    assert run(order(), rule("max_order_value", {"amount": "244.99", "currency": "EUR"})) == [
        ("max_order_value_exceeded", "warning", "fraud", "total")
    ]
    discounted = order(lines=(LineToValidate("A", 2, Decimal("100"), Decimal("20")),))
    assert run(discounted, rule("max_order_value", {"amount": "195", "currency": "EUR"})) == []


def test_max_order_value_uses_list_prices_for_unpriced_lines_and_only_its_currency():
    unpriced = order(lines=(LineToValidate("A", 3),))  # 300 at the list price
    assert run(unpriced, rule("max_order_value", {"amount": "250", "currency": "EUR"})) != []
    assert run(order(), rule("max_order_value", {"amount": "1", "currency": "USD"})) == []


def test_max_quantity_adds_up_lines_of_one_sku():
    two_lines = order(
        lines=(LineToValidate("A", 3, Decimal(1)), LineToValidate("A", 3, Decimal(1)))
    )
    assert run(two_lines, rule("max_quantity_per_sku", {"max_quantity": 5}, "error")) == [
        ("max_quantity_exceeded", "error", None, "lines.1.quantity")
    ]
    assert run(two_lines, rule("max_quantity_per_sku", {"max_quantity": 6})) == []
    only_b = rule("max_quantity_per_sku", {"max_quantity": 1, "skus": ["b"]})
    assert run(order(), only_b) == [
        ("max_quantity_exceeded", "warning", "manual", "lines.1.quantity")
    ]


@pytest.mark.parametrize(
    ("params", "blocked"),
    [
        ({"emails": ["buyer@shop.example.com"]}, True),
        ({"domains": ["example.com"]}, True),  # subdomains too
        ({"domains": ["@shop.example.com"]}, True),
        ({"domains": ["ample.com"]}, False),
        ({"emails": ["other@shop.example.com"]}, False),
    ],
)
def test_blocked_customers_by_email_or_domain(params, blocked):
    findings = run(order(), rule("blocked_customer", params, "error"))
    assert findings == ([("blocked_customer", "error", None, "customer.email")] if blocked else [])


def test_po_required_for_b2b_channel_types():
    po = rule("po_required", {"channel_types": ["b2b", "edi"]}, "error")
    assert run(order("b2b"), po) == [("po_number_required", "error", None, "po_number")]
    assert run(order("b2b", po_number="PO-1"), po) == []
    assert run(order("web"), po) == []


def test_hold_type_override_and_channel_scope():
    held = rule("max_order_value", {"amount": "1", "currency": "EUR"}, hold_type="manual")
    assert run(order(), held)[0][2] == "manual"
    other_channel = rule("max_order_value", {"amount": "1", "currency": "EUR"}, channel_id="chn_2")
    assert run(order(), other_channel) == []


def test_a_broken_stored_rule_holds_instead_of_passing():
    broken = rule("max_order_value", {"amount": "lots"})
    unknown = rule("telepathy", {})
    assert run(order(), broken, unknown) == [
        ("company_rule_failed", "warning", "manual", ""),
        ("company_rule_failed", "warning", "manual", ""),
    ]


def test_rule_definitions_are_checked():
    assert rule_errors("max_order_value", {"amount": "10", "currency": "EUR"}, "hold", None) == []
    fields = {
        e.field for e in rule_errors("max_order_value", {"amount": -1, "currency": "eur"}, "x", "y")
    }
    assert fields == {"params.amount", "params.currency", "action", "hold_type"}
    assert {
        e.field for e in rule_errors("max_quantity_per_sku", {"max_quantity": True}, "hold", None)
    } == {"params.max_quantity"}
    assert [e.code for e in rule_errors("blocked_customer", {}, "error", None)] == [
        "nothing_blocked"
    ]
    assert [e.field for e in rule_errors("nope", [], "hold", None)] == ["kind", "params"]
    assert rule_errors("po_required", {"channel_types": "b2b"}, "hold", None)[0].field == (
        "params.channel_types"
    )
