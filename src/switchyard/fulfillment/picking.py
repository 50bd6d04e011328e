"""Picking rules: checking confirmed quantities, resolving scans, building pick lists. Pure."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from switchyard.kernel.errors import FieldError, ValidationFailed

UNASSIGNED = "unassigned"  # zone of SKUs without a storage slot at the location


def check_picked(
    lines: list[tuple[str, int]], picked: dict[str, int], allow_short: bool
) -> dict[str, int]:
    """Validate picked quantities against (order line id, quantity) lines.

    Returns the missing units per line (a short pick); raises when a quantity is
    negative, exceeds the line, names an unknown line, or falls short without
    ``allow_short``.
    """
    errors: list[FieldError] = []
    shorts: dict[str, int] = {}
    for i, (line_id, quantity) in enumerate(lines):
        got = picked.get(line_id, 0)
        if got < 0 or got > quantity:
            errors.append(
                FieldError(f"lines.{i}.quantity", "over_pick", f"expected at most {quantity}")
            )
        elif got < quantity:
            if allow_short:
                shorts[line_id] = quantity - got
            else:
                errors.append(
                    FieldError(
                        f"lines.{i}.quantity",
                        "pick_quantity_mismatch",
                        f"expected {quantity}, got {got} (allow_short to report a short pick)",
                    )
                )
    unknown = set(picked) - {line_id for line_id, _ in lines}
    errors += [FieldError("lines", "unknown_order_line", u) for u in sorted(unknown)]
    if errors:
        raise ValidationFailed("pick_mismatch", "picked quantities must match the lines", errors)
    return shorts


@dataclass(frozen=True, slots=True)
class ScanTarget:
    order_line_id: str
    sku: str
    barcode: str | None
    open_units: int  # still to pick


def resolve_scan(code: str, targets: list[ScanTarget], quantity: int) -> str:
    """The order line a scanned SKU code or barcode belongs to (the first with room)."""
    matching = [t for t in targets if code in (t.sku, t.barcode)]
    if not matching:
        raise ValidationFailed(
            "unknown_scan",
            f"'{code}' is no SKU or barcode of this fulfillment",
            [FieldError("code", "unknown_scan", code)],
        )
    for t in matching:
        if t.open_units >= quantity:
            return t.order_line_id
    return matching[0].order_line_id  # the aggregate reports the over-pick


@dataclass(frozen=True, slots=True)
class PickItem:
    fulfillment_id: str
    order_line_id: str
    sku_id: str
    sku: str
    barcode: str | None
    quantity: int


def pick_list(items: list[PickItem], slots: dict[str, tuple[str, str]]) -> list[dict[str, Any]]:
    """Units to pick grouped by zone, then walked in bin order; one entry per SKU and bin,
    with the fulfillments (order lines) the units go to. ``slots``: sku id -> (zone, bin)."""
    by_zone: dict[str, dict[tuple[str, str], list[PickItem]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for item in items:
        zone, bin_ = slots.get(item.sku_id, (UNASSIGNED, ""))
        by_zone[zone][(bin_, item.sku)].append(item)
    zones = sorted(by_zone, key=lambda z: (z == UNASSIGNED, z))
    return [
        {
            "zone": zone,
            "picks": [
                {
                    "bin": bin_ or None,
                    "sku": sku,
                    "barcode": group[0].barcode,
                    "quantity": sum(i.quantity for i in group),
                    "targets": [
                        {
                            "fulfillment_id": i.fulfillment_id,
                            "order_line_id": i.order_line_id,
                            "quantity": i.quantity,
                        }
                        for i in group
                    ],
                }
                for (bin_, sku), group in sorted(by_zone[zone].items())
            ],
        }
        for zone in zones
    ]
