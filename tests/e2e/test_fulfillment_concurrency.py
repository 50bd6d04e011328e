"""Races through a real server: locations, 3PLs and carriers resending the same thing at
once still change it once (the order row lock serialises work on its fulfillments)."""

from __future__ import annotations

import concurrent.futures as cf
from collections import Counter

import httpx

from tests.e2e.skeleton import available, make_channel, make_location, make_sku, order_body, stock
from tests.e2e.test_fulfillment_flow import make_carrier


def post_many(url: str, body: dict | None, headers: dict, n: int = 12) -> list[httpx.Response]:
    def post(_: int) -> httpx.Response:
        return httpx.post(url, json=body, headers=headers, timeout=60)

    with cf.ThreadPoolExecutor(n) as pool:
        return list(pool.map(post, range(n)))


def test_concurrent_resends_apply_once(client, database, live_url, admin_key):
    headers = {"Authorization": f"Bearer {admin_key}"}
    channel, loc = make_channel(client), make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, loc, 10)
    carrier = make_carrier(client)
    order = client.post("/api/v1/orders", json=order_body(channel, [(sku, 3)])).json()
    fid = order["fulfillments"][0]["id"]
    base = f"{live_url}/api/v1/fulfillments/{fid}"
    client.post(f"/api/v1/fulfillments/{fid}/release")

    # two pick waves at once: exactly one takes the fulfillment
    waves = post_many(f"{live_url}/api/v1/pick-waves", {"location": loc["code"]}, headers, 4)
    assert sorted(r.status_code for r in waves) == [201, 409, 409, 409]

    # a 3PL-style "shipped" sent twelve times at once ships once, consumes stock once
    shipped = {"status": "shipped", "carrier": carrier["code"], "tracking_number": "RACE-1"}
    answers = post_many(f"{base}/status-updates", shipped, headers)
    assert {r.status_code for r in answers} == {200}, [r.text for r in answers]
    applied = Counter(s["step"] for r in answers for s in r.json()["applied"])
    assert applied["shipped"] == 1 and applied["picked"] == 1
    assert available(database, sku, loc) == 7

    # the same carrier event twelve times: recorded once, the order delivered once
    event = {
        "carrier": carrier["code"],
        "tracking_number": "RACE-1",
        "event_id": "race-evt-1",
        "status": "delivered",
        "occurred_at": "2030-05-06T12:00:00Z",
    }
    answers = post_many(f"{live_url}/api/v1/tracking-events", event, headers)
    assert sorted(r.status_code for r in answers) == [200] * 11 + [201]
    events = client.get(f"/api/v1/orders/{order['id']}/events").json()["items"]
    types = Counter(e["type"] for e in events)
    delivered = [
        e for e in events if e["type"] == "order.status_changed" and e["data"]["to"] == "delivered"
    ]
    assert types["shipment.delivered"] == 1 and len(delivered) == 1
    assert delivered[0]["data"]["cause"] == "fulfillment.delivered"
    assert types["fulfillment.shipped"] == 1
    assert client.get(f"/api/v1/orders/{order['id']}").json()["status"] == "delivered"
