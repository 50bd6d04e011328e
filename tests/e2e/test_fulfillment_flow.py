"""The issue's full path on SQLite and PostgreSQL, every step an API call: an order split
over a warehouse and a store -> released -> picked (wave, scans), packed, labelled and
shipped by each -> carrier tracking events -> delivered, and the customer's page."""

from __future__ import annotations

import re
import secrets
from typing import Any

from fastapi.testclient import TestClient

from switchyard.carriers.tracking_numbers import luhn_valid
from tests.e2e.skeleton import make_channel, make_location, make_sku, order_body, stock
from tests.helpers import assert_problem, make_key, ref

BERLIN_STORE = {
    "type": "store",
    "name": "Store Berlin Mitte",
    "latitude": 52.52,
    "longitude": 13.40,
    "capabilities": ["ship", "pickup", "ship_from_store"],
    "address": {
        "line1": "Rosenthaler Str. 1",
        "city": "Berlin",
        "postal_code": "10119",
        "country_code": "DE",
    },
}


def make_carrier(client: TestClient, **over: Any) -> dict[str, Any]:
    """A parcel carrier with a cheap 3-day and a dear next-day service."""
    bands = [(1000, "4.90", "9.90"), (5000, "6.90", "14.90"), (31500, "12.90", "29.90")]
    body = {
        "code": ref("CAR"),
        "name": "Paket Express",
        "tracking_pattern": "PX##########!",
        "tracking_url": "https://track.example.com/?id={tracking_number}",
        "services": [
            {
                "code": code,
                "name": name,
                "currency": "EUR",
                "rates": [
                    {"zone": z, "max_weight_grams": w, "amount": prices[i]}
                    for z in range(1, 5)
                    for w, *prices in bands
                ],
                "transit_days": {str(z): days for z in range(1, 5)},
            }
            for i, (code, name, days) in enumerate([("std", "Standard", 3), ("exp", "Express", 1)])
        ],
        **over,
    }
    r = client.post("/api/v1/carriers", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def keyed(anon: TestClient, key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def split_order(client: TestClient, database: Any) -> dict[str, Any]:
    """An order whose two lines only a warehouse and a store can serve, one each."""
    channel = make_channel(client)
    warehouse = make_location(client, name="Warehouse Erfurt")
    store = make_location(client, **BERLIN_STORE)
    sweater = make_sku(client, channel, "89.00")
    r = client.post(
        "/api/v1/skus",
        json={
            "sku": ref("SKU"),
            "product_name": "Wool scarf",
            "barcode": str(secrets.randbelow(10**12)).zfill(13),
            "weight_grams": 150,
            "prices": [{"channel": channel["code"], "currency": "EUR", "amount": "19.90"}],
        },
    )
    assert r.status_code == 201, r.text
    scarf = r.json()
    stock(database, sweater, warehouse, 5)
    stock(database, scarf, store, 3)
    r = client.post("/api/v1/orders", json=order_body(channel, [(sweater, 2), (scarf, 1)]))
    assert r.status_code == 201, r.text
    order = r.json()
    by_location = {f["location_id"]: f for f in order["fulfillments"]}
    assert set(by_location) == {warehouse["id"], store["id"]}
    return {
        "order": order,
        "channel": channel,
        "warehouse": warehouse,
        "store": store,
        "sweater": sweater,
        "scarf": scarf,
        "wh_ful": by_location[warehouse["id"]]["id"],
        "st_ful": by_location[store["id"]]["id"],
    }


def test_split_order_from_release_to_delivery(client, anon, database):
    s = split_order(client, database)
    order, carrier = s["order"], make_carrier(client)
    wh = keyed(anon, make_key(database, ["fulfillment:write"], [s["warehouse"]["code"]]))
    st = keyed(anon, make_key(database, ["fulfillment:write"], [s["store"]["code"]]))

    # released in one wave by filter; repeating it releases nothing more
    r = client.post("/api/v1/fulfillments:release", json={"order_id": order["id"]})
    assert r.status_code == 200, r.text
    assert sorted(r.json()["released"]) == sorted([s["wh_ful"], s["st_ful"]])
    again = client.post("/api/v1/fulfillments:release", json={"order_id": order["id"]})
    assert again.json() == {"released": [], "held": []}

    # the warehouse: slots, a pick wave with its zone pick list, scans, pick, pack
    r = anon.put(
        "/api/v1/pick-slots",
        json={
            "location": s["warehouse"]["code"],
            "slots": [{"sku": s["sweater"]["sku"], "zone": "A", "bin": "A-01-03"}],
        },
        headers=wh,
    )
    assert r.status_code == 200, r.text
    r = anon.post("/api/v1/pick-waves", json={"location": s["warehouse"]["code"]}, headers=wh)
    assert r.status_code == 201, r.text
    wave = r.json()
    assert [f["id"] for f in wave["fulfillments"]] == [s["wh_ful"]]
    (zone,) = wave["zones"]
    assert zone["zone"] == "A"
    assert zone["picks"][0] | {"targets": None} == {
        "bin": "A-01-03",
        "sku": s["sweater"]["sku"],
        "barcode": None,
        "quantity": 2,
        "targets": None,
    }
    base = f"/api/v1/fulfillments/{s['wh_ful']}"
    assert anon.get(base, headers=wh).json()["status"] == "picking"
    r = anon.post(f"{base}/scans", json={"code": s["sweater"]["sku"]}, headers=wh)
    assert r.json()["lines"][0]["qty_picked"] == 1
    anon.post(f"{base}/scans", json={"code": s["sweater"]["sku"]}, headers=wh)
    over = anon.post(f"{base}/scans", json={"code": s["sweater"]["sku"]}, headers=wh)
    assert_problem(over, 409, "over_pick")
    assert anon.get(f"/api/v1/pick-waves/{wave['id']}", headers=wh).json()["zones"] == []
    r = anon.post(f"{base}/pick", headers=wh)
    assert r.json()["status"] == "picked" and r.json()["lines"][0]["qty_picked"] == 2
    box = {"weight_grams": 950, "length_mm": 400, "width_mm": 300, "height_mm": 120}
    r = anon.post(f"{base}/pack", json={"packages": [box]}, headers=wh)
    assert r.status_code == 200, r.text
    assert r.json()["packages"][0]["weight_grams"] == 950

    # labels: rate shopping picks the cheapest service that meets the (generous) promise
    r = anon.post(
        f"{base}/labels",
        json={"carriers": [carrier["code"]], "deliver_by": "2099-01-01"},
        headers=wh,
    )
    assert r.status_code == 200, r.text
    (package,) = r.json()["packages"]
    assert (package["carrier"], package["service"], package["shipping_cost"]) == (
        carrier["code"],
        "std",
        "4.90",
    )
    assert re.fullmatch(r"PX\d{11}", package["tracking_number"])
    assert luhn_valid(package["tracking_number"])
    label = anon.get(f"{base}/packages/{package['id']}/label.pdf", headers=wh)
    assert label.status_code == 200 and label.headers["content-type"] == "application/pdf"
    assert (
        label.content.startswith(b"%PDF") and package["tracking_number"].encode() in label.content
    )
    slip = anon.get(f"{base}/packing-slip.pdf", headers=wh)
    assert slip.content.startswith(b"%PDF") and s["sweater"]["sku"].encode() in slip.content
    r = anon.post(f"{base}/ship", headers=wh)
    assert r.json()["status"] == "shipped", r.text
    assert client.get(f"/api/v1/orders/{order['id']}").json()["status"] == "partially_shipped"

    # the store: accept, scan the barcode, pick, one package weighed from the SKUs, express
    sbase = f"/api/v1/fulfillments/{s['st_ful']}"
    assert anon.post(f"{sbase}/accept", headers=st).json()["status"] == "accepted"
    r = anon.post(f"{sbase}/scans", json={"code": s["scarf"]["barcode"]}, headers=st)
    assert r.json()["status"] == "picking", r.text
    anon.post(f"{sbase}/pick", headers=st)
    assert anon.post(f"{sbase}/pack", headers=st).json()["packages"][0]["weight_grams"] == 150
    r = anon.post(
        f"{sbase}/labels", json={"carrier": carrier["code"], "service": "exp"}, headers=st
    )
    assert r.json()["packages"][0]["shipping_cost"] == "9.90", r.text
    assert anon.post(f"{sbase}/ship", headers=st).json()["status"] == "shipped"
    shipped = client.get(f"/api/v1/orders/{order['id']}").json()
    assert shipped["status"] == "shipped"

    # the carrier reports; a repeated event id changes nothing
    numbers = {
        fid: client.get(f"/api/v1/fulfillments/{fid}").json()["tracking_number"]
        for fid in (s["wh_ful"], s["st_ful"])
    }
    for number in numbers.values():
        for i, status in enumerate(["in_transit", "out_for_delivery", "delivered"]):
            event = {
                "carrier": carrier["code"],
                "tracking_number": number,
                "event_id": f"{number}-{i}",
                "status": status,
                "occurred_at": f"2030-05-0{i + 1}T10:00:00Z",
                "location": "Berlin hub",
            }
            r = client.post("/api/v1/tracking-events", json=event)
            assert r.status_code == 201, r.text
        again = client.post("/api/v1/tracking-events", json=event)
        assert again.status_code == 200 and again.json()["result"] == "duplicate"
        assert again.json()["fulfillment_status"] == "delivered"
    final = client.get(f"/api/v1/orders/{order['id']}").json()
    assert final["status"] == "delivered"
    assert all(ln["quantities"]["delivered"] == ln["quantity"] for ln in final["lines"])

    # the timeline holds every step, once
    events = client.get(f"/api/v1/orders/{order['id']}/events").json()["items"]
    types = [e["type"] for e in events]
    for t in ("fulfillment.released", "fulfillment.picking", "fulfillment.picked"):
        assert types.count(t) == 2, t
    assert types.count("shipment.delivered") == 2 and types.count("fulfillment.labelled") == 2
    assert types[-2:] == ["fulfillment.delivered", "order.status_changed"]
    assert events[-1]["data"] == {
        "from": "shipped",
        "to": "delivered",
        "cause": "fulfillment.delivered",
    }
    timeline = anon.get(f"{base}/events", headers=wh).json()["items"]
    assert [e["type"] for e in timeline][-1] == "fulfillment.delivered"

    # the customer's page shows both shipments with their tracking, and nothing private
    page = anon.get(f"/track/{order['tracking_token']}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert all(n in html for n in numbers.values())
    assert "Paket Express" in html and "Delivered" in html and "Berlin hub" in html
    assert "10115 Berlin" in html
    for private in ("Invalidenstrasse", "Anna", "@example.com", order["id"]):
        assert private not in html


def test_a_location_key_cannot_touch_another_locations_work(client, anon, database):
    s = split_order(client, database)
    client.post("/api/v1/fulfillments:release", json={"order_id": s["order"]["id"]})
    store_key = keyed(anon, make_key(database, ["fulfillment:write"], [s["store"]["code"]]))
    wh_ful = f"/api/v1/fulfillments/{s['wh_ful']}"
    for method, path, body in [
        ("get", wh_ful, None),
        ("post", f"{wh_ful}/accept", None),
        ("post", f"{wh_ful}/scans", {"code": s["sweater"]["sku"]}),
        ("post", f"{wh_ful}/reject", {"reason": "not mine"}),
        ("post", f"{wh_ful}/status-updates", {"status": "delivered"}),
        ("get", f"{wh_ful}/packing-slip.pdf", None),
        ("get", f"{wh_ful}/events", None),
        ("post", "/api/v1/pick-waves", {"location": s["warehouse"]["code"]}),
        (
            "put",
            "/api/v1/pick-slots",
            {
                "location": s["warehouse"]["id"],
                "slots": [{"sku": s["sweater"]["sku"], "zone": "A", "bin": "1"}],
            },
        ),
    ]:
        r = anon.request(method, path, json=body, headers=store_key)
        assert_problem(r, 403, "location_forbidden")
    listed = anon.get(
        "/api/v1/fulfillments", params={"order_id": s["order"]["id"]}, headers=store_key
    )
    assert [f["id"] for f in listed.json()["items"]] == [s["st_ful"]]
    assert client.get(wh_ful).json()["status"] == "released"
