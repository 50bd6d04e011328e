"""The thin path from order to delivery, each step an API call, on SQLite and PostgreSQL."""

from __future__ import annotations

from tests.e2e.skeleton import (
    available,
    make_channel,
    make_location,
    make_sku,
    order_body,
    stock,
)
from tests.helpers import assert_problem, make_key


def test_order_to_delivery(client, database):
    channel = make_channel(client)
    warehouse = make_location(client)
    sweater, scarf = make_sku(client, channel, "89.00"), make_sku(client, channel, "19.90")
    stock(database, sweater, warehouse, 5)
    stock(database, scarf, warehouse, 2)

    r = client.post("/api/v1/orders", json=order_body(channel, [(sweater, 2), (scarf, 1)]))
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["status"] == "allocated"
    assert order["total"] == "197.90"
    assert [ln["status"] for ln in order["lines"]] == ["allocated", "allocated"]
    assert available(database, sweater, warehouse) == 3
    (ful,) = order["fulfillments"]
    assert ful["location_id"] == warehouse["id"]
    assert ful["status"] == "created"

    base = f"/api/v1/fulfillments/{ful['id']}"
    assert client.post(f"{base}/pick").json()["status"] == "picked"
    assert client.post(f"{base}/pack").json()["status"] == "packed"
    shipped = client.post(f"{base}/ship", json={"carrier": "DHL", "tracking_number": "00340434"})
    assert shipped.status_code == 200, shipped.text
    assert shipped.json()["tracking_number"] == "00340434"
    after_ship = client.get(f"/api/v1/orders/{order['id']}").json()
    assert after_ship["status"] == "shipped"
    assert after_ship["lines"][0]["quantities"]["shipped"] == 2
    assert available(database, sweater, warehouse) == 3  # shipped stock left on_hand

    assert client.post(f"{base}/deliver").json()["status"] == "delivered"
    final = client.get(f"/api/v1/orders/{order['id']}")
    assert final.json()["status"] == "delivered"
    assert final.headers["etag"] == f'"{final.json()["version"]}"'

    events = client.get(f"/api/v1/orders/{order['id']}/events").json()["items"]
    types = [
        e["type"] if e["type"] != "order.status_changed" else f"order -> {e['data']['to']}"
        for e in events
        if e["type"].split(".")[0] in ("order", "fulfillment")
    ]
    assert types[:3] == ["order.placed", "order.allocated", "fulfillment.created"]
    assert types[-4:] == [
        "fulfillment.shipped",
        "order -> shipped",
        "fulfillment.delivered",
        "order -> delivered",
    ]
    assert all(e["actor"]["kind"] == "api_key" for e in events)
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)


def test_repeated_steps_change_nothing(client, database):
    channel, loc = make_channel(client), make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, loc, 3)
    order = client.post("/api/v1/orders", json=order_body(channel, [(sku, 1)])).json()
    base = f"/api/v1/fulfillments/{order['fulfillments'][0]['id']}"
    client.post(f"{base}/pick")
    client.post(f"{base}/pack")
    ship = {"carrier": "DPD", "tracking_number": "1Z999"}
    first = client.post(f"{base}/ship", json=ship).json()
    again = client.post(f"{base}/ship", json=ship)
    assert again.status_code == 200 and again.json()["version"] == first["version"]
    other = client.post(f"{base}/ship", json={"carrier": "UPS", "tracking_number": "X"})
    assert_problem(other, 409, "already_shipped")
    assert_problem(client.post(f"{base}/pick"), 409, "invalid_transition")
    shipped_events = [
        e
        for e in client.get(f"/api/v1/orders/{order['id']}/events").json()["items"]
        if e["type"] == "fulfillment.shipped"
    ]
    assert len(shipped_events) == 1


def test_cancel_before_shipping_releases_stock(client, database):
    channel, loc = make_channel(client), make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, loc, 4)
    order = client.post("/api/v1/orders", json=order_body(channel, [(sku, 3)])).json()
    assert available(database, sku, loc) == 1
    url = f"/api/v1/orders/{order['id']}"
    assert_problem(
        client.post(f"{url}/cancel", headers={"If-Match": '"99"'}), 412, "version_mismatch"
    )
    r = client.post(f"{url}/cancel", json={"reason": "customer asked"}, headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "cancelled"
    assert r.json()["fulfillments"][0]["status"] == "cancelled"
    assert available(database, sku, loc) == 4
    assert_problem(client.post(f"{url}/cancel"), 409, "order_not_cancellable")
    fid = r.json()["fulfillments"][0]["id"]
    assert_problem(client.post(f"/api/v1/fulfillments/{fid}/pick"), 409, "fulfillment_cancelled")
    last = client.get(f"{url}/events").json()["items"][-1]
    assert last["type"] == "order.cancelled" and last["data"]["reason"] == "customer asked"


def test_no_stock_anywhere_is_a_conflict_and_writes_nothing(client, database):
    channel, loc = make_channel(client), make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, loc, 1)
    body = order_body(channel, [(sku, 2)])
    body_problem = assert_problem(
        client.post("/api/v1/orders", json=body), 409, "insufficient_stock"
    )
    assert body_problem["errors"][0]["field"] == "lines.0.quantity"
    assert available(database, sku, loc) == 1
    found = client.get("/api/v1/orders", params={"external_id": body["external_id"]}).json()
    assert found["items"] == []


def test_order_splits_across_locations_when_no_single_one_has_everything(client, database):
    channel = make_channel(client)
    a, b = make_location(client), make_location(client)
    s1, s2 = make_sku(client, channel), make_sku(client, channel)
    stock(database, s1, a, 1)
    stock(database, s2, b, 1)
    order = client.post("/api/v1/orders", json=order_body(channel, [(s1, 1), (s2, 1)])).json()
    assert order["status"] == "allocated"
    assert {f["location_id"] for f in order["fulfillments"]} == {a["id"], b["id"]}
    first = order["fulfillments"][0]["id"]
    for step in ("pick", "pack"):
        client.post(f"/api/v1/fulfillments/{first}/{step}")
    client.post(
        f"/api/v1/fulfillments/{first}/ship", json={"carrier": "GLS", "tracking_number": "9"}
    )
    assert client.get(f"/api/v1/orders/{order['id']}").json()["status"] == "partially_shipped"


def test_duplicate_external_id_is_a_conflict(client, database):
    channel, loc = make_channel(client), make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, loc, 5)
    body = order_body(channel, [(sku, 1)])
    first = client.post("/api/v1/orders", json=body).json()
    again = assert_problem(client.post("/api/v1/orders", json=body), 409, "order_exists")
    assert again["order_id"] == first["id"]
    assert available(database, sku, loc) == 4


def test_location_restricted_key_sees_only_its_fulfillments(client, anon, database):
    channel = make_channel(client)
    mine, other = make_location(client), make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, other, 2)
    order = client.post("/api/v1/orders", json=order_body(channel, [(sku, 1)])).json()
    fid = order["fulfillments"][0]["id"]
    key = make_key(database, ["fulfillment:write"], [mine["code"]])
    headers = {"Authorization": f"Bearer {key}"}
    assert_problem(
        anon.get(f"/api/v1/fulfillments/{fid}", headers=headers), 403, "location_forbidden"
    )
    assert_problem(
        anon.post(f"/api/v1/fulfillments/{fid}/pick", headers=headers), 403, "location_forbidden"
    )
    listed = anon.get("/api/v1/fulfillments", headers=headers).json()["items"]
    assert all(f["location_id"] == mine["id"] for f in listed)
    r = anon.get("/api/v1/fulfillments", params={"location": other["id"]}, headers=headers)
    assert_problem(r, 403, "location_forbidden")
    assert_problem(anon.get(f"/api/v1/orders/{order['id']}", headers=headers), 403, "missing_scope")
