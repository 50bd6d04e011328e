"""The second half of a fulfillment's life: packing, labels, shipping, delivery, pickup.

Functions over the ``Fulfillment`` aggregate (its methods delegate here). Pure Python.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from switchyard.fulfillment.packages import (
    DELIVERED,
    PACKED,
    SHIPPED,
    PackageSpec,
    PackPlan,
    plan_packages,
)
from switchyard.fulfillment.status import OPEN, PICKUP, RANK, SHIP
from switchyard.fulfillment.status import Status as S
from switchyard.kernel.errors import Conflict, FieldError, ValidationFailed

if TYPE_CHECKING:
    from switchyard.fulfillment.domain import Fulfillment


@dataclass(frozen=True, slots=True)
class Label:
    """What a carrier booking gave one package."""

    tracking_number: str
    shipping_cost: Decimal | None = None
    currency: str | None = None
    estimated_delivery: date | None = None


def pack(f: Fulfillment, specs: list[PackageSpec] | None, plan: PackPlan | None) -> bool:
    """Put the picked units into packages (one holding everything when none are described)."""
    if f.status in (S.CREATED, S.RELEASED, S.ACCEPTED, S.PICKING):
        raise Conflict("not_picked", f"fulfillment {f.id} must be picked before packing")
    if f.status == S.PACKED:
        return False
    f.require_not_past(S.PACKED)
    picked = {ln.order_line_id: ln.qty_picked for ln in f.lines}
    plan = PackPlan(picked, plan.sku_of, plan.sku_weights) if plan else PackPlan(picked)
    f.packages = plan_packages(plan, specs)
    for ln in f.lines:
        ln.qty_packed = ln.qty_picked
    _sync_summary(f)
    f.record(S.PACKED, packages=[p.id for p in f.packages])
    return True


def label(f: Fulfillment, carrier: str, service: str | None, labels: list[Label]) -> bool:
    """Give every package without a tracking number its carrier label."""
    if f.delivery_method == PICKUP:
        raise Conflict("pickup_fulfillment", f"fulfillment {f.id} is collected, not shipped")
    f.require_live()
    if RANK[f.status] < RANK[S.PACKED]:
        raise Conflict("not_packed", f"fulfillment {f.id} must be packed before labelling")
    open_ = [p for p in f.packages if not p.tracking_number]
    if f.status != S.PACKED or not open_:
        if all(p.carrier == carrier and service in (None, p.service) for p in f.packages):
            return False
        raise Conflict("already_labelled", f"fulfillment {f.id} is labelled with {f.carrier}")
    if len(labels) != len(open_):
        raise ValueError("one label per unlabelled package")
    for p, lab in zip(open_, labels, strict=True):
        p.carrier, p.service, p.tracking_number = carrier, service, lab.tracking_number
        p.shipping_cost, p.currency = lab.shipping_cost, lab.currency
        p.estimated_delivery = lab.estimated_delivery
    _sync_summary(f)
    f.record(
        f.status,
        "labelled",
        carrier=carrier,
        service=service,
        packages=[{"id": p.id, "tracking_number": p.tracking_number} for p in open_],
    )
    return True


def ship(
    f: Fulfillment,
    carrier: str | None,
    tracking_number: str | None,
    *,
    require_tracking: bool = True,
    inferred: bool = False,
) -> bool:
    """The packages left with the carrier. A tracking number given here labels the one
    unlabelled package; an inferred shipment may have none until the number arrives."""
    if f.status in (S.SHIPPED, S.DELIVERED):
        return _late_tracking(f, carrier, tracking_number)
    if f.delivery_method == PICKUP:
        raise Conflict("pickup_fulfillment", f"fulfillment {f.id} is collected, not shipped")
    f.require_live()
    if f.status != S.PACKED:
        raise Conflict("not_packed", f"fulfillment {f.id} must be packed before shipping")
    missing = [p for p in f.packages if not p.tracking_number]
    if tracking_number:
        if len(missing) > 1:
            raise ValidationFailed(
                "tracking_per_package",
                f"{len(missing)} packages have no tracking number: create labels or send each",
                [FieldError("tracking_number", "tracking_per_package", "one per package")],
            )
        if missing:
            missing[0].carrier, missing[0].tracking_number = carrier, tracking_number
        elif all(p.tracking_number != tracking_number for p in f.packages):
            raise Conflict("already_labelled", f"fulfillment {f.id} has other tracking numbers")
    elif missing and require_tracking:
        raise Conflict("not_labelled", f"fulfillment {f.id}: create labels or send tracking")
    for p in f.packages:
        if p.status == PACKED:
            p.status = SHIPPED
    _sync_summary(f)
    f.record(
        S.SHIPPED,
        inferred=inferred,
        carrier=f.carrier,
        tracking_number=f.tracking_number,
        quantities=f.quantities(),
    )
    return True


def _late_tracking(f: Fulfillment, carrier: str | None, tracking_number: str | None) -> bool:
    if tracking_number is None or any(
        p.tracking_number == tracking_number and carrier in (None, p.carrier) for p in f.packages
    ):
        return False
    missing = [p for p in f.packages if not p.tracking_number]
    if len(missing) != 1:
        raise Conflict(
            "already_shipped", f"fulfillment {f.id} shipped with {f.carrier} {f.tracking_number}"
        )
    missing[0].carrier, missing[0].tracking_number = carrier, tracking_number
    _sync_summary(f)
    f.record(f.status, "tracking_added", carrier=carrier, tracking_number=tracking_number)
    return True


def deliver(f: Fulfillment, package_ids: list[str] | None, inferred: bool = False) -> bool:
    """Packages arrived (all of them when none are named); the last one completes it.

    Ship to store: they arrived at the pickup store (``arrived_at_store``, status
    ``at_store``); the customer has not got them until they collect them."""
    if f.status == S.DELIVERED:
        return False
    if f.to_store and f.status in (S.AT_STORE, S.READY_FOR_PICKUP, S.PICKED_UP):
        return False
    f.require_live()
    if f.status in OPEN:
        raise Conflict("not_shipped", f"fulfillment {f.id} has not shipped")
    f.require_not_past(S.DELIVERED)
    arrived = [
        p for p in f.packages if not p.delivered and (package_ids is None or p.id in package_ids)
    ]
    if not arrived:
        return False
    quantities: dict[str, int] = {}
    for p in arrived:
        p.status = DELIVERED
        for line, qty in p.items.items():
            quantities[line] = quantities.get(line, 0) + qty
    done = all(p.delivered for p in f.packages)
    if f.is_leg:  # at the merge node: its stock now, for the consolidated parcel
        f.record(
            S.DELIVERED if done else S.SHIPPED,
            "leg_arrived",
            inferred=inferred,
            packages=[p.id for p in arrived],
            quantities=quantities,
            merge_node_id=f.ship_to_location_id,
            complete=done,
        )
        return True
    if f.to_store:
        f.record(
            S.AT_STORE if done else S.SHIPPED,
            "arrived_at_store" if done else "partially_arrived_at_store",
            inferred=inferred,
            packages=[p.id for p in arrived],
            store_id=f.ship_to_location_id,
        )
        return True
    f.record(
        S.DELIVERED if done else S.SHIPPED,
        None if done else "partially_delivered",
        inferred=inferred,
        packages=[p.id for p in arrived],
        quantities=quantities,
    )
    return True


def ready_for_pickup(f: Fulfillment, code: str, deadline: datetime) -> bool:
    if f.status == S.READY_FOR_PICKUP:
        return False
    f.require_live()
    if f.to_store:
        if f.status == S.SHIPPED:  # the store scans it in and puts it on the shelf at once
            deliver(f, None, inferred=True)
        if f.status != S.AT_STORE:
            raise Conflict(
                "not_at_store",
                f"fulfillment {f.id} is {f.status}: it must arrive at the store first",
            )
    elif f.delivery_method != PICKUP:
        raise Conflict("not_a_pickup", f"fulfillment {f.id} ships; it is not collected")
    elif f.status not in (S.PICKED, S.PACKED):
        f.require_not_past(S.READY_FOR_PICKUP)
        raise Conflict("not_picked", f"fulfillment {f.id} must be picked first")
    f.pickup_code, f.pickup_deadline = code, deadline
    f.record(S.READY_FOR_PICKUP, pickup_code=code, collect_by=deadline.isoformat())
    return True


def picked_up(f: Fulfillment, code: str) -> bool:
    """The customer collected it, showing the pickup code they were given."""
    if f.status == S.PICKED_UP:
        return False
    f.require_live()
    if f.status != S.READY_FOR_PICKUP:
        raise Conflict("not_ready_for_pickup", f"fulfillment {f.id} is {f.status}")
    if not secrets.compare_digest(code.strip(), f.pickup_code or ""):
        raise ValidationFailed(
            "invalid_pickup_code",
            "the pickup code does not match",
            [FieldError("pickup_code", "invalid_pickup_code", "does not match")],
        )
    f.record(S.PICKED_UP, quantities=f.quantities())
    return True


def catch_up(f: Fulfillment, target: str) -> None:
    """Infer every step before ``target`` that an external system skipped reporting."""
    f.require_live()
    if RANK[f.status] >= RANK[target]:
        return
    f.imply(target)
    if f.status in (S.ACCEPTED, S.PICKING) and RANK[target] > RANK[S.PICKED]:
        for ln in f.lines:
            ln.qty_picked = ln.quantity
        f.record(S.PICKED, inferred=True)
    if f.status == S.PICKED and RANK[target] > RANK[S.PACKED] and f.delivery_method == SHIP:
        f.packages = plan_packages(
            PackPlan({ln.order_line_id: ln.qty_picked for ln in f.lines}), None
        )
        for ln in f.lines:
            ln.qty_packed = ln.qty_picked
        f.record(S.PACKED, inferred=True, packages=[p.id for p in f.packages])
    if f.status == S.PACKED and RANK[target] > RANK[S.SHIPPED]:
        ship(f, None, None, require_tracking=False, inferred=True)


def _sync_summary(f: Fulfillment) -> None:
    """The fulfillment shows its first package's carrier and tracking number."""
    first = next((p for p in f.packages if p.tracking_number), None)
    f.carrier = first.carrier if first else None
    f.tracking_number = first.tracking_number if first else None
