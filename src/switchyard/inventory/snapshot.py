"""Rules of a full stock snapshot, in plain Python: what it covers and how much it may take.

A full snapshot states its ``scope``. ``location``: it is the whole location, so a SKU
the location holds but the snapshot omits is counted as 0. ``listed``: it sets only the
SKUs it lists and leaves every other balance alone. Whatever the scope, a snapshot that
would take away more than ``max_removal_ratio`` of the location's on-hand units, or zero
more than that share of its SKUs in stock, is refused unless the caller says ``force``:
a truncated export must not empty a warehouse.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from switchyard.kernel.errors import Conflict

SCOPES = ("location", "listed")
# Share of a location's on-hand units (or of its SKUs in stock) a snapshot may take away
# without ``force``.
DEFAULT_MAX_REMOVAL_RATIO = 0.5
# Per-SKU changes a sync result lists (biggest first); the counts always cover them all.
CHANGES_SHOWN = 1000


def covered_skus(scope: str, listed: Iterable[str], held: Iterable[str]) -> list[str]:
    """SKU ids a full snapshot sets, in order: ``location``, every SKU listed or held at
    the location (those not listed become 0); ``listed``, the listed ones only."""
    if scope == "location":
        return sorted(set(listed) | set(held))
    return sorted(set(listed))


@dataclass(frozen=True, slots=True)
class Removal:
    """What a snapshot takes away from a location, against what the location holds."""

    units_removed: int
    units_on_hand: int  # at the location before the snapshot, every SKU
    skus_zeroed: int  # SKUs in stock before, 0 after
    skus_in_stock: int  # SKUs with on_hand > 0 at the location before

    @property
    def units_ratio(self) -> float:
        return self.units_removed / self.units_on_hand if self.units_on_hand else 0.0

    @property
    def skus_ratio(self) -> float:
        return self.skus_zeroed / self.skus_in_stock if self.skus_in_stock else 0.0


def removal_of(before: dict[str, int], after: dict[str, int]) -> Removal:
    """``before``: on_hand of every SKU at the location; ``after``: the new on_hand of the
    SKUs the snapshot changes."""
    removed = sum(max(0, before.get(s, 0) - q) for s, q in after.items())
    zeroed = sum(1 for s, q in after.items() if q == 0 and before.get(s, 0) > 0)
    in_stock = sum(1 for q in before.values() if q > 0)
    return Removal(removed, sum(before.values()), zeroed, in_stock)


def check_removal(removal: Removal, max_ratio: float) -> None:
    """Refuse (409 ``snapshot_removes_too_much``) a snapshot that takes away more than
    ``max_ratio`` of the location's on-hand units or of its SKUs in stock."""
    if removal.units_ratio <= max_ratio and removal.skus_ratio <= max_ratio:
        return
    raise Conflict(
        "snapshot_removes_too_much",
        f"the snapshot would remove {removal.units_removed} of the {removal.units_on_hand} "
        f"units on hand ({removal.units_ratio:.0%}) and zero {removal.skus_zeroed} of the "
        f"{removal.skus_in_stock} SKUs in stock ({removal.skus_ratio:.0%}), more than "
        f"max_removal_ratio {max_ratio:g} allows; nothing was changed. Check the export "
        "with dry_run, send scope 'listed' if it covers only some SKUs, or force if it "
        "is right",
        extra={
            "units_removed": removal.units_removed,
            "units_on_hand": removal.units_on_hand,
            "units_ratio": round(removal.units_ratio, 4),
            "skus_zeroed": removal.skus_zeroed,
            "skus_in_stock": removal.skus_in_stock,
            "skus_ratio": round(removal.skus_ratio, 4),
            "max_removal_ratio": max_ratio,
        },
    )


def biggest_first(changes: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """(sku_id, before, after) rows by the size of the change, then by SKU id."""
    return sorted(changes, key=lambda c: (-abs(c[2] - c[1]), c[0]))
