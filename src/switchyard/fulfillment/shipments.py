"""Packing and labels: boxes with weights and dimensions, carrier choice, tracking numbers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from switchyard.auth.domain import Principal
from switchyard.carriers import service as carriers
from switchyard.catalog.repository import SkuRepository
from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment.domain import Fulfillment
from switchyard.fulfillment.packages import PackageSpec, PackPlan
from switchyard.fulfillment.service import locked, persist
from switchyard.fulfillment.shipping import Label
from switchyard.fulfillment.status import PICKUP, RANK, Status
from switchyard.fulfillment.work import line_for_sku
from switchyard.kernel.errors import Conflict, FieldError, ValidationFailed, check_version
from switchyard.locations.repository import LocationRepository


def resolve_specs(
    uow: UnitOfWork, f: Fulfillment, packages: list[dict[str, Any]] | None
) -> list[PackageSpec] | None:
    """Package descriptions from the API, their items named by order line or SKU."""
    if not packages:
        return None
    specs = []
    for box in packages:
        items: dict[str, int] | None = None
        if box.get("items") is not None:
            items = {}
            for it in box["items"]:
                line = it.get("order_line_id") or line_for_sku(uow, f, it.get("sku") or "")
                items[line] = items.get(line, 0) + it["quantity"]
        fields = ("weight_grams", "length_mm", "width_mm", "height_mm", "carrier", "service")
        specs.append(
            PackageSpec(
                items, **{k: box.get(k) for k in fields}, tracking_number=box.get("tracking_number")
            )
        )
    return specs


def pack_plan(uow: UnitOfWork, f: Fulfillment) -> PackPlan:
    skus = uow.repo(SkuRepository).by_refs([ln.sku_id for ln in f.lines])
    return PackPlan(
        picked={},
        sku_of={ln.order_line_id: ln.sku_id for ln in f.lines},
        sku_weights={
            sku_id: row["weight_grams"]
            for sku_id, row in skus.items()
            if row.get("weight_grams") is not None
        },
    )


def pack(
    uow: UnitOfWork,
    principal: Principal,
    fulfillment_id: str,
    packages: list[dict[str, Any]] | None,
    expected_version: int | None = None,
) -> Fulfillment:
    order, f = locked(uow, principal, fulfillment_id)
    check_version("fulfillment", expected_version, f.version)
    f.pack(resolve_specs(uow, f, packages), pack_plan(uow, f))
    return persist(uow, order, f)


def book_labels(
    uow: UnitOfWork,
    principal: Principal,
    fulfillment_id: str,
    *,
    carrier: str | None = None,
    service: str | None = None,
    carriers_allowed: list[str] | None = None,
    deliver_by: date | None = None,
    tracking_numbers: list[str] | None = None,
    expected_version: int | None = None,
) -> Fulfillment:
    """Choose a carrier service for the packed packages (the one named, else the cheapest
    that meets the promise) and give each package a tracking number and a price."""
    order, f = locked(uow, principal, fulfillment_id)
    check_version("fulfillment", expected_version, f.version)
    f.require_live()
    if f.delivery_method == PICKUP:
        raise Conflict("pickup_fulfillment", f"fulfillment {f.id} is collected, not shipped")
    if RANK.get(f.status, 0) < RANK[Status.PACKED]:
        raise Conflict("not_packed", f"fulfillment {f.id} must be packed before labelling")
    open_ = [p for p in f.packages if not p.tracking_number]
    if not open_ or f.status != Status.PACKED:
        f.label(carrier or f.carrier or "", service, [])  # unchanged, or already_labelled
        return f
    location = uow.repo(LocationRepository).get(f.location_id) or {}
    deliver_by = deliver_by or f.promised_delivery
    shopping = carriers.quote_and_choose(
        uow,
        carriers.place_of_location(location),
        carriers.place_of_address(order.shipping_address),
        [p.weight_grams for p in open_],
        deliver_by=deliver_by,
        carriers=[carrier] if carrier else carriers_allowed,
        service=service,
    )
    best = shopping.best
    if best is None:
        raise Conflict(
            "no_carrier_service",
            f"no active carrier service serves zone {shopping.zone.zone} for these packages",
            [FieldError("carrier", "no_carrier_service", f"zone {shopping.zone.zone}")],
        )
    numbers = tracking_numbers or carriers.new_tracking_numbers(uow, best.carrier, len(open_))
    if len(numbers) != len(open_):
        raise ValidationFailed(
            "tracking_numbers_count",
            f"{len(open_)} packages need a label, {len(numbers)} tracking numbers were sent",
            [FieldError("tracking_numbers", "count_mismatch", f"send {len(open_)}")],
        )
    labels = [
        Label(n, amount, best.currency, best.estimated_delivery)
        for n, amount in zip(numbers, best.package_amounts, strict=True)
    ]
    f.label(best.carrier, best.service, labels)
    f.steps[-1] = replace(
        f.steps[-1],
        data={
            **f.steps[-1].data,
            "zone": shopping.zone.zone,
            "amount": str(best.amount),
            "currency": best.currency,
            "estimated_delivery": best.estimated_delivery.isoformat(),
            "deliver_by": deliver_by.isoformat() if deliver_by else None,
            "meets_promise": best.meets_promise,
        },
    )
    return persist(uow, order, f)
