"""Gathers what the label and packing slip print (read-only use cases)."""

from __future__ import annotations

from typing import Any

from switchyard.auth.domain import Principal
from switchyard.carriers.repository import CarrierRepository
from switchyard.catalog.repository import SkuRepository
from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment import documents
from switchyard.fulfillment.domain import Fulfillment
from switchyard.fulfillment.service import get_fulfillment
from switchyard.kernel.errors import Conflict, not_found
from switchyard.locations.repository import LocationRepository
from switchyard.orders.repository import OrderRepository


def _context(
    uow: UnitOfWork, principal: Principal, fulfillment_id: str
) -> tuple[Fulfillment, dict[str, Any], list[str], list[str]]:
    f = get_fulfillment(uow, principal, fulfillment_id)
    order = uow.repo(OrderRepository).get(f.order_id)
    location = uow.repo(LocationRepository).get(f.location_id)
    if order is None or location is None:
        raise not_found("fulfillment", fulfillment_id)
    ship_from = documents.address_lines(location["address"], location["name"])
    ship_to = documents.address_lines(order.addressed(order.shipping_address))
    store_id = f.ship_to_location_id
    store = uow.repo(LocationRepository).get(store_id) if store_id else None
    if store is not None:  # ship to store: the parcel goes to the store, for the customer
        who = order.customer_name or order.external_id
        ship_to = documents.address_lines(store["address"], f"{store['name']} - for {who}")
    return f, {"reference": order.external_id, "placed": order.placed_at}, ship_from, ship_to


def label_pdf(uow: UnitOfWork, principal: Principal, fulfillment_id: str, package_id: str) -> bytes:
    """The shipping label of one package; 409 until the package has a tracking number."""
    f, order, ship_from, ship_to = _context(uow, principal, fulfillment_id)
    package = next((p for p in f.packages if p.id == package_id), None)
    if package is None:
        raise not_found("package", package_id)
    if not package.tracking_number:
        raise Conflict("not_labelled", f"package {package_id} has no tracking number yet")
    carrier = (
        uow.repo(CarrierRepository).by_codes([package.carrier or ""]).get(package.carrier or "")
    )
    return documents.shipping_label(
        documents.LabelData(
            tracking_number=package.tracking_number,
            carrier_name=carrier["name"] if carrier else (package.carrier or "Carrier"),
            service=package.service,
            package_number=package.number,
            package_count=len(f.packages),
            weight_grams=package.weight_grams,
            ship_from=ship_from,
            ship_to=ship_to,
            reference=order["reference"],
        )
    )


def packing_slip_pdf(uow: UnitOfWork, principal: Principal, fulfillment_id: str) -> bytes:
    f, order, ship_from, ship_to = _context(uow, principal, fulfillment_id)
    skus = uow.repo(SkuRepository).by_refs([ln.sku_id for ln in f.lines])
    lines = []
    for ln in f.lines:
        sku = skus.get(ln.sku_id, {})
        boxes = [str(p.number) for p in f.packages if ln.order_line_id in p.items]
        lines.append(
            documents.SlipLine(
                sku.get("sku", ln.sku_id),
                sku.get("name", ""),
                ln.quantity,
                ln.qty_short,
                ", ".join(boxes),
            )
        )
    packages = [
        f"{p.number}: {p.weight_grams or '?'} g"
        + (f", {p.length_mm}x{p.width_mm}x{p.height_mm} mm" if p.length_mm else "")
        + (f", {p.carrier} {p.tracking_number}" if p.tracking_number else "")
        for p in f.packages
    ]
    return documents.packing_slip(
        documents.SlipData(
            reference=order["reference"],
            placed=order["placed"].strftime("%Y-%m-%d"),
            ship_from=ship_from,
            ship_to=ship_to,
            lines=lines,
            packages=packages,
        )
    )
