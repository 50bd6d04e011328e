"""A carry-out sale at a POS (issue 13 item 13): reserved at the store alone and handed
over at once, so store stock and availability stay true; on both databases."""

from __future__ import annotations

from tests.e2e.skeleton import available, make_channel, make_location, make_sku, order_body, stock
from tests.helpers import assert_problem


def setup(client, database, at_store: int, elsewhere: int = 0):
    store = make_location(client, type="store", capabilities=["pickup"])
    warehouse = make_location(client)
    channel = make_channel(client, type="pos")
    sku = make_sku(client, channel)
    stock(database, sku, store, at_store)
    if elsewhere:
        stock(database, sku, warehouse, elsewhere)
    return channel, store, warehouse, sku


def till(channel, store, sku, quantity: int, **over) -> dict:
    return order_body(
        channel,
        [(sku, quantity)],
        delivery_method="pickup",
        pickup_location=store["code"],
        carry_out=True,
        **over,
    )


def test_a_carry_out_sale_leaves_the_store_at_once(client, database):
    channel, store, _, sku = setup(client, database, at_store=3)
    r = client.post("/api/v1/orders", json=till(channel, store, sku, 2))
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["status"] == "delivered"
    assert order["lines"][0]["quantities"]["delivered"] == 2
    (ful,) = order["fulfillments"]
    assert (ful["location_id"], ful["status"]) == (store["id"], "picked_up")
    level = client.get(f"/api/v1/inventory/levels/{sku['sku']}/{store['code']}").json()
    assert (level["on_hand"], level["reserved"]) == (1, 0)
    assert available(database, sku, store) == 1
    events = client.get(f"/api/v1/orders/{order['id']}/events").json()["items"]
    handed = next(e for e in events if e["type"] == "fulfillment.picked_up")
    assert handed["data"]["carry_out"] is True


def test_a_carry_out_never_waits_for_stock_from_elsewhere(client, database):
    channel, store, warehouse, sku = setup(client, database, at_store=1, elsewhere=10)
    r = client.post("/api/v1/orders", json=till(channel, store, sku, 2))
    problem = assert_problem(r, 409, "insufficient_stock")
    assert problem["errors"][0]["field"] == "lines.0.quantity"
    assert available(database, sku, store) == 1 and available(database, sku, warehouse) == 10


def test_a_carry_out_names_its_store(client, database):
    channel, store, _, sku = setup(client, database, at_store=1)
    body = order_body(channel, [(sku, 1)], carry_out=True)
    problem = assert_problem(client.post("/api/v1/orders", json=body), 422, "invalid_carry_out")
    assert problem["errors"][0]["field"] == "carry_out"
    assert available(database, sku, store) == 1
