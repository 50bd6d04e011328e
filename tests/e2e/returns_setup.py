"""Builders for the returns tests: a delivered, paid and invoiced order."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from switchyard.db.uow import Database
from tests.e2e.skeleton import make_channel, make_location, make_sku, order_body, stock
from tests.helpers import ref


def delivered_order(
    client: TestClient,
    database: Database,
    *,
    quantity: int = 2,
    price: str = "89.00",
    returns: dict[str, Any] | None = None,
    deliver: bool = True,
) -> dict[str, Any]:
    """Channel, warehouse, store, a SKU; an order of ``quantity`` units paid by a manual
    payment, shipped (captured, invoiced) and delivered."""
    settings = {"returns": returns} if returns is not None else {}
    channel = make_channel(client, settings=settings)
    warehouse = make_location(client)
    store = make_location(client, code=ref("ST"), name="Store Berlin", type="store")
    sku = make_sku(client, channel, price)
    stock(database, sku, warehouse, 10)
    r = client.post("/api/v1/orders", json=order_body(channel, [(sku, quantity)]))
    assert r.status_code == 201, r.text
    order = r.json()
    r = client.post(f"/api/v1/orders/{order['id']}/payments", json={"provider": "manual"})
    assert r.status_code == 201, r.text
    payment = r.json()
    fid = order["fulfillments"][0]["id"]
    base = f"/api/v1/fulfillments/{fid}"
    for step in ("pick", "pack"):
        assert client.post(f"{base}/{step}").status_code == 200
    r = client.post(f"{base}/ship", json={"carrier": "DHL", "tracking_number": ref("00340")})
    assert r.status_code == 200, r.text
    if deliver:
        r = client.post(f"{base}/deliver")
        assert r.status_code == 200, r.text
    return {
        "channel": channel,
        "warehouse": warehouse,
        "store": store,
        "sku": sku,
        "order": order,
        "payment": payment,
        "line_id": order["lines"][0]["id"],
    }


def ask(client: TestClient, setup: dict[str, Any], quantity: int, reason: str = "damaged"):
    return client.post(
        "/api/v1/returns",
        json={
            "order_id": setup["order"]["id"],
            "lines": [{"line": setup["sku"]["sku"], "quantity": quantity, "reason": reason}],
        },
    )
