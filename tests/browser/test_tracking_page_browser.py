"""The customer's tracking page in a real browser on a phone: an order placed and shipped
through the API, then opened by its token as the customer would, on SQLite and PostgreSQL."""

from __future__ import annotations

import secrets
import struct
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from switchyard.db.uow import Database
from switchyard.kernel.clock import utcnow
from tests.browser.conftest import PHONE, Phone, Visit
from tests.e2e.skeleton import make_channel, make_location, order_body, stock
from tests.helpers import ref

PRODUCT = "Merino wool crew-neck sweater, forest green, size M"
ITEMS = f"2 \N{MULTIPLICATION SIGN} {PRODUCT}"
SCANS = [  # carrier status, how long ago, where, what the carrier says, what the customer reads
    ("in_transit", timedelta(hours=14), "Leipzig parcel centre", "Sorted", "In transit"),
    ("out_for_delivery", timedelta(hours=2), "Berlin Mitte", "With the driver", "Out for delivery"),
]


def place_order(client: TestClient, database: Database) -> tuple[dict[str, Any], dict[str, Any]]:
    """A placed order of two sweaters, with stock in one warehouse, and what was sent."""
    channel, warehouse = make_channel(client), make_location(client)
    r = client.post(
        "/api/v1/skus",
        json={
            "sku": ref("SKU"),
            "product_name": PRODUCT,
            "weight_grams": 400,
            "prices": [{"channel": channel["code"], "currency": "EUR", "amount": "89.00"}],
        },
    )
    assert r.status_code == 201, r.text
    sku = r.json()
    stock(database, sku, warehouse, 5)
    body = order_body(channel, [(sku, 2)])
    r = client.post("/api/v1/orders", json=body)
    assert r.status_code == 201, r.text
    return r.json(), body


def ship_with_tracking(client: TestClient, fulfillment_id: str) -> tuple[str, str, list[str]]:
    """Pick, pack and ship with a carrier's number, then two carrier scans arrive.
    Returns the tracking link, the number and the events as the page should list them."""
    carrier = {
        "code": ref("CAR"),
        "name": "Paket Express",
        "tracking_url": "https://parcels.example.com/track?n={tracking_number}",
    }
    r = client.post("/api/v1/carriers", json=carrier)
    assert r.status_code == 201, r.text
    number = f"JJD{secrets.randbelow(10**18):018d}"
    base = f"/api/v1/fulfillments/{fulfillment_id}"
    for step in ("release", "pick", "pack"):
        r = client.post(f"{base}/{step}")
        assert r.status_code == 200, (step, r.text)
    r = client.post(f"{base}/ship", json={"carrier": carrier["code"], "tracking_number": number})
    assert r.status_code == 200 and r.json()["status"] == "shipped", r.text
    now = utcnow().replace(second=0, microsecond=0)
    listed: list[str] = []
    for i, (status, ago, place, description, label) in enumerate(SCANS):
        scan = {
            "carrier": carrier["code"],
            "tracking_number": number,
            "event_id": f"{number}-{i}",
            "status": status,
            "occurred_at": (now - ago).isoformat(),
            "location": place,
            "description": description,
        }
        r = client.post("/api/v1/tracking-events", json=scan)
        assert r.status_code == 201, r.text
        listed.insert(0, f"{label}, {place}\n{now - ago:%a %d %b %Y, %H:%M} UTC · {description}")
    return carrier["tracking_url"].format(tracking_number=number), number, listed


def assert_fits_a_phone(visit: Visit) -> None:
    """Laid out at the phone's width, nothing to scroll sideways, a phone-wide screenshot."""
    width = PHONE["viewport"]["width"]
    # A phone widens innerWidth to content that overflows (zooming out), and lays out a page
    # without a viewport tag at 980 px: both would pass scrollWidth <= innerWidth alone.
    assert visit.inner_width == width, visit.inner_width
    assert visit.scroll_width <= visit.inner_width, (visit.scroll_width, visit.inner_width)
    png = visit.screenshot.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png[12:16] == b"IHDR"
    png_width, png_height = struct.unpack(">II", png[16:24])
    assert png_width == width * PHONE["device_scale_factor"]
    assert png_height >= PHONE["viewport"]["height"] * PHONE["device_scale_factor"]


def test_a_shipped_order_reads_well_on_a_phone(
    client: TestClient, database: Database, live_url: str, phone: Phone, tmp_path: Path
) -> None:
    order, sent = place_order(client, database)
    page = f"{live_url}/track/{order['tracking_token']}"

    placed = phone.open(page, tmp_path / "placed.png")
    assert placed.status == 200
    assert placed.statuses[0] == "Being prepared"
    assert ITEMS in placed.text
    assert placed.events == [] and placed.links == {}
    assert_fits_a_phone(placed)

    fulfillment_id = order["fulfillments"][0]["id"]
    tracking_url, number, events = ship_with_tracking(client, fulfillment_id)
    shipped = phone.open(page, tmp_path / "shipped.png")
    assert shipped.status == 200
    assert shipped.title == f"Order {order['external_id']}"
    assert f"Order {order['external_id']}, placed " in shipped.text
    assert shipped.statuses == ["On its way", "Out for delivery"]
    assert f"Paket Express: {number}" in shipped.text
    assert shipped.links == {number: tracking_url}
    assert shipped.events == events  # newest first, as "<status>, <place>\n<when> · <note>"
    assert "Delivering to 10115 Berlin, DE" in shipped.text
    assert ITEMS in shipped.text
    assert_fits_a_phone(shipped)

    customer, street = sent["customer"], sent["shipping_address"]["line1"]
    private = [customer["email"], customer["name"], street, order["id"], fulfillment_id]
    for secret in private:
        assert secret not in shipped.text and secret not in shipped.html, secret


def test_a_wrong_token_shows_the_not_found_page(
    client: TestClient, database: Database, live_url: str, phone: Phone, tmp_path: Path
) -> None:
    order, _ = place_order(client, database)
    token = order["tracking_token"]
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    visit = phone.open(f"{live_url}/track/{wrong}", tmp_path / "not-found.png")
    assert visit.status == 404
    assert visit.title == "Tracking page not found"
    assert visit.text.split("\n") == [
        "Tracking page not found",
        "",
        "Please check the link in your order confirmation.",
    ]
    assert order["external_id"] not in visit.html and PRODUCT not in visit.html
    assert_fits_a_phone(visit)
