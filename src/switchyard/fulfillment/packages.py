"""Packages: what leaves a location in one box, and how picked units are packed into them.

A package is also a *shipment* once it has a carrier and a tracking number. Its status
follows the carrier's scans: packed -> shipped -> in_transit -> out_for_delivery ->
delivered, with ``exception`` possible on the way. Pure Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from switchyard.kernel.errors import FieldError, ValidationFailed
from switchyard.kernel.ids import new_id

PACKED = "packed"
SHIPPED = "shipped"
IN_TRANSIT = "in_transit"
OUT_FOR_DELIVERY = "out_for_delivery"
DELIVERED = "delivered"
EXCEPTION = "exception"

TRACKING_STATUSES = (IN_TRANSIT, OUT_FOR_DELIVERY, DELIVERED, EXCEPTION)


@dataclass(slots=True)
class Package:
    id: str
    number: int  # 1..n within its fulfillment, printed as "package 1 of 2"
    items: dict[str, int]  # order line id -> units in this box
    weight_grams: int | None = None
    length_mm: int | None = None
    width_mm: int | None = None
    height_mm: int | None = None
    carrier: str | None = None
    service: str | None = None
    tracking_number: str | None = None
    status: str = PACKED
    shipping_cost: Decimal | None = None
    currency: str | None = None
    estimated_delivery: date | None = None
    last_event_at: datetime | None = None

    @property
    def delivered(self) -> bool:
        return self.status == DELIVERED


@dataclass(frozen=True, slots=True)
class PackageSpec:
    """A box as the packer (or a 3PL) describes it. ``items`` None: everything picked."""

    items: dict[str, int] | None = None
    weight_grams: int | None = None
    length_mm: int | None = None
    width_mm: int | None = None
    height_mm: int | None = None
    carrier: str | None = None
    service: str | None = None
    tracking_number: str | None = None


@dataclass(frozen=True, slots=True)
class PackPlan:
    picked: dict[str, int]  # order line id -> units picked
    sku_of: dict[str, str] = field(default_factory=dict)  # order line id -> sku id
    sku_weights: dict[str, int] = field(default_factory=dict)  # sku id -> grams


def plan_packages(plan: PackPlan, specs: list[PackageSpec] | None) -> list[Package]:
    """Boxes holding exactly the picked units; unknown weights come from the SKUs."""
    wanted = {line: qty for line, qty in plan.picked.items() if qty > 0}
    specs = specs or [PackageSpec()]
    if len(specs) > 1 and any(s.items is None for s in specs):
        raise ValidationFailed(
            "items_required",
            "with more than one package, every package lists its items",
            [
                FieldError(f"packages.{i}.items", "required", "list the units in this package")
                for i, s in enumerate(specs)
                if s.items is None
            ],
        )
    contents = [dict(wanted) if s.items is None else s.items for s in specs]
    errors: list[FieldError] = []
    totals: dict[str, int] = {}
    for i, items in enumerate(contents):
        if not any(q > 0 for q in items.values()):
            errors.append(FieldError(f"packages.{i}.items", "empty_package", "nothing in it"))
        for line, qty in items.items():
            if line not in wanted:
                errors.append(FieldError(f"packages.{i}.items", "not_picked", line))
            elif qty < 0:
                errors.append(FieldError(f"packages.{i}.items", "negative_quantity", line))
            totals[line] = totals.get(line, 0) + qty
    for line, qty in sorted(wanted.items()):
        if totals.get(line, 0) != qty:
            errors.append(
                FieldError(
                    "packages",
                    "pack_quantity_mismatch",
                    f"line {line}: {qty} picked, {totals.get(line, 0)} packed",
                )
            )
    if errors:
        raise ValidationFailed(
            "pack_mismatch", "packages must hold exactly the picked units", errors
        )
    return [
        Package(
            id=new_id("pkg"),
            number=i + 1,
            items={line: qty for line, qty in items.items() if qty > 0},
            weight_grams=spec.weight_grams
            if spec.weight_grams is not None
            else _weight(plan, items),
            length_mm=spec.length_mm,
            width_mm=spec.width_mm,
            height_mm=spec.height_mm,
            carrier=spec.carrier,
            service=spec.service,
            tracking_number=spec.tracking_number,
        )
        for i, (spec, items) in enumerate(zip(specs, contents, strict=True))
    ]


def _weight(plan: PackPlan, items: dict[str, int]) -> int | None:
    """The SKUs' weights summed; None when any SKU has no weight."""
    total = 0
    for line, qty in items.items():
        grams = plan.sku_weights.get(plan.sku_of.get(line, ""))
        if grams is None:
            return None
        total += grams * qty
    return total


def tracking_rank(status: str) -> int:
    """Later scans win; an exception ranks with in-transit (it can be followed by either)."""
    order = {PACKED: 0, SHIPPED: 1, IN_TRANSIT: 2, EXCEPTION: 2, OUT_FOR_DELIVERY: 3, DELIVERED: 4}
    return order[status]
