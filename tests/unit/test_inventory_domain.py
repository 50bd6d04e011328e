"""Inventory rules without a database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from switchyard.inventory.domain import (
    Level,
    ReservationRequest,
    available_of,
    check_lines,
    check_policy,
    check_quantities,
    group_by_pair,
    kit_available,
    plan_allocation,
    plan_shortfall,
    reconcile_snapshot,
    resolve_policy,
    signals,
    timeline,
)
from switchyard.kernel.errors import ValidationFailed


def test_available_never_negative():
    assert available_of(10, 3, 2) == 5
    assert available_of(3, 3, 2) == 0
    assert Level(5, 1, 1).available == 3


def test_requests_are_grouped_in_lock_order_with_their_indexes():
    reqs = [
        ReservationRequest("sku_b", "loc_1", 1),
        ReservationRequest("sku_a", "loc_2", 2),
        ReservationRequest("sku_b", "loc_1", 3),
        ReservationRequest("sku_a", "loc_1", 1),
    ]
    assert group_by_pair(reqs) == [
        (("sku_a", "loc_1"), 1, [3]),
        (("sku_a", "loc_2"), 2, [1]),
        (("sku_b", "loc_1"), 4, [0, 2]),
    ]


def test_bad_quantities_name_each_line():
    with pytest.raises(ValidationFailed) as caught:
        check_quantities([ReservationRequest("a", "l", 1), ReservationRequest("a", "l", 0)])
    assert [e.field for e in caught.value.errors] == ["lines.1.quantity"]
    with pytest.raises(ValidationFailed) as caught:
        check_lines([("a", 1), ("a", 2), ("b", -1)])
    assert {e.field for e in caught.value.errors} == {"lines.1.sku", "lines.2.quantity"}


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (Level(5, 0), Level(5, 5), ["inventory.out_of_stock"]),
        (Level(5, 5), Level(6, 5), ["inventory.back_in_stock"]),
        (Level(10, 4, 0, 6), Level(10, 5, 0, 6), ["inventory.low"]),
        (Level(10, 5, 0, 6), Level(10, 6, 0, 6), []),  # already low: said once
        (Level(10, 0, 0, 3), Level(10, 10, 0, 3), ["inventory.out_of_stock", "inventory.low"]),
        (Level(5, 1), Level(5, 2), []),
    ],
)
def test_signals_fire_on_crossings_only(before, after, expected):
    assert signals(before, after) == expected


def test_allocation_is_oldest_first_and_partial():
    waiting = [("r1", 3), ("r2", 2), ("r3", 1)]
    assert plan_allocation(4, waiting) == [("r1", 3), ("r2", 1)]
    assert plan_allocation(0, waiting) == []
    assert plan_allocation(10, waiting) == waiting


def test_shortfall_takes_from_the_newest():
    assert plan_shortfall(3, [("new", 2), ("mid", 2), ("old", 5)]) == [("new", 2), ("mid", 1)]
    assert plan_shortfall(0, [("new", 2)]) == []


def test_snapshot_reconciliation():
    assert reconcile_snapshot(10, -3) == 7
    assert reconcile_snapshot(10, 4) == 14
    assert reconcile_snapshot(1, -3) == 0


def test_kits_take_the_scarcest_component():
    assert kit_available({"frame": 3, "wheel": 5}, {"frame": 1, "wheel": 2}) == 2
    assert kit_available({"frame": 3}, {"frame": 1, "wheel": 2}) == 0
    assert kit_available({}, {}) == 0


def test_timeline_accumulates_by_date():
    d1 = datetime(2026, 3, 1, tzinfo=UTC)
    d2 = datetime(2026, 3, 9, tzinfo=UTC)
    assert timeline(2, [(d2, 10), (d1, 3), (d1, 1)]) == [(d1, 6), (d2, 16)]
    assert timeline(2, []) == []


def test_policy_resolution():
    assert resolve_policy("backorder", None) == "backorder"
    assert resolve_policy("backorder", "preorder") == "preorder"
    assert resolve_policy(None, None) == "deny"
    assert resolve_policy("nonsense", None) == "deny"
    check_policy("deny")
    with pytest.raises(ValidationFailed):
        check_policy("maybe")
