"""Holds and the exception queue: staff hold, release or cancel orders, on the timeline."""

from __future__ import annotations

from tests.e2e.skeleton import available, make_channel, make_location, make_sku, order_body, stock
from tests.helpers import assert_problem, make_key, ref

QUEUE = "/api/v1/exceptions"


def _shop(client, database, **channel):
    ch, loc = make_channel(client, **channel), make_location(client)
    sku = make_sku(client, ch, "20.00")
    stock(database, sku, loc, 10)
    return ch, loc, sku


def _held_order(client, channel, sku, quantity: int = 1) -> dict:
    body = order_body(channel, [(sku, quantity)])
    body["lines"][0]["unit_price"] = "5.00"  # price hold
    r = client.post("/api/v1/orders", json=body)
    assert r.status_code == 201 and r.json()["status"] == "on_hold", r.text
    return r.json()


def test_manual_hold_blocks_fulfilment_until_released(client, database):
    channel, _, sku = _shop(client, database)
    order = client.post("/api/v1/orders", json=order_body(channel, [(sku, 2)])).json()
    url = f"/api/v1/orders/{order['id']}"
    alice = {"X-Switchyard-User": "alice@shop.example"}
    r = client.post(
        f"{url}/holds",
        json={"type": "fraud", "reason": "card used in three countries today"},
        headers={"If-Match": '"1"', **alice},
    )
    assert r.status_code == 201, r.text
    hold = r.json()
    assert (hold["type"], hold["source"]) == ("fraud", "manual")
    assert hold["placed_by"].startswith("alice@shop.example")
    held = client.get(url).json()
    assert held["status"] == "on_hold" and [h["id"] for h in held["holds"]] == [hold["id"]]
    ful = held["fulfillments"][0]["id"]
    assert_problem(client.post(f"/api/v1/fulfillments/{ful}/release"), 409, "order_on_hold")

    bob = {"X-Switchyard-User": "bob"}
    release = {"note": "customer called back, verified"}
    r = client.post(f"{url}/holds/{hold['id']}/release", json=release, headers=bob)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "allocated" and r.json()["holds"] == []
    assert client.post(f"/api/v1/fulfillments/{ful}/release").status_code == 200
    events = client.get(f"{url}/events").json()["items"]
    held_event = next(e for e in events if e["type"] == "order.held")
    released = next(e for e in events if e["type"] == "order.hold_released")
    assert held_event["actor"]["kind"] == "user"
    assert held_event["actor"]["name"].startswith("alice@shop.example (key ")
    assert released["actor"]["name"].startswith("bob (key ")
    assert released["data"]["note"] == release["note"]
    assert released["data"]["status"] == {"from": "on_hold", "to": "allocated"}
    history = client.get(f"{url}/holds").json()
    assert history[0]["resolution"] == "released" and history[0]["note"] == release["note"]
    assert history[0]["released_by"].startswith("bob")


def test_release_and_hold_errors(client, database):
    channel, _, sku = _shop(client, database)
    order = _held_order(client, channel, sku)
    url = f"/api/v1/orders/{order['id']}"
    note = {"note": "ok"}
    assert_problem(client.post(f"{url}/holds/hld_nope/release", json=note), 422, "unknown_hold")
    assert_problem(client.post(f"{url}/holds/release", json={}), 422, "invalid_request")
    bad_type = {"type": "vibes", "reason": "x"}
    assert_problem(client.post(f"{url}/holds", json=bad_type), 422, "invalid_hold_type")
    bad_user = {"X-Switchyard-User": " "}
    r = client.post(f"{url}/holds/release", json=note, headers=bad_user)
    assert_problem(r, 422, "invalid_user_header")
    stale = {"If-Match": '"7"'}
    assert_problem(
        client.post(f"{url}/holds/release", json=note, headers=stale), 412, "version_mismatch"
    )
    hold_id = order["holds"][0]["id"]
    assert client.post(f"{url}/holds/release", json=note).status_code == 200
    r = client.post(f"{url}/holds/{hold_id}/release", json=note)
    assert_problem(r, 409, "hold_not_active")
    assert_problem(client.post(f"{url}/holds/release", json=note), 409, "order_not_held")
    reader = make_key(database, ["orders:read"])
    r = client.post(f"{url}/holds", json={"type": "manual", "reason": "x"},
                    headers={"Authorization": f"Bearer {reader}"})  # fmt: skip
    assert_problem(r, 403, "missing_scope")


def test_the_queue_filters_by_type_channel_and_age_oldest_first(client, database):
    web, _, sku = _shop(client, database)
    other, _, other_sku = _shop(client, database)
    first = _held_order(client, web, sku)
    second = client.post("/api/v1/orders", json=order_body(web, [(sku, 1)])).json()
    client.post(
        f"/api/v1/orders/{second['id']}/holds", json={"type": "payment", "reason": "no funds"}
    )
    third = _held_order(client, other, other_sku)

    def ids(**params) -> list[str]:
        r = client.get(QUEUE, params={"limit": 500, **params})
        assert r.status_code == 200, r.text
        return [i["order_id"] for i in r.json()["items"]]

    mine = {first["id"], second["id"], third["id"]}
    everything = [i for i in ids() if i in mine]
    assert everything == [first["id"], second["id"], third["id"]]  # oldest first
    assert ids(channel=web["code"]) == [first["id"], second["id"]]
    assert ids(channel=web["id"], hold_type="payment") == [second["id"]]
    assert ids(channel=other["code"], hold_type="price") == [third["id"]]
    assert ids(channel=web["code"], older_than_minutes=60) == []
    assert ids(channel=web["code"], older_than_minutes=0) == [first["id"], second["id"]]
    page = client.get(QUEUE, params={"channel": web["code"], "limit": 1}).json()
    assert [i["order_id"] for i in page["items"]] == [first["id"]]
    item = page["items"][0]
    assert item["holds"][0]["type"] == "price" and item["age_seconds"] >= 0
    rest = client.get(QUEUE, params={"channel": web["code"], "cursor": page["next_cursor"]})
    assert [i["order_id"] for i in rest.json()["items"]] == [second["id"]]
    assert_problem(client.get(QUEUE, params={"hold_type": "nope"}), 422, "invalid_hold_type")
    assert_problem(client.get(QUEUE, params={"cursor": "garbage!"}), 422, "invalid_cursor")
    assert_problem(client.get(QUEUE, params={"older_than_minutes": -1}), 422, "invalid_request")
    assert client.get(QUEUE, params={"channel": "no-such"}).json()["items"] == []


def test_cancelling_a_held_order_takes_it_out_of_the_queue(client, database):
    channel, loc, sku = _shop(client, database)
    order = _held_order(client, channel, sku, 3)
    assert available(database, sku, loc) == 7
    url = f"/api/v1/orders/{order['id']}"
    r = client.post(f"{url}/cancel", json={"reason": "price typo, customer informed"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "cancelled" and r.json()["held_since"] is None
    assert available(database, sku, loc) == 10
    queued = client.get(QUEUE, params={"channel": channel["code"]}).json()["items"]
    assert queued == []
    (hold,) = client.get(f"{url}/holds").json()
    assert (hold["resolution"], hold["note"]) == (
        "order_cancelled",
        "price typo, customer informed",
    )


def test_without_reserve_on_hold_stock_waits_for_the_release(client, database):
    channel, loc, sku = _shop(client, database, settings={"reserve_on_hold": False})
    order = _held_order(client, channel, sku, 4)
    assert order["fulfillments"] == [] and available(database, sku, loc) == 10
    assert order["lines"][0]["quantities"]["unallocated"] == 4
    url = f"/api/v1/orders/{order['id']}"
    r = client.post(f"{url}/holds/release", json={"note": "price confirmed by " + ref("mgr")})
    assert r.status_code == 200, r.text
    released = r.json()
    assert released["status"] == "allocated" and len(released["fulfillments"]) == 1
    assert available(database, sku, loc) == 6
