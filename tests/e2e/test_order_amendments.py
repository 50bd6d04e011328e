"""Amendments: quantities, lines, address and delivery method, with If-Match."""

from __future__ import annotations

from tests.e2e.skeleton import available, make_channel, make_location, make_sku, order_body, stock
from tests.helpers import assert_problem, ref


def _order(client, database, *quantities: int, stock_each: int = 10):
    channel, loc = make_channel(client), make_location(client)
    skus = [make_sku(client, channel, "10.00") for _ in quantities]
    for sku in skus:
        stock(database, sku, loc, stock_each)
    lines = list(zip(skus, quantities, strict=True))
    r = client.post("/api/v1/orders", json=order_body(channel, lines))
    assert r.status_code == 201, r.text
    return channel, loc, skus, r.json()


def _amended(client, order_id: str) -> list[dict]:
    events = client.get(f"/api/v1/orders/{order_id}/events").json()["items"]
    return [e for e in events if e["type"] == "order.amended"]


def _ship(client, fulfillment_id: str) -> None:
    base = f"/api/v1/fulfillments/{fulfillment_id}"
    for step in ("pick", "pack"):
        assert client.post(f"{base}/{step}").status_code == 200
    shipped = client.post(f"{base}/ship", json={"carrier": "DHL", "tracking_number": ref("T")})
    assert shipped.status_code == 200, shipped.text


def test_raising_a_quantity_reserves_only_the_extra_units(client, database):
    _, loc, (sku,), order = _order(client, database, 2)
    url = f"/api/v1/orders/{order['id']}"
    line = order["lines"][0]["id"]
    stale = client.patch(f"{url}/lines/{line}", json={"quantity": 5}, headers={"If-Match": '"9"'})
    assert_problem(stale, 412, "version_mismatch")
    r = client.patch(f"{url}/lines/{line}", json={"quantity": 5}, headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["lines"][0]["quantities"]["allocated"] == 5 and got["total"] == "50.00"
    assert r.headers["etag"] == f'"{got["version"]}"'
    assert available(database, sku, loc) == 5
    # Issue 13 defect 6: the extra units join the open parcel instead of a second one.
    (ful,) = got["fulfillments"]
    assert ful["status"] == "created"
    lines = client.get(f"/api/v1/fulfillments/{ful['id']}").json()["lines"]
    assert [ln["quantity"] for ln in lines] == [5]
    (change,) = _amended(client, order["id"])
    assert change["data"]["change"] == "line_quantity_changed"
    assert (change["data"]["before"]["ordered"], change["data"]["after"]["ordered"]) == (2, 5)


def test_lowering_a_quantity_releases_and_rebuilds_the_fulfillment(client, database):
    _, loc, (a, b), order = _order(client, database, 4, 1)
    url = f"/api/v1/orders/{order['id']}"
    line = order["lines"][0]["id"]
    r = client.patch(f"{url}/lines/{line}", json={"quantity": 1})
    assert r.status_code == 200, r.text
    got = r.json()
    q = got["lines"][0]["quantities"]
    assert (q["ordered"], q["cancelled"], q["allocated"]) == (4, 3, 1)
    assert got["lines"][0]["quantity"] == 1  # what the customer now gets (defect 7)
    assert available(database, a, loc) == 9 and available(database, b, loc) == 9
    statuses = sorted(f["status"] for f in got["fulfillments"])
    assert statuses == ["cancelled", "created"]
    assert got["total"] == "20.00"
    assert (
        client.patch(f"{url}/lines/{line}", json={"quantity": 1}).json()["version"]
        == got["version"]
    )  # no change, no new version


def test_cancel_and_add_lines(client, database):
    channel, loc, (a, b), order = _order(client, database, 2, 3)
    url = f"/api/v1/orders/{order['id']}"
    first = order["lines"][0]["id"]
    r = client.post(f"{url}/lines/{first}/cancel", json={"reason": "out of fashion"})
    assert r.status_code == 200, r.text
    assert [ln["status"] for ln in r.json()["lines"]] == ["cancelled", "allocated"]
    assert available(database, a, loc) == 10 and available(database, b, loc) == 7
    assert_problem(client.post(f"{url}/lines/{first}/cancel"), 409, "line_not_cancellable")
    extra = make_sku(client, channel, "7.50")
    stock(database, extra, loc, 4)
    key = {"Idempotency-Key": ref("add")}
    added = client.post(f"{url}/lines", json={"sku": extra["sku"], "quantity": 2}, headers=key)
    assert added.status_code == 201, added.text
    again = client.post(f"{url}/lines", json={"sku": extra["sku"], "quantity": 2}, headers=key)
    assert again.json()["lines"] == added.json()["lines"]
    lines = added.json()["lines"]
    assert [ln["line_no"] for ln in lines] == [1, 2, 3] and lines[2]["unit_price"] == "7.50"
    assert available(database, extra, loc) == 2
    unknown = client.post(f"{url}/lines", json={"sku": "NO-SUCH", "quantity": 1})
    assert_problem(unknown, 422, "unknown_sku")
    assert_problem(client.post(f"{url}/lines", json={"sku": extra["sku"], "quantity": 0}), 422,
                   "invalid_request")  # fmt: skip
    assert_problem(client.patch(f"{url}/lines/oli_nope", json={"quantity": 1}), 422,
                   "unknown_order_line")  # fmt: skip
    changes = [e["data"]["change"] for e in _amended(client, order["id"])]
    assert changes == ["line_cancelled", "line_added"]


def test_address_changes_are_validated_and_recorded(client, database):
    _, _, _, order = _order(client, database, 1)
    url = f"/api/v1/orders/{order['id']}"
    new = {"name": "Anna Müller", "line1": "Marienplatz 1", "city": "München",
           "postal_code": "80331", "country_code": "DE"}  # fmt: skip
    r = client.patch(url, json={"shipping_address": new}, headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert r.json()["shipping_address"]["city"] == "München" and r.json()["status"] == "allocated"
    (change,) = _amended(client, order["id"])
    assert change["data"]["before"]["shipping_address"]["city"] == "Berlin"
    assert change["data"]["after"]["shipping_address"]["city"] == "München"
    nowhere = {**new, "country_code": "XX"}
    bad = assert_problem(client.patch(url, json={"shipping_address": nowhere}), 422,
                         "amendment_rejected")  # fmt: skip
    assert bad["errors"][0]["field"] == "shipping_address.country_code"
    assert client.get(url).json()["shipping_address"]["country_code"] == "DE"
    odd = {**new, "postal_code": "1"}
    held = client.patch(url, json={"shipping_address": odd})
    assert held.status_code == 200 and held.json()["status"] == "on_hold"
    assert [h["type"] for h in held.json()["holds"]] == ["address"]
    assert_problem(client.patch(url, json={"colour": "red"}), 422, "invalid_request")


def test_a_new_destination_re_sources_what_nobody_works_on_yet(client, database):
    """Issue 13 defect 7: DE -> AT moves the parcel to the location that serves Austria."""
    channel, erfurt = make_channel(client), make_location(client)
    vienna = make_location(client, latitude=48.21, longitude=16.37, timezone="Europe/Vienna")
    sku = make_sku(client, channel, "10.00")
    stock(database, sku, erfurt, 5)
    stock(database, sku, vienna, 5)
    r = client.post("/api/v1/orders", json=order_body(channel, [(sku, 2)]))
    assert r.status_code == 201, r.text
    order = r.json()
    assert [f["location_id"] for f in order["fulfillments"]] == [erfurt["id"]]
    url = f"/api/v1/orders/{order['id']}"
    wien = {"name": "Anna Müller", "line1": "Stephansplatz 1", "city": "Wien",
            "postal_code": "1010", "country_code": "AT"}  # fmt: skip
    r = client.patch(url, json={"shipping_address": wien})
    assert r.status_code == 200, r.text
    live = [f for f in r.json()["fulfillments"] if f["status"] != "cancelled"]
    assert [f["location_id"] for f in live] == [vienna["id"]]
    assert available(database, sku, erfurt) == 5 and available(database, sku, vienna) == 3
    # A name change is not a move: nothing is sourced again.
    r = client.patch(url, json={"shipping_address": {**wien, "name": "Anna M."}})
    assert [f["status"] for f in r.json()["fulfillments"]].count("cancelled") == 1
    # Once the location works on it, the parcel stays where it is.
    client.post(f"/api/v1/fulfillments/{live[0]['id']}/release")
    back = {**wien, "city": "Berlin", "postal_code": "10115", "country_code": "DE"}
    r = client.patch(url, json={"shipping_address": back})
    assert r.status_code == 200, r.text
    assert [f["status"] for f in r.json()["fulfillments"]] == ["cancelled", "released"]


def test_switching_to_pickup_re_sources_the_order(client, database):
    channel = make_channel(client)
    warehouse = make_location(client)
    store = make_location(client, type="store", capabilities=["pickup"])
    sku = make_sku(client, channel)
    stock(database, sku, warehouse, 5)
    stock(database, sku, store, 5)
    order = client.post("/api/v1/orders", json=order_body(channel, [(sku, 2)])).json()
    assert order["fulfillments"][0]["location_id"] == warehouse["id"]
    url = f"/api/v1/orders/{order['id']}"
    r = client.patch(url, json={"delivery_method": "pickup", "pickup_location": store["code"]})
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["delivery_method"], got["pickup_location_id"]) == ("pickup", store["id"])
    live = [f for f in got["fulfillments"] if f["status"] != "cancelled"]
    assert [f["location_id"] for f in live] == [store["id"]]
    assert available(database, sku, warehouse) == 5 and available(database, sku, store) == 3
    not_pickup = client.patch(url, json={"pickup_location": warehouse["code"]})
    assert_problem(not_pickup, 422, "unknown_pickup_location")


def test_shipped_units_cannot_be_amended(client, database):
    _, _, _, order = _order(client, database, 2, 1)
    url = f"/api/v1/orders/{order['id']}"
    _ship(client, order["fulfillments"][0]["id"])
    shipped = client.get(url).json()
    assert shipped["status"] == "shipped"
    line = shipped["lines"][0]["id"]
    assert_problem(client.patch(f"{url}/lines/{line}", json={"quantity": 1}), 409,
                   "order_not_amendable")  # fmt: skip
    assert_problem(client.post(f"{url}/lines/{line}/cancel"), 409, "order_not_amendable")
    assert_problem(client.patch(url, json={"notes": "late"}), 409, "order_not_amendable")


def test_a_partly_shipped_order_changes_only_what_is_left(client, database):
    channel = make_channel(client)
    a_loc, b_loc = make_location(client), make_location(client)
    s1, s2 = make_sku(client, channel), make_sku(client, channel)
    stock(database, s1, a_loc, 3)
    stock(database, s2, b_loc, 3)
    order = client.post("/api/v1/orders", json=order_body(channel, [(s1, 2), (s2, 1)])).json()
    url = f"/api/v1/orders/{order['id']}"
    at_a = next(f for f in order["fulfillments"] if f["location_id"] == a_loc["id"])
    _ship(client, at_a["id"])
    first, second = (ln["id"] for ln in order["lines"])
    assert_problem(client.patch(f"{url}/lines/{first}", json={"quantity": 1}), 409,
                   "line_already_shipped")  # fmt: skip
    r = client.patch(f"{url}/lines/{second}", json={"quantity": 2})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "partially_shipped"
    assert r.json()["lines"][1]["quantities"]["allocated"] == 2
