"""Backorders and preorders: placed beyond stock, allocated when stock arrives."""

from __future__ import annotations

from datetime import timedelta

from switchyard.inventory import operations, supply
from switchyard.inventory.verify import verify
from switchyard.kernel.clock import utcnow
from switchyard.kernel.events import Actor
from tests.e2e.skeleton import available, make_channel, make_location, make_sku, order_body, stock
from tests.helpers import assert_problem, ref

ACTOR = Actor.system("tests")


def _quantities(order: dict, i: int = 0) -> dict[str, int]:
    return order["lines"][i]["quantities"]


def test_backordered_lines_are_allocated_when_stock_arrives(client, database):
    channel = make_channel(client, backorder_policy="backorder")
    loc = make_location(client)
    sweater, scarf = make_sku(client, channel), make_sku(client, channel)
    stock(database, sweater, loc, 1)
    stock(database, scarf, loc, 5)
    r = client.post("/api/v1/orders", json=order_body(channel, [(sweater, 3), (scarf, 1)]))
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["status"] == "backordered"
    assert [ln["status"] for ln in order["lines"]] == ["backordered", "allocated"]
    assert (_quantities(order)["allocated"], _quantities(order)["backordered"]) == (1, 2)
    assert available(database, sweater, loc) == 0
    (ful,) = order["fulfillments"]
    url = f"/api/v1/orders/{order['id']}"
    stock(database, sweater, loc, 1)  # one of the two waiting units
    partly = client.get(url).json()
    assert (_quantities(partly)["allocated"], _quantities(partly)["backordered"]) == (2, 1)
    # Units that arrive join the parcel nobody works on yet (issue 13 defect 6).
    assert partly["status"] == "backordered" and [f["id"] for f in partly["fulfillments"]] == [
        ful["id"]
    ]
    client.post(f"/api/v1/fulfillments/{ful['id']}/release")
    stock(database, sweater, loc, 5)
    done = client.get(url).json()
    assert done["status"] == "allocated" and _quantities(done)["backordered"] == 0
    # Once released, the last unit gets its own parcel.
    assert [f["status"] for f in done["fulfillments"]] == ["released", "created"]
    parcels = [client.get(f"/api/v1/fulfillments/{f['id']}").json() for f in done["fulfillments"]]
    assert [{ln["order_line_id"]: ln["quantity"] for ln in p["lines"]} for p in parcels] == [
        {order["lines"][0]["id"]: 2, order["lines"][1]["id"]: 1},
        {order["lines"][0]["id"]: 1},
    ]
    assert available(database, sweater, loc) == 4
    types = [e["type"] for e in client.get(f"{url}/events").json()["items"]]
    assert "order.backordered" in types and types.count("order.backorder_allocated") == 2
    assert database.run(ACTOR, lambda uow: verify(uow, [sweater["id"]]), read_only=True) == []


def test_preorders_wait_for_the_purchase_order(client, database):
    channel = make_channel(client, backorder_policy="preorder")
    loc = make_location(client)
    sku = make_sku(client, channel)
    po_ref = ref("PO")
    database.run(
        ACTOR,
        lambda uow: supply.create_purchase_order(
            uow, loc["id"], po_ref, utcnow() + timedelta(days=5), [(sku["id"], 4)]
        ),
    )
    order = client.post("/api/v1/orders", json=order_body(channel, [(sku, 3)])).json()
    assert order["status"] == "backordered" and order["fulfillments"] == []
    backordered = next(
        e
        for e in client.get(f"/api/v1/orders/{order['id']}/events").json()["items"]
        if e["type"] == "order.backordered"
    )
    assert backordered["data"]["lines"][0]["kind"] == "preorder"
    assert backordered["data"]["lines"][0]["expected_at"] is not None
    too_many = order_body(channel, [(sku, 2)])  # only 1 more is expected
    assert_problem(client.post("/api/v1/orders", json=too_many), 409, "insufficient_supply")
    database.run(ACTOR, lambda uow: supply.receive_purchase_order(uow, po_ref))
    got = client.get(f"/api/v1/orders/{order['id']}").json()
    assert got["status"] == "allocated" and len(got["fulfillments"]) == 1


def test_deny_refuses_what_is_not_there(client, database):
    channel, loc = make_channel(client), make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, loc, 1)
    problem = assert_problem(
        client.post("/api/v1/orders", json=order_body(channel, [(sku, 2)])),
        409,
        "insufficient_stock",
    )
    assert problem["errors"][0]["field"] == "lines.0.quantity"


def test_cancelling_a_backorder_gives_up_its_place_in_the_queue(client, database):
    channel = make_channel(client, backorder_policy="backorder")
    loc = make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, loc, 1)
    first = client.post("/api/v1/orders", json=order_body(channel, [(sku, 2)])).json()
    second = client.post("/api/v1/orders", json=order_body(channel, [(sku, 2)])).json()
    assert first["status"] == second["status"] == "backordered"
    assert _quantities(second)["backordered"] == 2
    cancelled = client.post(f"/api/v1/orders/{first['id']}/cancel", json={"reason": "too slow"})
    assert cancelled.json()["status"] == "cancelled"
    assert _quantities(cancelled.json())["cancelled"] == 2
    moved_up = client.get(f"/api/v1/orders/{second['id']}").json()
    assert (_quantities(moved_up)["allocated"], _quantities(moved_up)["backordered"]) == (1, 1)
    stock(database, sku, loc, 1)
    assert client.get(f"/api/v1/orders/{second['id']}").json()["status"] == "allocated"
    assert client.get(f"/api/v1/orders/{first['id']}").json()["status"] == "cancelled"


def test_a_count_that_finds_less_puts_units_back_on_backorder(client, database):
    channel, loc = make_channel(client), make_location(client)
    a, b = make_sku(client, channel), make_sku(client, channel)
    stock(database, a, loc, 2)
    stock(database, b, loc, 1)
    order = client.post("/api/v1/orders", json=order_body(channel, [(a, 2), (b, 1)])).json()
    assert order["status"] == "allocated"
    database.run(ACTOR, lambda uow: operations.cycle_count(uow, a["id"], loc["id"], 1))
    shorted = client.get(f"/api/v1/orders/{order['id']}").json()
    assert shorted["status"] == "backordered"
    assert (_quantities(shorted)["allocated"], _quantities(shorted)["backordered"]) == (1, 1)
    live = [f for f in shorted["fulfillments"] if f["status"] != "cancelled"]
    assert len(live) == 1 and len(shorted["fulfillments"]) == 2
    full = client.get(f"/api/v1/fulfillments/{live[0]['id']}").json()
    assert sorted(ln["quantity"] for ln in full["lines"]) == [1, 1]
    stock(database, a, loc, 1)
    back = client.get(f"/api/v1/orders/{order['id']}").json()
    assert back["status"] == "allocated"
    ids = [a["id"], b["id"]]
    assert database.run(ACTOR, lambda uow: verify(uow, ids), read_only=True) == []
