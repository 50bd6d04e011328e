"""Click & collect: ready for pickup with a code, collection checked against it, and
pickups not collected in time going back to stock."""

from __future__ import annotations

from datetime import timedelta

from switchyard.fulfillment.pickup import expire_uncollected
from switchyard.kernel.clock import utcnow
from switchyard.kernel.events import Actor
from tests.e2e.skeleton import available, make_channel, make_location, make_sku, order_body, stock
from tests.e2e.test_fulfillment_flow import BERLIN_STORE
from tests.helpers import assert_problem, make_key


def pickup_order(client, database, qty: int):
    channel = make_channel(client)
    store = make_location(client, **BERLIN_STORE)
    sku = make_sku(client, channel)
    stock(database, sku, store, 3)
    body = order_body(
        channel, [(sku, qty)], delivery_method="pickup", pickup_location=store["code"]
    )
    r = client.post("/api/v1/orders", json=body)
    assert r.status_code == 201, r.text
    order = r.json()
    (ful,) = order["fulfillments"]
    assert ful["location_id"] == store["id"]
    return order, ful["id"], store, sku


def pickup_code(client, order_id: str) -> str:
    events = client.get(f"/api/v1/orders/{order_id}/events").json()["items"]
    ready = [e for e in events if e["type"] == "fulfillment.ready_for_pickup"]
    assert len(ready) == 1
    return ready[0]["data"]["pickup_code"]


def test_collect_with_the_pickup_code(client, anon, database):
    order, fid, store, sku = pickup_order(client, database, 2)
    h = {"Authorization": f"Bearer {make_key(database, ['fulfillment:write'], [store['code']])}"}
    base = f"/api/v1/fulfillments/{fid}"
    assert anon.get(base, headers=h).json()["delivery_method"] == "pickup"
    anon.post(f"{base}/release", headers=h)
    assert_problem(anon.post(f"{base}/ready-for-pickup", headers=h), 409, "not_picked")
    anon.post(f"{base}/pick", headers=h)
    r = anon.post(f"{base}/ready-for-pickup", json={"hold_days": 3}, headers=h)
    assert r.status_code == 200 and r.json()["status"] == "ready_for_pickup", r.text
    deadline = r.json()["pickup_deadline"]
    again = anon.post(f"{base}/ready-for-pickup", headers=h).json()
    assert again["version"] == r.json()["version"] and again["pickup_deadline"] == deadline
    assert_problem(anon.post(f"{base}/ship", headers=h), 409, "pickup_fulfillment")
    assert_problem(anon.post(f"{base}/labels", headers=h), 409, "pickup_fulfillment")
    code = pickup_code(client, order["id"])
    assert len(code) == 6 and code.isdigit()

    page = anon.get(f"/track/{order['tracking_token']}").text
    assert "Pickup at Store Berlin Mitte" in page and code in page and "Ready for pickup" in page

    wrong = "000000" if code != "000000" else "111111"
    r = anon.post(f"{base}/picked-up", json={"pickup_code": wrong}, headers=h)
    assert_problem(r, 422, "invalid_pickup_code")
    r = anon.post(f"{base}/picked-up", json={"pickup_code": code}, headers=h)
    assert r.json()["status"] == "picked_up", r.text
    assert anon.post(f"{base}/picked-up", json={"pickup_code": code}, headers=h).json() == r.json()
    final = client.get(f"/api/v1/orders/{order['id']}").json()
    assert final["status"] == "delivered"
    assert available(database, sku, store) == 1
    page = anon.get(f"/track/{order['tracking_token']}").text
    assert "Collected" in page and code not in page


def test_uncollected_pickups_go_back_to_stock(client, database):
    order, fid, store, sku = pickup_order(client, database, 2)
    base = f"/api/v1/fulfillments/{fid}"
    client.post(f"{base}/pick")
    client.post(f"{base}/ready-for-pickup", json={"hold_days": 2})
    assert available(database, sku, store) == 1
    system = Actor.system("tests")
    assert fid not in database.run(system, lambda uow: expire_uncollected(uow, limit=10_000))
    later = utcnow() + timedelta(days=2, minutes=1)
    expired = database.run(system, lambda uow: expire_uncollected(uow, later, limit=10_000))
    assert fid in expired
    assert database.run(system, lambda uow: expire_uncollected(uow, later, limit=10_000)) == []
    ful = client.get(base).json()
    assert (ful["status"], ful["cancel_reason"]) == ("cancelled", "not_collected")
    assert available(database, sku, store) == 3
    final = client.get(f"/api/v1/orders/{order['id']}").json()
    assert final["status"] == "cancelled"
    assert final["lines"][0]["quantities"]["cancelled"] == 2


def test_the_store_gets_the_pickup_code_in_the_ready_answer(client, anon, database):
    order, fid, store, _ = pickup_order(client, database, 1)
    store_key = make_key(database, ["fulfillment:write"], [store["code"]])
    h = {"Authorization": f"Bearer {store_key}"}
    base = f"/api/v1/fulfillments/{fid}"
    anon.post(f"{base}/pick", headers=h)
    reader = {"Authorization": f"Bearer {make_key(database, ['fulfillment:read'])}"}
    assert_problem(anon.post(f"{base}/ready-for-pickup", headers=reader), 403, "missing_scope")
    elsewhere = make_key(database, ["fulfillment:write"], [make_location(client)["code"]])
    r = anon.post(f"{base}/ready-for-pickup", headers={"Authorization": f"Bearer {elsewhere}"})
    assert r.status_code in (403, 404) and "pickup_code" not in r.text

    r = anon.post(f"{base}/ready-for-pickup", headers=h)
    assert r.status_code == 200, r.text
    ready = r.json()
    assert ready["status"] == "ready_for_pickup"
    assert ready["pickup_code"] == pickup_code(client, order["id"])
    assert r.headers["etag"] == f'"{ready["version"]}"'
    again = anon.post(f"{base}/ready-for-pickup", headers=h).json()
    assert again["pickup_code"] == ready["pickup_code"]  # the same code, not a new one
    for who in (h, reader):  # reading the fulfillment never shows it
        assert "pickup_code" not in anon.get(base, headers=who).json()
    r = anon.post(f"{base}/picked-up", json={"pickup_code": ready["pickup_code"]}, headers=h)
    assert r.json()["status"] == "picked_up", r.text
