"""Seeded data for the dashboard and exception queue tests: a shop with placed orders, a
held order, a backorder, stock out and below safety stock, and another location's order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from switchyard.db.uow import Database
from tests.e2e.skeleton import make_channel, make_location, make_sku, order_body, stock
from tests.helpers import ref


@dataclass
class Shop:
    channel: dict[str, Any]
    location: dict[str, Any]
    other_location: dict[str, Any]
    placed: list[dict[str, Any]]  # allocated, backordered (2 of 3 units), shipped
    held: dict[str, Any]  # a price hold
    elsewhere: dict[str, Any]  # an order at the other location


def ship(client: TestClient, fulfillment_id: str) -> None:
    base = f"/api/v1/fulfillments/{fulfillment_id}"
    for step in ("pick", "pack"):
        assert client.post(f"{base}/{step}").status_code == 200
    shipped = client.post(f"{base}/ship", json={"carrier": "DHL", "tracking_number": ref("T")})
    assert shipped.status_code == 200, shipped.text


def held_order(client: TestClient, channel: dict[str, Any], sku: dict[str, Any]) -> dict[str, Any]:
    body = order_body(channel, [(sku, 1)])
    body["lines"][0]["unit_price"] = "5.00"  # below the list price: a price hold
    r = client.post("/api/v1/orders", json=body)
    assert r.status_code == 201 and r.json()["status"] == "on_hold", r.text
    return r.json()


def seed(client: TestClient, database: Database) -> Shop:
    """Units at ``location``: sweater 10 on hand, scarf 1 (3 ordered: 2 wait), hat 2 with a
    safety stock of 5. Orders: 2 sweaters (shipped), 1 sweater + 3 scarves (backordered),
    1 sweater held for its price; at the other location one more order of the channel
    (2 belts)."""
    channel = make_channel(client, backorder_policy="backorder")
    location = make_location(client)
    sweater, scarf, hat = (make_sku(client, channel, "20.00") for _ in range(3))
    stock(database, sweater, location, 10)
    stock(database, scarf, location, 1)
    stock(database, hat, location, 2)
    level = f"/api/v1/inventory/levels/{hat['sku']}/{location['code']}"
    assert client.patch(level, json={"safety_stock": 5}).status_code == 200
    first = client.post("/api/v1/orders", json=order_body(channel, [(sweater, 2)])).json()
    second = client.post("/api/v1/orders", json=order_body(channel, [(sweater, 1), (scarf, 3)]))
    assert second.json()["status"] == "backordered", second.text
    held = held_order(client, channel, sweater)
    ship(client, first["fulfillments"][0]["id"])
    other = make_location(client, code=ref("ST"), name="Other store")
    belt = make_sku(client, channel, "20.00")
    stock(database, belt, other, 4)
    elsewhere = client.post("/api/v1/orders", json=order_body(channel, [(belt, 2)])).json()
    assert elsewhere["fulfillments"][0]["location_id"] == other["id"], elsewhere
    return Shop(channel, location, other, [first, second.json()], held, elsewhere)
