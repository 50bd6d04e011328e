import pytest

from switchyard.fulfillment.picking import (
    UNASSIGNED,
    PickItem,
    ScanTarget,
    check_picked,
    pick_list,
    resolve_scan,
)
from switchyard.kernel.errors import ValidationFailed


def test_check_picked_reports_shorts_only_when_allowed():
    lines = [("a", 3), ("b", 1)]
    assert check_picked(lines, {"a": 3, "b": 1}, allow_short=False) == {}
    assert check_picked(lines, {"a": 1}, allow_short=True) == {"a": 2, "b": 1}
    with pytest.raises(ValidationFailed) as err:
        check_picked(lines, {"a": 1, "b": 1}, allow_short=False)
    assert [(e.field, e.code) for e in err.value.errors] == [
        ("lines.0.quantity", "pick_quantity_mismatch")
    ]


def test_resolve_scan_by_code_or_barcode_prefers_lines_with_room():
    targets = [
        ScanTarget("l1", "SKU-A", "400638133393", 0),
        ScanTarget("l2", "SKU-A", "400638133393", 2),
        ScanTarget("l3", "SKU-B", None, 1),
    ]
    assert resolve_scan("400638133393", targets, 1) == "l2"
    assert resolve_scan("SKU-B", targets, 1) == "l3"
    assert resolve_scan("SKU-B", targets, 5) == "l3"  # the aggregate refuses the over-pick
    with pytest.raises(ValidationFailed) as err:
        resolve_scan("nope", targets, 1)
    assert err.value.errors[0].field == "code"


def test_pick_list_groups_by_zone_then_bin_and_merges_skus():
    items = [
        PickItem("f1", "l1", "s1", "SKU-1", None, 2),
        PickItem("f2", "l7", "s1", "SKU-1", None, 1),
        PickItem("f1", "l2", "s2", "SKU-2", "123", 1),
        PickItem("f2", "l8", "s3", "SKU-3", None, 4),
        PickItem("f3", "l9", "s4", "SKU-4", None, 1),
    ]
    slots = {"s1": ("B", "B-02"), "s2": ("A", "A-09"), "s3": ("A", "A-01")}
    zones = pick_list(items, slots)
    assert [z["zone"] for z in zones] == ["A", "B", UNASSIGNED]
    assert [(p["bin"], p["sku"], p["quantity"]) for p in zones[0]["picks"]] == [
        ("A-01", "SKU-3", 4),
        ("A-09", "SKU-2", 1),
    ]
    (merged,) = zones[1]["picks"]
    assert merged["quantity"] == 3
    assert [t["fulfillment_id"] for t in merged["targets"]] == ["f1", "f2"]
    assert zones[2]["picks"][0]["bin"] is None
