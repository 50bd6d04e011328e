"""When work does not go to plan: holds, rejection, short picks, cancellation, PATCH."""

from __future__ import annotations

from tests.e2e.skeleton import available, make_channel, make_location, make_sku, order_body, stock
from tests.helpers import assert_problem


def setup(client, database, here: int = 3, elsewhere: int = 0):
    channel = make_channel(client)
    first, second = make_location(client), make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, first, here)
    if elsewhere:
        stock(database, sku, second, elsewhere)
    return channel, first, second, sku


def on_hand(client, sku: dict, location: dict) -> int:
    r = client.get(f"/api/v1/inventory/levels/{sku['sku']}/{location['code']}")
    assert r.status_code == 200, r.text
    return r.json()["on_hand"]


def only_fulfillment(client, order_id: str) -> dict:
    (ful,) = client.get(f"/api/v1/orders/{order_id}").json()["fulfillments"]
    return ful


def test_held_orders_are_not_released_until_the_hold_goes(client, database):
    channel, loc, _, sku = setup(client, database)
    order = client.post("/api/v1/orders", json=order_body(channel, [(sku, 1)])).json()
    fid = order["fulfillments"][0]["id"]
    r = client.post(
        f"/api/v1/orders/{order['id']}/holds", json={"type": "manual", "reason": "check"}
    )
    assert r.status_code == 201, r.text
    assert_problem(client.post(f"/api/v1/fulfillments/{fid}/release"), 409, "order_on_hold")
    assert_problem(client.post(f"/api/v1/fulfillments/{fid}/pick"), 409, "order_on_hold")
    r = client.post("/api/v1/fulfillments:release", json={"order_id": order["id"]}).json()
    assert r == {
        "released": [],
        "held": [{"fulfillment_id": fid, "order_id": order["id"], "reason": "order_on_hold"}],
    }
    r = client.post(f"/api/v1/orders/{order['id']}/holds/release", json={"note": "fine"})
    assert r.status_code == 200, r.text
    r = client.post("/api/v1/fulfillments:release", json={"location": loc["code"]})
    assert r.json()["released"] == [fid]


def test_rejection_hands_the_lines_to_another_location(client, database):
    channel, first, second, sku = setup(client, database, here=5, elsewhere=5)
    order = client.post("/api/v1/orders", json=order_body(channel, [(sku, 2)])).json()
    (ful,) = order["fulfillments"]
    at, other = (first, second) if ful["location_id"] == first["id"] else (second, first)
    base = f"/api/v1/fulfillments/{ful['id']}"
    assert_problem(client.post(f"{base}/reject"), 409, "not_released")
    client.post(f"{base}/release")
    r = client.post(f"{base}/reject", json={"reason": "flooded"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "cancelled" and r.json()["cancel_reason"] == "rejected"
    assert client.post(f"{base}/reject").json()["version"] == r.json()["version"]
    assert available(database, sku, at) == 5
    assert available(database, sku, other) == 3
    after = client.get(f"/api/v1/orders/{order['id']}").json()
    live = [f for f in after["fulfillments"] if f["status"] != "cancelled"]
    assert [f["location_id"] for f in live] == [other["id"]]
    assert after["lines"][0]["quantities"]["allocated"] == 2
    types = [e["type"] for e in client.get(f"/api/v1/orders/{order['id']}/events").json()["items"]]
    assert "fulfillment.created" in types[types.index("fulfillment.rejected") :]


def reject(client, fulfillment: dict, reason: str = "flooded") -> None:
    base = f"/api/v1/fulfillments/{fulfillment['id']}"
    client.post(f"{base}/release")
    r = client.post(f"{base}/reject", json={"reason": reason})
    assert r.status_code == 200, r.text


def live(client, order_id: str) -> list[dict]:
    found = client.get(f"/api/v1/orders/{order_id}").json()["fulfillments"]
    return [f for f in found if f["status"] != "cancelled"]


def test_a_location_that_rejected_a_line_is_never_asked_again(client, database):
    """Issue 13 defect 2: after A rejects, B gets the line; after B rejects, A must not get
    it back: the order waits on a sourcing hold until a person clears an exclusion."""
    channel, first, second, sku = setup(client, database, here=5, elsewhere=5)
    order = client.post("/api/v1/orders", json=order_body(channel, [(sku, 2)])).json()
    (ful,) = order["fulfillments"]
    reject(client, ful)
    (moved,) = live(client, order["id"])
    assert moved["location_id"] != ful["location_id"]
    reject(client, moved, "no staff")
    after = client.get(f"/api/v1/orders/{order['id']}").json()
    assert live(client, order["id"]) == []
    assert after["lines"][0]["quantities"]["allocated"] == 0
    assert [h["type"] for h in after["holds"]] == ["sourcing"]
    assert available(database, sku, first) == 5 and available(database, sku, second) == 5

    listed = client.get(f"/api/v1/orders/{order['id']}/sourcing-exclusions").json()["items"]
    assert sorted((x["location_id"], x["reason"]) for x in listed) == sorted(
        [(ful["location_id"], "rejected"), (moved["location_id"], "rejected")]
    )
    first_code = first["code"] if ful["location_id"] == first["id"] else second["code"]
    url = f"/api/v1/orders/{order['id']}/sourcing-exclusions/clear"
    assert_problem(
        client.post(url, json={"location": "NOPE", "note": "x"}), 422, "unknown_location"
    )
    r = client.post(url, json={"location": first_code, "note": "the floor is dry"})
    assert r.status_code == 200, r.text
    assert [x["location_id"] for x in r.json()["items"]] == [ful["location_id"]]
    assert_problem(
        client.post(url, json={"location": first_code, "note": "again"}), 422, "no_exclusion"
    )
    r = client.post(f"/api/v1/orders/{order['id']}/holds/release", json={"note": "A is back"})
    assert r.status_code == 200, r.text
    assert [f["location_id"] for f in live(client, order["id"])] == [ful["location_id"]]
    types = [e["type"] for e in client.get(f"/api/v1/orders/{order['id']}/events").json()["items"]]
    assert types.count("order.location_excluded") == 2
    assert "order.exclusions_cleared" in types


def test_short_pick_ships_what_was_found_and_gives_back_the_rest(client, database):
    channel, loc, _, sku = setup(client, database, here=3)
    order = client.post("/api/v1/orders", json=order_body(channel, [(sku, 3)])).json()
    base = f"/api/v1/fulfillments/{order['fulfillments'][0]['id']}"
    client.post(f"{base}/release")
    lines = {"lines": [{"sku": sku["sku"], "quantity": 2}]}
    assert_problem(client.post(f"{base}/pick", json=lines), 422, "pick_mismatch")
    r = client.post(f"{base}/pick", json={**lines, "allow_short": True})
    assert r.status_code == 200, r.text
    ln = r.json()["lines"][0]
    assert (ln["quantity"], ln["qty_picked"], ln["qty_short"]) == (2, 2, 1)
    assert client.post(f"{base}/pick", json={**lines, "allow_short": True}).json() == r.json()
    # The missing unit was not there: written off, so the location cannot offer it again.
    assert available(database, sku, loc) == 0
    assert on_hand(client, sku, loc) == 2
    mid = client.get(f"/api/v1/orders/{order['id']}").json()
    assert mid["lines"][0]["quantities"]["allocated"] == 2
    client.post(f"{base}/pack")
    r = client.post(f"{base}/ship", json={"carrier": "DHL", "tracking_number": "SP-1"})
    assert r.json()["status"] == "shipped", r.text
    final = client.get(f"/api/v1/orders/{order['id']}").json()
    assert final["lines"][0]["quantities"]["shipped"] == 2
    events = client.get(f"/api/v1/orders/{order['id']}/events").json()["items"]
    short = next(e for e in events if e["type"] == "fulfillment.short_picked")
    assert short["data"]["lines"] == [{"order_line_id": final["lines"][0]["id"], "missing": 1}]


def test_nothing_found_cancels_the_fulfillment(client, database):
    channel, loc, _, sku = setup(client, database, here=2)
    order = client.post("/api/v1/orders", json=order_body(channel, [(sku, 2)])).json()
    base = f"/api/v1/fulfillments/{order['fulfillments'][0]['id']}"
    r = client.post(
        f"{base}/pick", json={"lines": [{"sku": sku["sku"], "quantity": 0}], "allow_short": True}
    )
    assert (r.json()["status"], r.json()["cancel_reason"]) == ("cancelled", "short_pick")
    assert available(database, sku, loc) == 0 and on_hand(client, sku, loc) == 0


def test_a_short_pick_writes_the_missing_units_off_and_sources_them_elsewhere(client, database):
    """Issue 13 defect 4: the missing unit leaves on_hand (movement short_pick) and is
    sourced at the other location, not at the one that could not find it."""
    channel, here, there, sku = setup(client, database, here=3, elsewhere=2)
    order = client.post("/api/v1/orders", json=order_body(channel, [(sku, 3)])).json()
    (ful,) = order["fulfillments"]
    assert ful["location_id"] == here["id"]
    base = f"/api/v1/fulfillments/{ful['id']}"
    client.post(f"{base}/release")
    r = client.post(
        f"{base}/pick", json={"lines": [{"sku": sku["sku"], "quantity": 2}], "allow_short": True}
    )
    assert r.status_code == 200, r.text
    assert on_hand(client, sku, here) == 2 and available(database, sku, here) == 0
    others = [f for f in live(client, order["id"]) if f["id"] != ful["id"]]
    assert [f["location_id"] for f in others] == [there["id"]]
    moved = client.get(f"/api/v1/fulfillments/{others[0]['id']}").json()
    assert [ln["quantity"] for ln in moved["lines"]] == [1]
    assert available(database, sku, there) == 1
    moves = client.get(
        "/api/v1/inventory/movements", params={"sku": sku["sku"], "location": here["code"]}
    ).json()["items"]
    assert [
        (m["kind"], m["quantity"], m["reference"]) for m in moves if m["kind"] == "short_pick"
    ] == [("short_pick", -1, ful["id"])]


def test_cancel_and_patch(client, database):
    channel, loc, _, sku = setup(client, database, here=4)
    order = client.post("/api/v1/orders", json=order_body(channel, [(sku, 1), (sku, 2)])).json()
    base = f"/api/v1/fulfillments/{order['fulfillments'][0]['id']}"
    r = client.patch(base, json={"promised_delivery": "2030-01-15"}, headers={"If-Match": '"1"'})
    assert r.status_code == 200 and r.json()["promised_delivery"] == "2030-01-15", r.text
    assert_problem(
        client.patch(base, json={"delivery_method": "pickup"}), 422, "location_cannot_pickup"
    )
    assert_problem(
        client.patch(base, json={"promised_delivery": None}, headers={"If-Match": '"1"'}),
        412,
        "version_mismatch",
    )
    assert_problem(client.post(f"{base}/pack"), 409, "not_picked")
    r = client.post(f"{base}/cancel", json={"reason": "damaged in store"})
    assert (r.json()["status"], r.json()["note"]) == ("cancelled", "damaged in store")
    assert available(database, sku, loc) == 4
    assert_problem(client.post(f"{base}/pick"), 409, "fulfillment_cancelled")
    assert_problem(
        client.post(f"{base}/scans", json={"code": "nope"}), 409, "fulfillment_cancelled"
    )
