"""Click & collect and ship to store; re-sourcing after a rejection, an amendment and when
stock arrives elsewhere; the exception hold; batch re-optimisation before release."""

from __future__ import annotations

from datetime import timedelta

from switchyard.fulfillment.pickup import expire_uncollected
from switchyard.kernel.clock import utcnow
from switchyard.kernel.events import Actor
from tests.e2e.skeleton import available, make_channel, make_location, make_sku, order_body, stock
from tests.helpers import assert_problem, make_key, ref

ACTOR = Actor.system("tests")

HAMBURG, MUNICH, BERLIN = (53.55, 10.00), (48.14, 11.58), (52.52, 13.40)


def site(client, where, **over) -> dict:
    return make_location(client, code=ref("L"), latitude=where[0], longitude=where[1], **over)


def channel_of(client, *locations, **over) -> dict:
    return make_channel(client, location_ids=[loc["id"] for loc in locations], **over)


def place(client, channel, lines, **over) -> dict:
    r = client.post("/api/v1/orders", json=order_body(channel, lines, **over))
    assert r.status_code == 201, r.text
    return r.json()


def sourcing(client, order) -> dict:
    return client.get(f"/api/v1/orders/{order['id']}/sourcing").json()


def live(client, order_id: str) -> list[dict]:
    found = client.get(f"/api/v1/orders/{order_id}").json()["fulfillments"]
    return [f for f in found if f["status"] != "cancelled"]


def pickup_body(store: dict) -> dict:
    return {"delivery_method": "pickup", "pickup_location": store["code"]}


def test_click_and_collect_from_the_shelf_or_shipped_to_the_store(client, database):
    ham = site(client, HAMBURG)
    ber = site(client, BERLIN, type="store", capabilities=["pickup"])
    channel = channel_of(client, ham, ber)
    sku = make_sku(client, channel)
    stock(database, sku, ham, 5)
    stock(database, sku, ber, 1)
    shelf = place(client, channel, [(sku, 1)], **pickup_body(ber))
    (ful,) = sourcing(client, shelf)["fulfillments"]
    assert (ful["location_id"], ful["kind"], ful["ship_to_location_id"]) == (
        ber["id"],
        "pickup_in_store",
        None,
    )
    assert ful["ready_at"] and sourcing(client, shelf)["promise"]["ready_at"] == ful["ready_at"]
    got = client.get(f"/api/v1/fulfillments/{ful['fulfillment_id']}").json()
    assert got["delivery_method"] == "pickup"

    transfer = place(client, channel, [(sku, 2)], **pickup_body(ber))
    found = sourcing(client, transfer)
    (ful,) = found["fulfillments"]
    assert (ful["location_id"], ful["kind"], ful["ship_to_location_id"]) == (
        ham["id"],
        "ship_to_store",
        ber["id"],
    )
    got = client.get(f"/api/v1/fulfillments/{ful['fulfillment_id']}").json()
    assert got["delivery_method"] == "ship" and got["promised_delivery"] == ful["deliver_by"]
    assert found["promise"]["deliver_by"] >= ful["deliver_by"]
    log = found["decisions"][0]["decision"]["log"]
    assert found["decisions"][0]["destination"]["basis"] == "pickup_location"
    assert {c["location_id"] for c in log["candidates"]} == {ham["id"], ber["id"]}

    r = client.post(
        "/api/v1/sourcing/profiles",
        json={"channel": channel["code"], "name": "no transfers", "pickup_transfers": False},
    )
    client.post(f"/api/v1/sourcing/profiles/{r.json()['id']}/activate")
    body = order_body(channel, [(sku, 1)], **pickup_body(ber))
    assert_problem(client.post("/api/v1/orders", json=body), 409, "insufficient_stock")


def test_a_rejection_is_sourced_again_elsewhere_and_logged(client, database):
    ham, muc = site(client, HAMBURG), site(client, MUNICH)
    channel = channel_of(client, ham, muc)
    sku = make_sku(client, channel)
    stock(database, sku, ham, 5)
    stock(database, sku, muc, 5)
    order = place(client, channel, [(sku, 2)])
    (ful,) = order["fulfillments"]
    assert ful["location_id"] == ham["id"]
    client.post(f"/api/v1/fulfillments/{ful['id']}/release")
    r = client.post(f"/api/v1/fulfillments/{ful['id']}/reject", json={"reason": "flooded"})
    assert r.status_code == 200, r.text
    assert [f["location_id"] for f in live(client, order["id"])] == [muc["id"]]
    assert available(database, sku, ham) == 5 and available(database, sku, muc) == 3
    first, second = sourcing(client, order)["decisions"]
    assert (first["cause"], second["cause"]) == ("placement", "excluded")
    at_ham = next(
        c for c in second["decision"]["log"]["candidates"] if c["location_id"] == ham["id"]
    )
    assert [f["filter"] for f in at_ham["failed_filters"]] == ["rejected"]


def test_units_nobody_can_take_hold_the_order_for_a_person(client, database):
    ham, muc = site(client, HAMBURG), site(client, MUNICH)
    channel = channel_of(client, ham, muc)
    sku = make_sku(client, channel)
    stock(database, sku, ham, 3)
    stock(database, sku, muc, 1)
    order = place(client, channel, [(sku, 3)])
    (ful,) = order["fulfillments"]
    client.post(f"/api/v1/fulfillments/{ful['id']}/release")
    client.post(f"/api/v1/fulfillments/{ful['id']}/reject", json={"reason": "closed"})
    after = client.get(f"/api/v1/orders/{order['id']}").json()
    assert after["status"] == "on_hold"
    assert [h["type"] for h in after["holds"]] == ["sourcing"]
    assert after["lines"][0]["quantities"]["allocated"] == 1  # Munich took what it had
    assert after["lines"][0]["quantities"]["unallocated"] == 2  # never lost: held
    queue = client.get("/api/v1/exceptions", params={"channel": channel["code"]}).json()
    assert [item["order_id"] for item in queue["items"]] == [order["id"]]
    types = [e["type"] for e in client.get(f"/api/v1/orders/{order['id']}/events").json()["items"]]
    assert "order.unsourced" in types and "order.held" in types


def test_backorders_move_when_stock_arrives_elsewhere(client, database):
    ham, muc = site(client, HAMBURG), site(client, MUNICH)
    channel = channel_of(client, ham, muc, backorder_policy="backorder")
    sku = make_sku(client, channel)
    stock(database, sku, ham, 1)
    order = place(client, channel, [(sku, 3)])
    assert order["lines"][0]["quantities"]["backordered"] == 2
    stock(database, sku, muc, 5)
    after = client.get(f"/api/v1/orders/{order['id']}").json()
    assert after["status"] == "allocated", after["lines"]
    assert sorted(f["location_id"] for f in live(client, order["id"])) == sorted(
        [ham["id"], muc["id"]]
    )
    assert available(database, sku, muc) == 3
    causes = [d["cause"] for d in sourcing(client, order)["decisions"]]
    assert causes == ["placement", "backorder_resourced"]


def test_amendments_are_sourced_with_the_profile(client, database):
    ham, muc = site(client, HAMBURG), site(client, MUNICH)
    channel = channel_of(client, ham, muc)
    sku, more = make_sku(client, channel), make_sku(client, channel)
    stock(database, sku, ham, 5)
    stock(database, more, muc, 5)
    order = place(client, channel, [(sku, 1)])
    r = client.post(f"/api/v1/orders/{order['id']}/lines", json={"sku": more["sku"], "quantity": 2})
    assert r.status_code == 201, r.text
    decisions = sourcing(client, order)["decisions"]
    assert [d["cause"] for d in decisions] == ["placement", "follow_up"]
    assert decisions[1]["decision"]["shipments"][0]["location_id"] == muc["id"]


def test_reoptimising_unreleased_fulfillments_swaps_atomically(client, database):
    near, costly = site(client, BERLIN), site(client, BERLIN)
    channel = channel_of(client, near, costly)
    costs = {"handling_by_location": {costly["id"]: {"per_shipment": "2.00", "per_unit": "0.25"}}}
    r = client.post(
        "/api/v1/sourcing/profiles",
        json={"channel": channel["code"], "name": "p", "cost_model": costs},
    )
    client.post(f"/api/v1/sourcing/profiles/{r.json()['id']}/activate")
    shirt, cap = make_sku(client, channel), make_sku(client, channel)
    stock(database, shirt, near, 1)
    stock(database, shirt, costly, 1)
    stock(database, cap, near, 1)
    first = place(client, channel, [(shirt, 1)])
    second = place(client, channel, [(shirt, 1), (cap, 1)])
    assert [f["location_id"] for f in first["fulfillments"]] == [near["id"]]
    assert len(second["fulfillments"]) == 2  # split: the near shirt was taken

    url = "/api/v1/sourcing:reoptimize"
    dry = client.post(url, json={"channel": channel["code"], "dry_run": True}).json()
    (group,) = dry["channels"]
    assert set(group["changed"]) == {first["id"], second["id"]}
    assert float(group["after"]) < float(group["before"]) and group["gap"] < 0.01
    assert [f["location_id"] for f in live(client, first["id"])] == [near["id"]]

    r = client.post(url, json={"channel": channel["code"]})
    assert r.status_code == 200, r.text
    assert r.json()["changed_orders"] == 2
    assert [f["location_id"] for f in live(client, first["id"])] == [costly["id"]]
    assert [f["location_id"] for f in live(client, second["id"])] == [near["id"]]
    for sku, loc in ((shirt, near), (shirt, costly), (cap, near)):
        assert available(database, sku, loc) == 0
    assert sourcing(client, second)["decisions"][-1]["cause"] == "reoptimized"
    again = client.post(url, json={"channel": channel["code"]}).json()
    assert again["changed_orders"] == 0
    assert_problem(client.post(url, json={"channel": "nope"}), 422, "unknown_channel")


def ship_to_store_order(client, database) -> tuple[dict, dict, dict, dict]:
    """A pickup at a Berlin store with no stock, sourced from Hamburg: 2 units."""
    ham = site(client, HAMBURG)
    ber = site(client, BERLIN, type="store", capabilities=["pickup"])
    channel = channel_of(client, ham, ber)
    sku = make_sku(client, channel)
    stock(database, sku, ham, 5)
    return ham, ber, sku, place(client, channel, [(sku, 2)], **pickup_body(ber))


def test_ship_to_store_travels_to_the_store_and_waits_for_the_customer(client, anon, database):
    """Issue 13 defect 3: the warehouse ships to the store (tracked), the store makes it
    ready and hands it over with the code; only then is the line delivered."""
    ham, ber, sku, order = ship_to_store_order(client, database)
    (planned,) = sourcing(client, order)["fulfillments"]
    assert planned["kind"] == "ship_to_store" and planned["ready_at"]
    assert planned["ready_at"][:10] >= planned["deliver_by"] >= planned["ship_by"]
    fid = planned["fulfillment_id"]
    base = f"/api/v1/fulfillments/{fid}"
    got = client.get(base).json()
    assert got["ship_to_location_id"] == ber["id"]
    assert got["ship_to"]["name"] == ber["name"]  # the parcel is addressed to the store
    for step in ("release", "pick", "pack"):
        assert client.post(f"{base}/{step}").status_code == 200
    store_key = make_key(database, ["fulfillment:write", "fulfillment:read"], [ber["code"]])
    as_store = {"Authorization": f"Bearer {store_key}"}
    assert_problem(anon.post(f"{base}/ready-for-pickup", headers=as_store), 409, "not_at_store")
    r = client.post(f"{base}/ship", json={"carrier": "DHL", "tracking_number": ref("T")})
    assert r.status_code == 200, r.text
    assert available(database, sku, ham) == 3  # the units left the warehouse
    mid = client.get(f"/api/v1/orders/{order['id']}").json()
    assert mid["lines"][0]["quantities"]["shipped"] == 2
    assert mid["lines"][0]["quantities"]["delivered"] == 0

    r = client.post(f"{base}/deliver")  # the carrier delivered it to the store
    assert r.status_code == 200 and r.json()["status"] == "at_store", r.text
    assert client.get(f"/api/v1/orders/{order['id']}").json()["status"] != "delivered"
    assert_problem(
        anon.post(f"{base}/picked-up", json={"pickup_code": "x"}, headers=as_store),
        409,
        "not_ready_for_pickup",
    )
    ready = anon.post(f"{base}/ready-for-pickup", headers=as_store)
    assert ready.status_code == 200, ready.text
    code = ready.json()["pickup_code"]
    assert code and ready.json()["status"] == "ready_for_pickup"
    assert_problem(client.post(f"{base}/cancel", json={"reason": "x"}), 409, "fulfillment_shipped")
    done = anon.post(f"{base}/picked-up", json={"pickup_code": code}, headers=as_store)
    assert done.status_code == 200 and done.json()["status"] == "picked_up", done.text
    final = client.get(f"/api/v1/orders/{order['id']}").json()
    assert final["status"] == "delivered"
    assert final["lines"][0]["quantities"]["delivered"] == 2
    assert available(database, sku, ham) == 3  # consumed once, at the warehouse
    types = [e["type"] for e in client.get(f"/api/v1/orders/{order['id']}/events").json()["items"]]
    assert types.index("fulfillment.shipped") < types.index("fulfillment.arrived_at_store")
    assert types.index("fulfillment.arrived_at_store") < types.index("fulfillment.picked_up")


def test_a_ship_to_store_never_collected_goes_into_the_store_s_stock(client, database):
    ham, ber, sku, order = ship_to_store_order(client, database)
    fid = order["fulfillments"][0]["id"]
    base = f"/api/v1/fulfillments/{fid}"
    for step in ("release", "pick", "pack"):
        client.post(f"{base}/{step}")
    client.post(f"{base}/ship", json={"carrier": "DHL", "tracking_number": ref("T")})
    r = client.post(f"{base}/ready-for-pickup", json={"hold_days": 1})  # implies arrival
    assert r.status_code == 200 and r.json()["status"] == "ready_for_pickup", r.text
    expired = database.run(
        ACTOR, lambda uow: expire_uncollected(uow, now=utcnow() + timedelta(days=2))
    )
    assert fid in expired
    assert available(database, sku, ber) == 2 and available(database, sku, ham) == 3
    after = client.get(f"/api/v1/orders/{order['id']}").json()
    q = after["lines"][0]["quantities"]
    assert (q["shipped"], q["cancelled"], q["delivered"]) == (0, 2, 0)
    assert after["status"] == "cancelled"
