"""Builds the tracking page's view of an order from its token (read-only)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from switchyard.carriers.repository import CarrierRepository
from switchyard.carriers.service import tracking_url
from switchyard.catalog.repository import SkuRepository
from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment.domain import Fulfillment
from switchyard.fulfillment.repository import FulfillmentRepository
from switchyard.fulfillment.status import PICKUP, Status
from switchyard.fulfillment.work_repository import WorkRepository
from switchyard.inventory.reservation_repository import ReservationRepository
from switchyard.locations.repository import LocationRepository
from switchyard.orders.domain import Order
from switchyard.orders.repository import OrderRepository
from switchyard.tracking import domain as d

TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def tracking_view(uow: UnitOfWork, token: str) -> dict[str, Any] | None:
    """The page's content, or None when the token opens no order."""
    if not TOKEN.match(token):
        return None
    order = uow.repo(OrderRepository).by_tracking_token(token)
    if order is None or order.tracking_token != token:
        return None
    fulfillments = [
        f
        for f in uow.repo(FulfillmentRepository).for_order(order.id)
        if f.status != Status.CANCELLED
    ]
    names = {
        sku_id: row["name"]
        for sku_id, row in uow.repo(SkuRepository)
        .by_refs([ln.sku_id for ln in order.lines])
        .items()
    }
    sku_of = {ln.id: ln.sku_id for ln in order.lines}

    def items(quantities: dict[str, int]) -> list[dict[str, Any]]:
        return [
            {"name": names.get(sku_of.get(line, ""), ""), "quantity": qty}
            for line, qty in sorted(quantities.items())
            if qty > 0
        ]

    packages = [p for f in fulfillments for p in f.packages]
    scans: dict[str, list[dict[str, Any]]] = {p.id: [] for p in packages}
    for ev in uow.repo(WorkRepository).tracking_events([p.id for p in packages]):
        scans[ev["package_id"]].append(ev)
    carriers = uow.repo(CarrierRepository).by_codes([p.carrier for p in packages if p.carrier])
    shipments: list[dict[str, Any]] = []
    pickups: list[dict[str, Any]] = []
    for f in fulfillments:
        if f.delivery_method == PICKUP:
            pickups.append(_pickup(uow, f, items(f.quantities())))
            continue
        if not f.packages:
            shipments.append(
                {
                    "status": d.label(d.FULFILLMENT_STATUS, f.status),
                    "items": items(f.quantities()),
                    "leg": f.is_leg,
                }
            )
        for p in f.packages:
            carrier = carriers.get(p.carrier or "")
            shipments.append(
                {
                    "status": d.label(d.SHIPMENT_STATUS, p.status),
                    "carrier": carrier["name"] if carrier else p.carrier,
                    "tracking_number": p.tracking_number,
                    "tracking_url": tracking_url(carrier, p.tracking_number),
                    "estimated_delivery": d.day(p.estimated_delivery) if not p.delivered else "",
                    "items": items(p.items),
                    "leg": f.is_leg,  # consolidation: to the merge node, not to the customer
                    "events": [
                        {
                            "when": d.when(ev["occurred_at"]),
                            "status": d.label(d.SHIPMENT_STATUS, ev["status"]),
                            "location": ev["location"],
                            "description": ev["description"],
                        }
                        for ev in reversed(scans[p.id])
                    ],
                }
            )
    return {
        "reference": order.external_id,
        "placed": d.day(order.placed_at.date()),
        "status": d.order_label(order.status, _preorder_expected(uow, order)),
        "destination": d.destination(order.shipping_address) if shipments else "",
        "promised_delivery": d.day(d.latest([f.promised_delivery for f in fulfillments])),
        "items": items({ln.id: ln.open_quantity for ln in order.lines}),
        "shipments": shipments,
        "pickups": pickups,
    }


def _preorder_expected(uow: UnitOfWork, order: Order) -> date | None:
    """When the last preordered unit's purchase order is expected, if any waits for one."""
    if not any(ln.qty_backordered for ln in order.lines):
        return None
    rows = uow.repo(ReservationRepository).preorders([order.id])
    expected: datetime | None = max((r["expected_at"] for r in rows), default=None)
    return expected.date() if expected else None


def _pickup(uow: UnitOfWork, f: Fulfillment, items: list[dict[str, Any]]) -> dict[str, Any]:
    store = uow.repo(LocationRepository).get(f.location_id) or {}
    address = store.get("address") or {}
    ready = f.status == Status.READY_FOR_PICKUP
    return {
        "status": d.label(d.FULFILLMENT_STATUS, f.status),
        "store": store.get("name", ""),
        "address": ", ".join(
            str(x)
            for x in (address.get("line1"), address.get("postal_code"), address.get("city"))
            if x
        ),
        "ready": ready,
        "pickup_code": f.pickup_code if ready else None,
        "collect_by": d.when(f.pickup_deadline) if ready else "",
        "items": items,
    }
