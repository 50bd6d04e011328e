"""Consolidation at merge nodes: profiles name them (stored as location ids); a split
order consolidates when cheaper: merge legs to the node, one parcel from it."""

from __future__ import annotations

import concurrent.futures as cf
import threading
from collections.abc import Callable

import httpx

from switchyard.inventory import operations
from switchyard.inventory.verify import verify
from switchyard.kernel.events import Actor
from tests.e2e.skeleton import available, make_channel, make_location, make_sku, order_body, stock
from tests.helpers import assert_problem, ref

ACTOR = Actor.system("tests")
BASE = "/api/v1/sourcing/profiles"
MUNICH, LEIPZIG, POTSDAM = (48.14, 11.58), (51.34, 12.375), (52.39, 13.06)


def site(client, where, **over) -> dict:
    return make_location(client, code=ref("L"), latitude=where[0], longitude=where[1], **over)


def test_merge_nodes_are_stored_as_ids_in_the_order_given_and_validated(client):
    muc, lej = site(client, MUNICH), site(client, LEIPZIG)
    channel = make_channel(client, location_ids=[muc["id"], lej["id"]])
    r = client.post(
        BASE,
        json={
            "channel": channel["code"],
            "name": "Consolidate",
            "merge_nodes": [lej["code"], muc["id"]],
            "cost_model": {"transfer_factor": "0.3"},
        },
    )
    assert r.status_code == 201, r.text
    profile = r.json()
    assert profile["merge_nodes"] == [lej["id"], muc["id"]]
    assert profile["cost_model"]["transfer_factor"] == "0.3"
    based = client.post(BASE, json={"based_on": profile["id"]}).json()
    assert based["merge_nodes"] == [lej["id"], muc["id"]]  # copied with the rules
    r = client.patch(f"{BASE}/{profile['id']}", json={"merge_nodes": []})
    assert r.status_code == 200, r.text
    assert r.json()["merge_nodes"] == []
    assert client.get(f"{BASE}/{profile['id']}").json()["merge_nodes"] == []

    unknown = client.patch(f"{BASE}/{profile['id']}", json={"merge_nodes": ["NOWHERE"]})
    errors = assert_problem(unknown, 422, "unknown_location")["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("merge_nodes", "unknown_location")]
    twice = client.patch(f"{BASE}/{profile['id']}", json={"merge_nodes": [lej["id"], lej["code"]]})
    assert assert_problem(twice, 422, "invalid_sourcing_profile")["errors"][0]["field"] == (
        "merge_nodes"
    )
    negative = client.patch(f"{BASE}/{profile['id']}", json={"cost_model": {"transfer_factor": -1}})
    assert negative.status_code == 422
    default = client.get(f"/api/v1/sourcing/active-profiles/{channel['code']}").json()
    assert default["merge_nodes"] == [] and default["cost_model"]["transfer_factor"] == "0.5"


def test_a_merge_node_without_stock_takes_every_shipment_as_a_leg(client, database):
    muc, lej = site(client, MUNICH), site(client, LEIPZIG)
    hub = site(client, POTSDAM)  # no stock: a pure merge node
    channel = make_channel(client, location_ids=[muc["id"], lej["id"], hub["id"]])
    a, b = make_sku(client, channel), make_sku(client, channel)
    stock(database, a, muc, 5)
    stock(database, b, lej, 5)
    r = client.post(
        BASE, json={"channel": channel["code"], "name": "Hub", "merge_nodes": [hub["code"]]}
    )
    client.post(f"{BASE}/{r.json()['id']}/activate")
    r = client.post("/api/v1/orders", json=order_body(channel, [(a, 1), (b, 1)]))
    assert r.status_code == 201, r.text
    order = r.json()
    found = {
        f["location_id"]: client.get(f"/api/v1/fulfillments/{f['id']}").json()
        for f in order["fulfillments"]
    }
    assert {k: (f["purpose"], f["ship_to_location_id"]) for k, f in found.items()} == {
        muc["id"]: ("merge_leg", hub["id"]),
        lej["id"]: ("merge_leg", hub["id"]),
        hub["id"]: ("consolidated", None),
    }
    assert {leg["location_id"] for leg in found[hub["id"]]["legs"]} == {muc["id"], lej["id"]}
    (decision,) = client.get(f"/api/v1/orders/{order['id']}/sourcing").json()["decisions"]
    stored = decision["decision"]
    assert stored["merge_node_id"] == hub["id"]
    log = stored["log"]["consolidation"]
    assert log["nodes"][0]["code"] == hub["code"] and log["chosen"] == hub["code"]
    assert stored["total_cost"] == stored["consolidation"]["cost"] < log["split_cost"]


def test_a_dearer_consolidation_is_logged_and_the_order_ships_split(client, database):
    muc, lej = site(client, MUNICH), site(client, LEIPZIG)
    channel = make_channel(client, location_ids=[muc["id"], lej["id"]])
    a, b = make_sku(client, channel), make_sku(client, channel)
    stock(database, a, muc, 5)
    stock(database, b, lej, 5)
    body = {"channel": channel["code"], "name": "Dear", "merge_nodes": [lej["code"]]}
    r = client.post(BASE, json={**body, "cost_model": {"transfer_factor": "5"}})
    client.post(f"{BASE}/{r.json()['id']}/activate")
    r = client.post("/api/v1/orders", json=order_body(channel, [(a, 1), (b, 1)]))
    assert r.status_code == 201, r.text
    order = r.json()
    for f in order["fulfillments"]:
        assert client.get(f"/api/v1/fulfillments/{f['id']}").json()["purpose"] is None
    assert len(order["fulfillments"]) == 2
    (decision,) = client.get(f"/api/v1/orders/{order['id']}/sourcing").json()["decisions"]
    assert decision["decision"]["merge_node_id"] is None
    assert decision["decision"]["log"]["consolidation"]["chosen"] is None


def test_without_merge_nodes_nothing_is_costed(client, database):
    muc, lej = site(client, MUNICH), site(client, LEIPZIG)
    channel = make_channel(client, location_ids=[muc["id"], lej["id"]])
    a, b = make_sku(client, channel), make_sku(client, channel)
    stock(database, a, muc, 5)
    stock(database, b, lej, 5)
    r = client.post("/api/v1/orders", json=order_body(channel, [(a, 1), (b, 1)]))
    assert r.status_code == 201, r.text
    (decision,) = client.get(f"/api/v1/orders/{r.json()['id']}/sourcing").json()["decisions"]
    assert "consolidation" not in decision["decision"]
    assert "consolidation" not in decision["decision"]["log"]


def on_hand(client, sku: dict, location: dict) -> int:
    r = client.get(f"/api/v1/inventory/levels/{sku['sku']}/{location['code']}")
    assert r.status_code == 200, r.text
    return r.json()["on_hand"]


def consolidating(client, database, *, node_stock: bool = True):
    """Munich holds A, Leipzig (the merge node) B; the customer is in Berlin."""
    muc, lej = site(client, MUNICH), site(client, LEIPZIG)
    channel = make_channel(client, location_ids=[muc["id"], lej["id"]])
    a, b = make_sku(client, channel), make_sku(client, channel)
    stock(database, a, muc, 5)
    if node_stock:
        stock(database, b, lej, 5)
    r = client.post(
        BASE, json={"channel": channel["code"], "name": "Merge", "merge_nodes": [lej["code"]]}
    )
    assert client.post(f"{BASE}/{r.json()['id']}/activate").status_code == 200
    return channel, muc, lej, a, b


def ship(client, fulfillment_id: str, tracking: str) -> dict:
    base = f"/api/v1/fulfillments/{fulfillment_id}"
    for step in ("release", "pick", "pack"):
        r = client.post(f"{base}/{step}")
        assert r.status_code == 200, r.text
    r = client.post(f"{base}/ship", json={"carrier": "DHL", "tracking_number": tracking})
    assert r.status_code == 200, r.text
    return r.json()


def test_a_consolidated_order_travels_by_leg_and_ships_as_one_parcel(client, database):
    channel, muc, lej, a, b = consolidating(client, database)
    order = client.post("/api/v1/orders", json=order_body(channel, [(a, 2), (b, 1)])).json()
    by_location = {f["location_id"]: f for f in order["fulfillments"]}
    assert set(by_location) == {muc["id"], lej["id"]}
    leg = client.get(f"/api/v1/fulfillments/{by_location[muc['id']]['id']}").json()
    final = client.get(f"/api/v1/fulfillments/{by_location[lej['id']]['id']}").json()
    assert (leg["purpose"], leg["ship_to_location_id"]) == ("merge_leg", lej["id"])
    assert (final["purpose"], final["ship_to_location_id"]) == ("consolidated", None)
    assert final["legs"] == [{"id": leg["id"], "location_id": muc["id"], "status": "created"}]
    assert {ln["sku_id"]: ln["quantity"] for ln in final["lines"]} == {a["id"]: 2, b["id"]: 1}
    assert {ln["sku_id"]: ln["quantity"] for ln in leg["lines"]} == {a["id"]: 2}

    found = client.get(f"/api/v1/orders/{order['id']}/sourcing").json()
    assert found["decisions"][0]["decision"]["merge_node_id"] == lej["id"]
    promised = {f["fulfillment_id"]: f for f in found["fulfillments"]}
    assert promised[leg["id"]]["kind"] == "merge_leg"
    # The parcel leaves after the leg is expected at the node; the order promises it.
    assert promised[final["id"]]["ship_by"] >= promised[leg["id"]]["deliver_by"]
    assert found["promise"]["deliver_by"] == promised[final["id"]]["deliver_by"]

    fbase = f"/api/v1/fulfillments/{final['id']}"
    assert client.post(f"{fbase}/release").status_code == 200  # released, not picked
    assert_problem(client.post(f"{fbase}/pick"), 409, "awaiting_legs")

    shipped = ship(client, leg["id"], "LEG-1")
    assert shipped["status"] == "shipped"
    page = client.get(f"/track/{order['tracking_token']}").text
    assert "LEG-1" in page and page.count("consolidation point") == 1
    assert on_hand(client, a, muc) == 3
    mid = client.get(f"/api/v1/orders/{order['id']}").json()
    assert all(ln["quantities"]["shipped"] == 0 for ln in mid["lines"])  # only moved
    assert_problem(client.post(f"{fbase}/pick"), 409, "awaiting_legs")

    r = client.post(f"/api/v1/fulfillments/{leg['id']}/deliver")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "delivered"
    assert on_hand(client, a, lej) == 2 and available(database, a, lej) == 0  # reserved
    final = client.get(fbase).json()
    assert final["legs"][0]["status"] == "delivered"

    ship(client, final["id"], "ONE-1")
    assert on_hand(client, a, lej) == 0 and on_hand(client, b, lej) == 4
    r = client.post(f"{fbase}/deliver")
    assert r.status_code == 200, r.text
    done = client.get(f"/api/v1/orders/{order['id']}").json()
    assert done["status"] == "delivered"
    assert {ln["quantities"]["delivered"] for ln in done["lines"]} == {2, 1}
    types = [e["type"] for e in client.get(f"/api/v1/orders/{order['id']}/events").json()["items"]]
    assert types.count("fulfillment.leg_arrived") == 1 and types.count("fulfillment.shipped") == 2


def test_a_leg_or_the_consolidated_parcel_cannot_hand_units_back(client, database):
    channel, muc, lej, a, b = consolidating(client, database)
    order = client.post("/api/v1/orders", json=order_body(channel, [(a, 2), (b, 1)])).json()
    line = order["lines"][0]["id"]
    r = client.patch(f"/api/v1/orders/{order['id']}/lines/{line}", json={"quantity": 1})
    assert_problem(r, 409, "consolidated_fulfillment")  # it would free the parcel's units
    # More units are reserved on their own: they travel as a parcel of their own.
    r = client.patch(f"/api/v1/orders/{order['id']}/lines/{line}", json={"quantity": 3})
    assert r.status_code == 200, r.text
    extra = [f for f in r.json()["fulfillments"] if f["status"] != "cancelled"]
    assert len(extra) == 3
    purposes = sorted(
        str(client.get(f"/api/v1/fulfillments/{f['id']}").json()["purpose"]) for f in extra
    )
    assert purposes == ["None", "consolidated", "merge_leg"]
    by_location = {f["location_id"]: f["id"] for f in order["fulfillments"]}
    for fid in by_location.values():
        client.post(f"/api/v1/fulfillments/{fid}/release")
        r = client.post(f"/api/v1/fulfillments/{fid}/reject", json={"reason": "no"})
        assert_problem(r, 409, "consolidated_fulfillment")
    r = client.post(f"/api/v1/orders/{order['id']}/cancel", json={"reason": "customer"})
    assert r.status_code == 200, r.text
    assert {
        client.get(f"/api/v1/fulfillments/{fid}").json()["status"] for fid in by_location.values()
    } == {"cancelled"}
    assert available(database, a, muc) == 5 and available(database, b, lej) == 5
    assert on_hand(client, a, muc) == 5


def _at_once(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], httpx.Response]) -> httpx.Response:
        start.wait(timeout=30)
        return call()

    with cf.ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_legs_arriving_at_once_are_reserved_at_the_node_once(client, database, live_url, admin_key):
    muc, lej = site(client, MUNICH), site(client, LEIPZIG)
    hub = site(client, POTSDAM)
    channel = make_channel(client, location_ids=[muc["id"], lej["id"], hub["id"]])
    a, b = make_sku(client, channel), make_sku(client, channel)
    stock(database, a, muc, 5)
    stock(database, b, lej, 5)
    r = client.post(
        BASE, json={"channel": channel["code"], "name": "Hub", "merge_nodes": [hub["code"]]}
    )
    client.post(f"{BASE}/{r.json()['id']}/activate")
    order = client.post("/api/v1/orders", json=order_body(channel, [(a, 2), (b, 3)])).json()
    by_location = {f["location_id"]: f["id"] for f in order["fulfillments"]}
    legs = [by_location[muc["id"]], by_location[lej["id"]]]
    for n, leg in enumerate(legs):
        ship(client, leg, f"RACE-{n}")
    final = f"/api/v1/fulfillments/{by_location[hub['id']]}"
    client.post(f"{final}/release")
    auth = {"Authorization": f"Bearer {admin_key}"}
    with httpx.Client(base_url=live_url, timeout=60, headers=auth) as http:
        # Both legs arrive together, one of them reported twice, while the node tries to
        # pick the parcel.
        answers = _at_once(
            [
                *(lambda leg=leg: http.post(f"/api/v1/fulfillments/{leg}/deliver") for leg in legs),
                lambda: http.post(f"/api/v1/fulfillments/{legs[0]}/deliver"),
                lambda: http.post(f"{final}/pick"),
            ]
        )
    assert all(r.status_code == 200 for r in answers[:3]), [r.text for r in answers]
    assert answers[3].status_code in (200, 409), answers[3].text
    assert on_hand(client, a, hub) == 2 and on_hand(client, b, hub) == 3  # once each
    assert available(database, a, hub) == 0 and available(database, b, hub) == 0
    events = client.get(f"/api/v1/orders/{order['id']}/events").json()["items"]
    assert [e["type"] for e in events].count("fulfillment.leg_arrived") == 2
    if answers[3].status_code == 409:  # it came before the last leg: pick now
        assert answers[3].json()["code"] == "awaiting_legs"
        assert client.post(f"{final}/pick").status_code == 200
    r = client.post(f"{final}/pack")
    assert r.status_code == 200, r.text
    r = client.post(f"{final}/ship", json={"carrier": "DHL", "tracking_number": "RACE-F"})
    assert r.status_code == 200, r.text
    assert on_hand(client, a, hub) == 0 and on_hand(client, b, hub) == 0


def test_a_count_that_shorts_a_leg_makes_the_leg_and_the_parcel_again(client, database):
    channel, muc, lej, a, b = consolidating(client, database)
    order = client.post("/api/v1/orders", json=order_body(channel, [(a, 2), (b, 1)])).json()
    database.run(ACTOR, lambda uow: operations.cycle_count(uow, a["id"], muc["id"], 1))
    got = client.get(f"/api/v1/orders/{order['id']}").json()
    live = {
        f["location_id"]: client.get(f"/api/v1/fulfillments/{f['id']}").json()
        for f in got["fulfillments"]
        if f["status"] != "cancelled"
    }
    leg, final = live[muc["id"]], live[lej["id"]]
    assert (leg["purpose"], leg["ship_to_location_id"]) == ("merge_leg", lej["id"])
    assert {ln["sku_id"]: ln["quantity"] for ln in leg["lines"]} == {a["id"]: 1}
    assert final["purpose"] == "consolidated"
    assert {ln["sku_id"]: ln["quantity"] for ln in final["lines"]} == {a["id"]: 1, b["id"]: 1}
    assert [g["status"] for g in final["legs"] if g["id"] == leg["id"]] == ["created"]
    ship(client, leg["id"], "SHORT-1")
    assert client.post(f"/api/v1/fulfillments/{leg['id']}/deliver").status_code == 200
    ship(client, final["id"], "SHORT-F")
    assert on_hand(client, a, lej) == 0 and on_hand(client, b, lej) == 4
    ids = [a["id"], b["id"]]
    assert database.run(ACTOR, lambda uow: verify(uow, ids), read_only=True) == []
