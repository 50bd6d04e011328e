"""Kits sell (issue 13 defect 1): the order line shows the kit, its components are sourced
together at one location, reserved, picked, shipped and handed back as components."""

from __future__ import annotations

from tests.e2e.skeleton import available, make_channel, make_location, make_sku, order_body, stock
from tests.helpers import assert_problem

SKUS = "/api/v1/skus"


def kit_of(client, channel, parts: list[tuple[dict, int]]) -> dict:
    kit = make_sku(client, channel, "99.00")
    r = client.put(
        f"{SKUS}/{kit['id']}/components",
        json={"components": [{"sku": p["sku"], "quantity": q} for p, q in parts]},
    )
    assert r.status_code == 200, r.text
    return kit


def kit_available(client, kit: dict) -> int:
    r = client.get("/api/v1/availability", params={"sku": kit["sku"]})
    assert r.status_code == 200, r.text
    (item,) = r.json()
    return item["available_total"]


def test_a_kit_that_availability_shows_can_be_ordered(client, database):
    channel, loc = make_channel(client), make_location(client)
    frame, wheel = make_sku(client, channel), make_sku(client, channel)
    kit = kit_of(client, channel, [(frame, 1), (wheel, 2)])
    stock(database, frame, loc, 3)
    stock(database, wheel, loc, 7)
    assert kit_available(client, kit) == 3
    r = client.post("/api/v1/orders", json=order_body(channel, [(kit, 2)]))
    assert r.status_code == 201, r.text
    order = r.json()
    (line,) = order["lines"]
    assert (line["sku"], line["quantity"], line["status"]) == (kit["sku"], 2, "allocated")
    assert available(database, frame, loc) == 1 and available(database, wheel, loc) == 3
    assert kit_available(client, kit) == 1
    (ful,) = order["fulfillments"]
    got = client.get(f"/api/v1/fulfillments/{ful['id']}").json()
    assert [(ln["sku"], ln["quantity"]) for ln in got["lines"]] == [(kit["sku"], 2)]

    more = client.post("/api/v1/orders", json=order_body(channel, [(kit, 2)]))
    problem = assert_problem(more, 409, "insufficient_stock")
    assert problem["errors"][0]["field"] == "lines.0.quantity"

    base = f"/api/v1/fulfillments/{ful['id']}"
    for step in ("release", "pick", "pack"):
        assert client.post(f"{base}/{step}").status_code == 200
    r = client.post(f"{base}/ship", json={"carrier": "DHL", "tracking_number": "KIT-1"})
    assert r.status_code == 200, r.text
    levels = {
        sku["sku"]: client.get(f"/api/v1/inventory/levels/{sku['sku']}/{loc['code']}").json()
        for sku in (frame, wheel)
    }
    assert {k: (v["on_hand"], v["reserved"]) for k, v in levels.items()} == {
        frame["sku"]: (1, 0),
        wheel["sku"]: (3, 0),
    }
    final = client.get(f"/api/v1/orders/{order['id']}").json()
    assert final["lines"][0]["quantities"]["shipped"] == 2


def test_a_kit_comes_whole_from_one_location_and_is_sourced_again_as_a_whole(client, database):
    channel = make_channel(client)
    first, second = make_location(client), make_location(client)
    frame, wheel = make_sku(client, channel), make_sku(client, channel)
    kit = kit_of(client, channel, [(frame, 1), (wheel, 2)])
    stock(database, frame, first, 2)  # the first has frames, few wheels
    stock(database, wheel, first, 1)
    stock(database, frame, second, 1)  # the second has one whole kit
    stock(database, wheel, second, 2)
    order = client.post("/api/v1/orders", json=order_body(channel, [(kit, 1)])).json()
    (ful,) = order["fulfillments"]
    assert ful["location_id"] == second["id"]
    stock(database, wheel, first, 5)
    base = f"/api/v1/fulfillments/{ful['id']}"
    client.post(f"{base}/release")
    r = client.post(f"{base}/reject", json={"reason": "broken wheel"})
    assert r.status_code == 200, r.text
    assert available(database, frame, second) == 1 and available(database, wheel, second) == 2
    after = client.get(f"/api/v1/orders/{order['id']}").json()
    live = [f for f in after["fulfillments"] if f["status"] != "cancelled"]
    assert [f["location_id"] for f in live] == [first["id"]]
    assert available(database, frame, first) == 1 and available(database, wheel, first) == 4


def test_the_pick_list_names_a_kit_s_components(client, database):
    channel, loc = make_channel(client), make_location(client)
    frame, wheel = make_sku(client, channel), make_sku(client, channel)
    kit = kit_of(client, channel, [(frame, 1), (wheel, 2)])
    stock(database, frame, loc, 5)
    stock(database, wheel, loc, 10)
    order = client.post("/api/v1/orders", json=order_body(channel, [(kit, 3)])).json()
    fid = order["fulfillments"][0]["id"]
    client.post(f"/api/v1/fulfillments/{fid}/release")
    r = client.post("/api/v1/pick-waves", json={"location": loc["code"]})
    assert r.status_code == 201, r.text
    wave = client.get(f"/api/v1/pick-waves/{r.json()['id']}").json()
    picks = {p["sku"]: p["quantity"] for z in wave["zones"] for p in z["picks"]}
    assert picks == {frame["sku"]: 3, wheel["sku"]: 6}
