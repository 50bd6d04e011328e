"""GET /promise: delivery and pickup options before ordering, at a fixed moment ("at").

2026-06-16 is a Tuesday. The warehouse is in Hamburg (cut-off 15:00 Berlin time, ships
Monday to Friday); the shopper is in Hamburg too (zone Z1, one transit day).
"""

from __future__ import annotations

from tests.e2e.skeleton import make_channel, make_location, make_sku, stock
from tests.helpers import assert_problem, ref

HAMBURG = {"country": "DE", "postal_code": "20354", "city": "Hamburg"}


def network(client, database, *, store_stock: int = 0, warehouse_stock: int = 5):
    wh = make_location(client, code=ref("WH"), latitude=53.55, longitude=10.0)
    shop = make_location(
        client,
        code=ref("ST"),
        type="store",
        latitude=53.56,
        longitude=9.99,
        capabilities=["pickup", "ship_from_store"],
        processing_days=[1, 2, 3, 4, 5, 6],
    )
    channel = make_channel(client, location_ids=[wh["id"], shop["id"]])
    sku = make_sku(client, channel)
    if warehouse_stock:
        stock(database, sku, wh, warehouse_stock)
    if store_stock:
        stock(database, sku, shop, store_stock)
    return channel, wh, shop, sku


def ask(client, channel, skus, at: str, **params) -> dict:
    query = {
        "channel": channel["code"],
        "sku": [s["sku"] for s in skus],
        "at": at,
        **HAMBURG,
        **params,
    }
    r = client.get("/api/v1/promise", params=query)
    assert r.status_code == 200, r.text
    return r.json()


def by_kind(answer: dict) -> dict[str, dict]:
    return {o["kind"]: o for o in answer["options"]}


def test_before_the_cut_off_ships_today(client, database):
    channel, wh, _, sku = network(client, database)
    answer = ask(client, channel, [sku], "2026-06-16T10:00:00+02:00")
    cheapest = by_kind(answer)["cheapest"]
    assert cheapest["deliver_by"] == "2026-06-17"
    assert cheapest["order_within_minutes"] == 300
    assert cheapest["label"] == "order within 5 h 0 min, delivered Wednesday 17 June"
    assert cheapest["locations"] == [wh["code"]] and float(cheapest["cost"]) > 0
    assert answer["destination"]["city"] == "Hamburg"


def test_cut_off_just_passed_ships_tomorrow(client, database):
    channel, _, _, sku = network(client, database)
    answer = ask(client, channel, [sku], "2026-06-16T15:01:00+02:00")
    cheapest = by_kind(answer)["cheapest"]
    assert cheapest["deliver_by"] == "2026-06-18"
    assert cheapest["order_within_minutes"] is None
    assert cheapest["label"] == "delivered Thursday 18 June"


def test_weekend_orders_ship_on_monday(client, database):
    channel, _, _, sku = network(client, database)
    for at in ("2026-06-19T16:00:00+02:00", "2026-06-20T09:00:00+02:00"):
        assert by_kind(ask(client, channel, [sku], at))["cheapest"]["deliver_by"] == "2026-06-23"


def test_pickup_today_at_a_store_that_holds_the_basket(client, database):
    channel, _, shop, sku = network(client, database, store_stock=2)
    client.put(f"/api/v1/sourcing/locations/{shop['code']}", json={"pickup_lead_minutes": 60})
    pickup = by_kind(ask(client, channel, [sku], "2026-06-16T15:30:00+02:00"))["pickup"]
    assert pickup["label"] == f"pick up at {shop['code']}: ready today at 16:30"
    assert pickup["ready_at"] == "2026-06-16T16:30:00+02:00"
    saturday = by_kind(ask(client, channel, [sku], "2026-06-20T19:30:00+02:00"))["pickup"]
    assert saturday["label"] == f"pick up at {shop['code']}: ready on Mon 22 Jun at 10:00"


def test_expected_supply_is_promised_for_backorders(client, database):
    channel, wh, _, sku = network(client, database, warehouse_stock=0)
    none = ask(client, channel, [sku], "2026-06-16T10:00:00+02:00")
    assert none["options"] == []
    assert [(r["code"], r["skus"]) for r in none["reasons"]] == [("no_stock", [sku["sku"]])]
    po = {
        "reference": ref("PO"),
        "location": wh["code"],
        "eta": "2026-06-22T08:00:00+02:00",
        "lines": [{"sku": sku["sku"], "quantity": 10}],
    }
    r = client.post("/api/v1/inventory/purchase-orders", json=po)
    assert r.status_code == 201, r.text
    cheapest = by_kind(ask(client, channel, [sku], "2026-06-16T10:00:00+02:00"))["cheapest"]
    assert cheapest["deliver_by"] == "2026-06-23"  # ships the day it arrives, one day on
    # A preorder: it ships when the supply arrives, so no cut-off to order within.
    assert (cheapest["preorder"], cheapest["expected_at"]) == (True, "2026-06-22T06:00:00+00:00")
    assert cheapest["order_within_minutes"] is None
    assert cheapest["label"] == "preorder, delivered Tuesday 23 June"


def test_no_option_says_why(client, database):
    channel, wh, _, sku = network(client, database)
    at = "2026-06-16T10:00:00+02:00"
    assert ask(client, channel, [sku], at)["reasons"] == []  # options, so no reasons

    def with_filters(**filters) -> dict:
        body = {"channel": channel["code"], "name": ref("P"), "filters": filters}
        profile = client.post("/api/v1/sourcing/profiles", json=body).json()
        r = client.post(f"/api/v1/sourcing/profiles/{profile['id']}/activate")
        assert r.status_code == 200, r.text
        answer = ask(client, channel, [sku], at, country="DE", postal_code="80331", city="München")
        assert answer["options"] == []
        (reason,) = answer["reasons"]
        assert reason["skus"] == [sku["sku"]] and reason["detail"]
        return reason

    far = with_filters(max_distance_km=100)  # Hamburg to Munich: about 610 km
    assert far["code"] == "destination_not_served" and far["max_distance_km"] == 100
    stores = with_filters(location_types=["store"])
    assert stores["code"] == "all_locations_filtered"
    assert [
        (x["code"], [f["filter"] for f in x["failed_filters"]]) for x in stores["locations"]
    ] == [(wh["code"], ["location_type"])]


def test_bad_requests_are_problems(client, database):
    channel, _, _, sku = network(client, database)
    base = {"channel": channel["code"], "sku": [sku["sku"]], **HAMBURG}
    r = client.get("/api/v1/promise", params={**base, "at": "2026-06-16T10:00:00"})
    assert_problem(r, 422, "naive_datetime")
    r = client.get("/api/v1/promise", params={**base, "sku": ["nope"]})
    assert_problem(r, 422, "unknown_sku")
    r = client.get("/api/v1/promise", params={**base, "qty": [1, 2]})
    assert_problem(r, 422, "invalid_promise_request")
    r = client.get("/api/v1/promise", params={**base, "country": "XX"})
    assert_problem(r, 422, "unknown_destination")
    r = client.get("/api/v1/promise", params={**base, "channel": "nope"})
    assert_problem(r, 422, "unknown_channel")
    assert_problem(client.get("/api/v1/promise", params={"sku": "x"}), 422, "invalid_request")
