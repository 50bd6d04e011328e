"""Builders for end-to-end tests: a channel, locations, SKUs with stock, an order body."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from switchyard.db.uow import Database
from switchyard.inventory import service as inventory
from switchyard.kernel.events import Actor
from tests.helpers import ref


def make_channel(client: TestClient, **over: Any) -> dict[str, Any]:
    body = {"code": ref("web"), "name": "Web", "type": "web", "currency": "EUR", **over}
    r = client.post("/api/v1/channels", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def make_location(client: TestClient, **over: Any) -> dict[str, Any]:
    body = {
        "code": ref("WH"),
        "name": "Warehouse",
        "type": "warehouse",
        "timezone": "Europe/Berlin",
        "latitude": 50.98,
        "longitude": 11.03,
        "address": {
            "line1": "Am Urbicher Kreuz 10",
            "city": "Erfurt",
            "postal_code": "99092",
            "country_code": "DE",
        },
        **over,
    }
    r = client.post("/api/v1/locations", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def make_sku(client: TestClient, channel: dict[str, Any], price: str = "19.90") -> dict[str, Any]:
    body = {
        "sku": ref("SKU"),
        "product_name": "Merino sweater",
        "weight_grams": 400,
        "prices": [{"channel": channel["code"], "currency": "EUR", "amount": price}],
    }
    r = client.post("/api/v1/skus", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def stock(database: Database, sku: dict[str, Any], location: dict[str, Any], quantity: int) -> None:
    database.run(
        Actor.system("tests"),
        lambda uow: inventory.receive(uow, sku["id"], location["id"], quantity, reference="test"),
    )


def available(database: Database, sku: dict[str, Any], location: dict[str, Any]) -> int:
    stock_map = database.run(
        Actor.system("tests"),
        lambda uow: inventory.available(uow, [sku["id"]], [location["id"]]),
        read_only=True,
    )
    pair = (sku["id"], location["id"])
    assert pair in stock_map, f"no stock row for {sku['sku']} at {location['code']}"
    return stock_map[pair]


def order_body(
    channel: dict[str, Any], lines: list[tuple[dict[str, Any], int]], **over: Any
) -> dict:
    return {
        "channel": channel["code"],
        "external_id": ref("EXT"),
        "customer": {"email": f"{ref('c')}@example.com", "name": "Anna Müller"},
        "shipping_address": {
            "name": "Anna Müller",
            "line1": "Invalidenstrasse 12",
            "city": "Berlin",
            "postal_code": "10115",
            "country_code": "DE",
        },
        "lines": [{"sku": s["sku"], "quantity": q} for s, q in lines],
        **over,
    }
