"""Catalog rules without a database: kits, prices, SKU fields."""

from __future__ import annotations

from decimal import Decimal

import pytest

from switchyard.catalog.domain import (
    Component,
    component_errors,
    duplicate_indexes,
    find_cycle,
    format_amount,
    price_errors,
    product_choice_errors,
    validate_sku,
)
from switchyard.kernel.errors import ValidationFailed


def graph_lookup(graph: dict[str, list[str]]):
    calls: list[set[str]] = []

    def children_of(ids: set[str]) -> dict[str, list[str]]:
        calls.append(set(ids))
        return {i: graph[i] for i in ids if i in graph}

    return children_of, calls


def test_no_cycle_in_a_tree_of_kits():
    children_of, _ = graph_lookup({"B": ["C", "D"], "C": ["E"]})
    assert find_cycle("A", ["B"], children_of) is None


def test_cycle_through_nested_kits_is_found_with_its_path():
    # A will contain B; B holds C; C holds A: A > B > C > A.
    children_of, calls = graph_lookup({"B": ["C"], "C": ["A"], "X": ["Y"]})
    assert find_cycle("A", ["X", "B"], children_of) == ["B", "C", "A"]
    assert len(calls) == 2  # one lookup per level, not per SKU


def test_direct_self_reference_is_a_cycle():
    children_of, _ = graph_lookup({})
    assert find_cycle("A", ["A"], children_of) == ["A"]


def test_diamonds_are_not_cycles():
    children_of, _ = graph_lookup({"B": ["D"], "C": ["D"], "D": ["E"]})
    assert find_cycle("A", ["B", "C"], children_of) is None


def test_component_rules_name_the_index():
    errors = component_errors("K", [Component("A", 1), Component("K", 1), Component("A", 0)])
    got = {(e.field, e.code) for e in errors}
    assert got == {
        ("components.1.sku", "kit_contains_itself"),
        ("components.2.quantity", "out_of_range"),
        ("components.2.sku", "duplicate_component"),
    }


@pytest.mark.parametrize(
    ("currency", "amount", "codes"),
    [
        ("EUR", Decimal("19.99"), set()),
        ("EUR", Decimal("0"), set()),
        ("JPY", Decimal("1500"), set()),
        ("eur", Decimal("1"), {"invalid_currency"}),
        ("EURO", Decimal("1"), {"invalid_currency"}),
        ("EUR", Decimal("-0.01"), {"out_of_range"}),
        ("EUR", Decimal("1.00001"), {"too_precise"}),
        ("EUR", Decimal("NaN"), {"out_of_range"}),
        ("EUR", Decimal("1e12"), {"out_of_range"}),
    ],
)
def test_price_rules(currency, amount, codes):
    errors = price_errors(currency, amount, "prices.0.")
    assert {e.code for e in errors} == codes
    assert all(e.field.startswith("prices.0.") for e in errors)


def test_amounts_show_two_decimals_or_as_many_as_they_need():
    assert str(format_amount(Decimal("19.9900"))) == "19.99"
    assert str(format_amount(Decimal("20.0000"))) == "20.00"
    assert str(format_amount(Decimal("0.1250"))) == "0.125"
    assert str(format_amount(Decimal("0.0001"))) == "0.0001"


def test_duplicate_indexes_point_at_the_repeats():
    assert duplicate_indexes(["a", "b", "a", "c", "b", "a"]) == [2, 4, 5]
    assert duplicate_indexes([]) == []


def test_a_sku_names_exactly_one_product():
    assert product_choice_errors({"product_id": "prd_1"}) == []
    assert product_choice_errors({"product_name": "Tee"}) == []
    for values in ({}, {"product_id": "prd_1", "product_name": "Tee"}):
        (error,) = product_choice_errors(values, "items.4.")
        assert (error.field, error.code) == ("items.4.product_id", "product_required")


def test_measures_cannot_be_negative():
    validate_sku({"weight_grams": 0, "length_mm": 10, "width_mm": None})
    with pytest.raises(ValidationFailed) as caught:
        validate_sku({"weight_grams": -1, "height_mm": -5})
    assert {e.field for e in caught.value.errors} == {"weight_grams", "height_mm"}
