"""Shapes fulfillments for the API, with what a location needs to do the work: the
order's reference, the ship-to address and the SKUs' codes and names (batched)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Response

from switchyard.api.etag import set_etag
from switchyard.auth.domain import Principal
from switchyard.catalog.repository import SkuRepository
from switchyard.db.uow import Database, UnitOfWork
from switchyard.fulfillment.domain import Fulfillment
from switchyard.fulfillment.repository import FulfillmentRepository
from switchyard.fulfillment.schemas import FulfillmentLineRead, FulfillmentRead, PackageRead
from switchyard.fulfillment.status import CONSOLIDATED, PICKUP
from switchyard.kernel.money import format_amount
from switchyard.locations.repository import LocationRepository


def present(uow: UnitOfWork, found: list[Fulfillment]) -> list[FulfillmentRead]:
    orders = uow.repo(FulfillmentRepository).order_details(sorted({f.order_id for f in found}))
    skus = uow.repo(SkuRepository).by_refs(sorted({ln.sku_id for f in found for ln in f.lines}))
    stores = {
        sid: uow.repo(LocationRepository).get(sid)
        for sid in sorted({f.ship_to_location_id for f in found if f.ship_to_location_id})
    }
    repo = uow.repo(FulfillmentRepository)
    legs = {
        f.id: repo.legs_to(f.order_id, f.location_id) for f in found if f.purpose == CONSOLIDATED
    }
    return [
        fulfillment_read(
            f,
            orders.get(f.order_id, {}),
            skus,
            stores.get(f.ship_to_location_id or ""),
            legs.get(f.id, []),
        )
        for f in found
    ]


def answer(
    db: Database,
    principal: Principal,
    response: Response,
    use_case: Callable[[UnitOfWork], Fulfillment],
    *,
    read_only: bool = False,
) -> FulfillmentRead:
    """Run a use case returning a fulfillment; the answer carries its ETag."""
    read = db.run(
        principal.actor, lambda uow: present(uow, [use_case(uow)])[0], read_only=read_only
    )
    set_etag(response, read.version)
    return read


def _ship_to(f: Fulfillment, order: dict[str, Any], store: dict[str, Any] | None) -> Any:
    if store is not None:  # ship to store
        address = store.get("address") or {}
        return {**address, "name": address.get("name") or store["name"]}
    if f.delivery_method == PICKUP or order.get("shipping_address") is None:
        return None
    address = dict(order["shipping_address"])
    if not address.get("name") and order.get("customer_name"):
        address["name"] = order["customer_name"]  # whom the parcel is for
    return address


def fulfillment_read(
    f: Fulfillment,
    order: dict[str, Any],
    skus: dict[str, dict[str, Any]],
    store: dict[str, Any] | None = None,
    legs: list[dict[str, Any]] | None = None,
) -> FulfillmentRead:
    return FulfillmentRead(
        id=f.id,
        order_id=f.order_id,
        order_reference=order.get("external_id"),
        location_id=f.location_id,
        status=f.status,
        delivery_method=f.delivery_method,
        ship_to=_ship_to(f, order, store),
        ship_to_location_id=f.ship_to_location_id,
        purpose=f.shown_purpose,
        legs=legs or [],
        carrier=f.carrier,
        tracking_number=f.tracking_number,
        version=f.version,
        lines=[
            FulfillmentLineRead(
                order_line_id=ln.order_line_id,
                sku_id=ln.sku_id,
                sku=skus.get(ln.sku_id, {}).get("sku"),
                name=skus.get(ln.sku_id, {}).get("name"),
                quantity=ln.quantity,
                qty_picked=ln.qty_picked,
                qty_packed=ln.qty_packed,
                qty_short=ln.qty_short,
            )
            for ln in f.lines
        ],
        packages=[
            PackageRead.model_validate(
                {
                    "id": p.id,
                    "number": p.number,
                    "items": [
                        {"order_line_id": k, "quantity": v} for k, v in sorted(p.items.items())
                    ],
                    "weight_grams": p.weight_grams,
                    "length_mm": p.length_mm,
                    "width_mm": p.width_mm,
                    "height_mm": p.height_mm,
                    "carrier": p.carrier,
                    "service": p.service,
                    "tracking_number": p.tracking_number,
                    "status": p.status,
                    "shipping_cost": format_amount(p.shipping_cost, p.currency)
                    if p.shipping_cost is not None and p.currency
                    else None,
                    "currency": p.currency,
                    "estimated_delivery": p.estimated_delivery,
                }
            )
            for p in f.packages
        ],
        wave_id=f.wave_id,
        cancel_reason=f.cancel_reason,
        note=f.note,
        pickup_deadline=f.pickup_deadline,
        promised_delivery=f.promised_delivery,
    )
