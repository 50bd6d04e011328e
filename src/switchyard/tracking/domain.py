"""What the customer may see, in words they understand. Pure Python.

The page shows only what the customer already knows or needs: their order reference,
items and quantities, the destination's postcode and city (never the street, name,
email or phone), shipments with carrier and tracking, and pickup details.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

ORDER_STATUS = {
    "placed": "Order received",
    "on_hold": "Order received, being checked",
    "backordered": "Waiting for stock",
    "allocated": "Being prepared",
    "partially_allocated": "Being prepared",
    "partially_shipped": "Partly on its way",
    "shipped": "On its way",
    "delivered": "Delivered",
    "cancelled": "Cancelled",
}

FULFILLMENT_STATUS = {
    "created": "Being prepared",
    "released": "Being prepared",
    "accepted": "Being prepared",
    "picking": "Being packed",
    "picked": "Being packed",
    "packed": "Packed, waiting for the carrier",
    "shipped": "Handed to the carrier",
    "delivered": "Delivered",
    "ready_for_pickup": "Ready for pickup",
    "picked_up": "Collected",
    "cancelled": "Cancelled",
}

SHIPMENT_STATUS = {
    "packed": "Packed, waiting for the carrier",
    "shipped": "Handed to the carrier",
    "in_transit": "In transit",
    "out_for_delivery": "Out for delivery",
    "delivered": "Delivered",
    "exception": "Delivery problem: the carrier is on it",
}


def label(table: dict[str, str], status: str) -> str:
    return table.get(status, status.replace("_", " ").capitalize())


def order_label(status: str, preorder_expected: date | None = None) -> str:
    """The order's status in words; a backorder waiting for a purchase order is a
    preorder, with the day the stock is expected."""
    if status == "backordered" and preorder_expected is not None:
        return f"Preordered, in stock from {day(preorder_expected)}"
    return label(ORDER_STATUS, status)


def destination(address: dict[str, Any] | None) -> str:
    """Postcode, city and country only."""
    if not address:
        return ""
    place = " ".join(str(x) for x in (address.get("postal_code"), address.get("city")) if x)
    return ", ".join(x for x in (place, str(address.get("country_code") or "")) if x)


def when(moment: datetime | None) -> str:
    return moment.strftime("%a %d %b %Y, %H:%M UTC") if moment else ""


def day(value: date | None) -> str:
    return value.strftime("%A %d %B %Y") if value else ""


def latest(dates: list[date | None]) -> date | None:
    known = [d for d in dates if d is not None]
    return max(known) if known else None


def page_url(base_url: str, token: str) -> str:
    """The customer's tracking page for an order's ``tracking_token`` (``GET /track/{token}``),
    under the public address the server is reached at."""
    return f"{base_url.rstrip('/')}/track/{token}"
