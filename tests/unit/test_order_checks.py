"""Pure helpers of order placement: storable input, holds from findings, amendment diffs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from switchyard.kernel.errors import ValidationFailed
from switchyard.kernel.ids import new_id
from switchyard.orders.checks import OrderCheck
from switchyard.orders.holds_domain import Hold, held_since, holds_from_findings
from switchyard.orders.input_checks import check_attributes, require_amounts_fit, require_storable
from switchyard.orders.search_repository import id_at
from switchyard.orders.validation import ValidationResult
from switchyard.orders.validation.model import error, hold

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)


def test_unstorable_text_is_named_by_field():
    data = {
        "customer": {"name": "Ann\x00a"},
        "lines": [{"sku": "ok"}, {"sku": "bad\udc80"}],
        "attributes": {"score": float("nan"), "fine": 1.5},
    }
    with pytest.raises(ValidationFailed) as caught:
        require_storable(data)
    fields = {(e.field, e.code) for e in caught.value.errors}
    assert fields == {
        ("customer.name", "invalid_text"),
        ("lines.1.sku", "invalid_text"),
        ("attributes.score", "not_finite"),
    }
    require_storable({"name": "Zoë 山田 👋", "n": 1.5, "nested": [{"a": None}]})


def test_attribute_and_amount_limits():
    assert check_attributes({"a": 1}) == {"a": 1}
    with pytest.raises(ValueError):
        check_attributes({"a": "x" * 20_000})
    with pytest.raises(ValueError):
        check_attributes({"a": float("inf")})
    require_amounts_fit({"total": Decimal("999999999999.99")})
    with pytest.raises(ValidationFailed) as caught:
        require_amounts_fit({"lines.0": Decimal(10) ** 12, "total": Decimal(1)})
    assert [e.field for e in caught.value.errors] == ["lines.0"]


def test_one_hold_per_type_with_its_findings():
    warnings = [
        hold("price", "price_mismatch", "lines.0.unit_price", "too cheap"),
        hold("address", "invalid_postal_code", "shipping_address.postal_code", "odd"),
        hold("price", "price_mismatch", "lines.1.unit_price", "also too cheap"),
    ]
    holds = holds_from_findings("ord_1", warnings, "alice", NOW)
    assert [h.type for h in holds] == ["address", "price"]  # in HOLD_TYPES order
    price = holds[1]
    assert price.reason == "too cheap; also too cheap" and len(price.findings) == 2
    assert {h.source for h in holds} == {"validation"} and holds[0].placed_by == "alice"
    assert holds_from_findings("ord_1", [], "alice", NOW) == []


def test_held_since_is_the_oldest_active_hold():
    older = Hold("h1", "o", "fraud", "manual", "x", [], NOW - timedelta(hours=2), "a")
    newer = Hold("h2", "o", "price", "manual", "y", [], NOW, "a")
    assert held_since([older, newer]) == older.placed_at
    older.released_at = NOW
    assert held_since([older, newer]) == NOW
    newer.released_at = NOW
    assert held_since([older, newer]) is None


def test_amendments_see_only_findings_the_change_caused():
    def check(line_ids: tuple[str, ...], *findings) -> OrderCheck:
        return OrderCheck(ValidationResult(tuple(findings)), line_ids)

    before = check(("a", "b"), hold("price", "price_mismatch", "lines.1.unit_price", "old"))
    # line "a" was cancelled, so "b" is now lines.0: the same finding, not a new one
    after = check(
        ("b", "c"),
        hold("price", "price_mismatch", "lines.0.unit_price", "old"),
        error("unknown_sku", "lines.1.sku", "new line"),
    )
    new = after.new_since(before)
    assert [(f.code, after.field(f.field)) for f in new] == [("unknown_sku", "lines.c.sku")]


def test_ids_bound_placement_times():
    made = new_id("ord")
    assert id_at(datetime.now(UTC) - timedelta(seconds=5)) < made
    assert made < id_at(datetime.now(UTC) + timedelta(seconds=5))
    assert id_at(NOW) < id_at(NOW + timedelta(milliseconds=1))
