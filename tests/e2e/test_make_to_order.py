"""Make to order (issue 13 item 12): a SKU made at a site from a bill of materials, with
a lead time and a daily capacity that is never overbooked; work orders drive the
fulfilment. Both databases; the race through a real server matters on PostgreSQL."""

from __future__ import annotations

import concurrent.futures as cf
from collections import Counter
from datetime import date, timedelta

import httpx

from tests.e2e.skeleton import available, make_channel, make_location, make_sku, order_body, stock
from tests.helpers import assert_problem, ref


def made_table(client, database, *, capacity: int = 2, lead_days: int = 3, legs: int = 40):
    channel, site = make_channel(client), make_location(client)
    table, top, leg = (make_sku(client, channel, p) for p in ("400.00", "50.00", "10.00"))
    stock(database, top, site, max(10, legs // 4))
    stock(database, leg, site, legs)
    r = client.put(
        f"/api/v1/skus/{table['sku']}/production",
        json={
            "routes": [{"location": site["code"], "lead_days": lead_days,
                        "daily_capacity": capacity}],
            "bom": [{"sku": top["sku"], "quantity": 1}, {"sku": leg["sku"], "quantity": 4}],
        },
    )  # fmt: skip
    assert r.status_code == 200, r.text
    return channel, site, table, top, leg


def work_orders(client, order_id: str | None = None) -> list[dict]:
    items = client.get("/api/v1/work-orders", params={"limit": 200}).json()["items"]
    return [w for w in items if order_id is None or w["order_id"] == order_id]


def test_a_made_to_order_line_books_a_slot_and_waits_for_its_work_order(client, database):
    channel, site, table, top, leg = made_table(client, database)
    r = client.post("/api/v1/orders", json=order_body(channel, [(table, 2)]))
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["lines"][0]["status"] == "allocated"
    (wo,) = work_orders(client, order["id"])
    today = date.today()
    assert (wo["status"], wo["quantity"], wo["location_id"]) == ("planned", 2, site["id"])
    assert date.fromisoformat(wo["start_day"]) - today <= timedelta(days=1)
    due = date.fromisoformat(wo["due_day"])
    assert due == date.fromisoformat(wo["start_day"]) + timedelta(days=3)
    assert available(database, top, site) == 8 and available(database, leg, site) == 32
    (ful,) = order["fulfillments"]
    assert ful["location_id"] == site["id"]
    (planned,) = client.get(f"/api/v1/orders/{order['id']}/sourcing").json()["fulfillments"]
    assert date.fromisoformat(planned["ship_by"]) >= due  # the promise waits for production
    base = f"/api/v1/fulfillments/{ful['id']}"
    assert client.post(f"{base}/release").status_code == 200
    assert_problem(client.post(f"{base}/pick"), 409, "awaiting_production")

    r = client.post(f"/api/v1/work-orders/{wo['id']}/start")
    assert r.status_code == 200 and r.json()["status"] == "in_production", r.text
    assert client.post(f"/api/v1/work-orders/{wo['id']}/start").json()["status"] == "in_production"
    r = client.post(f"/api/v1/work-orders/{wo['id']}/complete")
    assert r.status_code == 200 and r.json()["status"] == "done", r.text
    levels = {
        s["sku"]: client.get(f"/api/v1/inventory/levels/{s['sku']}/{site['code']}").json()
        for s in (top, leg, table)
    }
    assert {k: (v["on_hand"], v["reserved"]) for k, v in levels.items()} == {
        top["sku"]: (8, 0),
        leg["sku"]: (32, 0),
        table["sku"]: (2, 2),
    }
    assert_problem(client.post(f"/api/v1/work-orders/{wo['id']}/start"), 409, "invalid_transition")
    for step in ("pick", "pack"):
        assert client.post(f"{base}/{step}").status_code == 200
    r = client.post(f"{base}/ship", json={"carrier": "DHL", "tracking_number": ref("T")})
    assert r.status_code == 200, r.text
    table_level = client.get(f"/api/v1/inventory/levels/{table['sku']}/{site['code']}").json()
    assert (table_level["on_hand"], table_level["reserved"]) == (0, 0)
    types = [e["type"] for e in client.get(f"/api/v1/orders/{order['id']}/events").json()["items"]]
    assert types.index("work_order.planned") < types.index("work_order.completed")


def test_a_full_day_moves_the_next_order_to_the_next_slot_and_cancelling_frees_it(client, database):
    channel, _site, table, _, _ = made_table(client, database, capacity=2)
    first = client.post("/api/v1/orders", json=order_body(channel, [(table, 2)])).json()
    second = client.post("/api/v1/orders", json=order_body(channel, [(table, 1)])).json()
    (a,) = work_orders(client, first["id"])
    (b,) = work_orders(client, second["id"])
    assert date.fromisoformat(b["start_day"]) == date.fromisoformat(a["start_day"]) + timedelta(1)
    r = client.post(f"/api/v1/orders/{first['id']}/cancel", json={"reason": "changed mind"})
    assert r.status_code == 200, r.text
    (a,) = work_orders(client, first["id"])
    assert a["status"] == "cancelled"
    third = client.post("/api/v1/orders", json=order_body(channel, [(table, 2)])).json()
    (c,) = work_orders(client, third["id"])
    assert c["start_day"] == a["start_day"]  # the freed slot is taken again


def test_no_components_or_no_slot_refuses_the_line(client, database):
    channel, site, table, _, leg = made_table(client, database, legs=4)
    r = client.post("/api/v1/orders", json=order_body(channel, [(table, 2)]))
    problem = assert_problem(r, 409, "insufficient_stock")
    assert problem["errors"][0]["field"] == "lines.0.quantity"
    assert available(database, leg, site) == 4 and work_orders(client) is not None


def test_the_production_setup_is_checked(client, database):
    _channel, site, table, _top, _ = made_table(client, database)
    bad = {
        "routes": [{"location": "NOWHERE", "lead_days": 1, "daily_capacity": 1}],
        "bom": [{"sku": table["sku"], "quantity": 1}],
    }
    problem = assert_problem(
        client.put(f"/api/v1/skus/{table['sku']}/production", json=bad), 422, "invalid_production"
    )
    assert {e["field"] for e in problem["errors"]} == {"routes.0.location", "bom.0.sku"}
    got = client.get(f"/api/v1/skus/{table['sku']}/production").json()
    assert [r["location_id"] for r in got["routes"]] == [site["id"]]


def test_concurrent_orders_never_overbook_a_day(client, database, live_url, admin_key):
    channel, _site, table, _, _ = made_table(client, database, capacity=3, legs=400)
    bodies = [order_body(channel, [(table, 1)]) for _ in range(12)]
    with httpx.Client(base_url=live_url, timeout=60) as http, cf.ThreadPoolExecutor(12) as pool:
        answers = list(
            pool.map(
                lambda b: http.post(
                    "/api/v1/orders", json=b, headers={"Authorization": f"Bearer {admin_key}"}
                ),
                bodies,
            )
        )
    assert all(r.status_code == 201 for r in answers), [
        r.text for r in answers if r.status_code != 201
    ][:3]
    ids = {r.json()["id"] for r in answers}
    made = [w for w in work_orders(client) if w["order_id"] in ids]
    per_day = Counter(w["start_day"] for w in made)
    assert len(made) == 12 and max(per_day.values()) == 3 and len(per_day) == 4, per_day
