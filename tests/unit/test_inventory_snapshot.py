"""Rules of a full stock snapshot without a database: scope, removal figures, the guard."""

from __future__ import annotations

import pytest

from switchyard.inventory.snapshot import (
    DEFAULT_MAX_REMOVAL_RATIO,
    Removal,
    biggest_first,
    check_removal,
    covered_skus,
    removal_of,
)
from switchyard.kernel.errors import Conflict


def test_scope_location_covers_what_the_location_holds_listed_only_the_rows():
    assert covered_skus("location", ["b", "z"], ["a", "b", "c"]) == ["a", "b", "c", "z"]
    assert covered_skus("listed", ["b", "z"], ["a", "b", "c"]) == ["b", "z"]
    assert covered_skus("listed", [], ["a"]) == []


def test_removal_counts_units_taken_and_skus_zeroed_against_the_whole_location():
    before = {"a": 10, "b": 5, "c": 0, "d": 20}
    removal = removal_of(before, {"a": 0, "b": 7, "c": 0, "new": 3})
    assert removal == Removal(units_removed=10, units_on_hand=35, skus_zeroed=1, skus_in_stock=3)
    assert removal.units_ratio == pytest.approx(10 / 35)
    assert removal.skus_ratio == pytest.approx(1 / 3)
    empty = removal_of({}, {"x": 4})
    assert (empty.units_ratio, empty.skus_ratio) == (0.0, 0.0)


@pytest.mark.parametrize(
    ("removal", "refused"),
    [
        (Removal(50, 100, 1, 10), False),  # exactly the threshold: allowed
        (Removal(51, 100, 1, 10), True),  # units over it
        (Removal(1, 100, 5, 10), False),
        (Removal(1, 100, 6, 10), True),  # SKUs zeroed over it
        (Removal(0, 0, 0, 0), False),  # an empty location
    ],
)
def test_the_guard_refuses_more_than_the_ratio_of_units_or_skus(removal, refused):
    if not refused:
        check_removal(removal, DEFAULT_MAX_REMOVAL_RATIO)
        return
    with pytest.raises(Conflict) as caught:
        check_removal(removal, DEFAULT_MAX_REMOVAL_RATIO)
    assert caught.value.code == "snapshot_removes_too_much"
    assert caught.value.extra["units_removed"] == removal.units_removed
    assert caught.value.extra["skus_zeroed"] == removal.skus_zeroed
    assert caught.value.extra["max_removal_ratio"] == 0.5
    assert "nothing was changed" in caught.value.detail


def test_ratio_zero_refuses_any_removal_and_one_none():
    with pytest.raises(Conflict):
        check_removal(Removal(1, 1000, 0, 10), 0)
    check_removal(Removal(1000, 1000, 10, 10), 1)


def test_changes_are_listed_biggest_first_then_by_sku():
    rows = [("b", 10, 9), ("a", 0, 5), ("c", 5, 0), ("d", 3, 3)]
    assert biggest_first(rows) == [("a", 0, 5), ("c", 5, 0), ("b", 10, 9), ("d", 3, 3)]
