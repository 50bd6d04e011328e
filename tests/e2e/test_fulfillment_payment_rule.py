"""Payment rule for release: a channel may require payment before fulfilments are released."""

from __future__ import annotations

from tests.e2e.skeleton import make_channel, make_location, make_sku, order_body, stock
from tests.helpers import assert_problem


def test_release_waits_for_payment_when_the_channel_requires_it(client, database):
    channel = make_channel(client, settings={"release_requires_payment": True})
    loc = make_location(client)
    sku = make_sku(client, channel, "40.00")
    stock(database, sku, loc, 5)
    order = client.post("/api/v1/orders", json=order_body(channel, [(sku, 2)])).json()
    fid = order["fulfillments"][0]["id"]

    assert_problem(client.post(f"/api/v1/fulfillments/{fid}/release"), 409, "payment_required")
    assert_problem(client.post(f"/api/v1/fulfillments/{fid}/pick"), 409, "payment_required")
    wave = client.post("/api/v1/fulfillments:release", json={"order_id": order["id"]})
    assert wave.status_code == 200, wave.text
    assert wave.json()["released"] == []
    assert [h["reason"] for h in wave.json()["held"]] == ["payment_required"]

    paid = client.post(f"/api/v1/orders/{order['id']}/payments", json={"provider": "manual"})
    assert paid.status_code == 201, paid.text
    released = client.post(f"/api/v1/fulfillments/{fid}/release")
    assert released.status_code == 200, released.text
    assert released.json()["status"] == "released"


def test_channels_without_the_rule_release_at_once(client, database):
    channel, loc = make_channel(client), make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, loc, 5)
    order = client.post("/api/v1/orders", json=order_body(channel, [(sku, 1)])).json()
    fid = order["fulfillments"][0]["id"]
    assert client.post(f"/api/v1/fulfillments/{fid}/release").json()["status"] == "released"


def test_a_pay_on_invoice_promise_counts_as_payment(client, database):
    channel = make_channel(client, settings={"release_requires_payment": True})
    loc = make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, loc, 5)
    order = client.post("/api/v1/orders", json=order_body(channel, [(sku, 1)])).json()
    fid = order["fulfillments"][0]["id"]
    assert_problem(client.post(f"/api/v1/fulfillments/{fid}/release"), 409, "payment_required")
    promise = client.post(f"/api/v1/orders/{order['id']}/payments", json={"provider": "invoice"})
    assert promise.status_code == 201, promise.text
    assert client.post(f"/api/v1/fulfillments/{fid}/release").json()["status"] == "released"
