"""A 3PL driven entirely by its own location-restricted key: it polls for released work
and reports accepted / shipped / delivered, idempotently and sometimes out of order."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.e2e.skeleton import available, make_channel, make_location, make_sku, order_body, stock
from tests.helpers import assert_problem, make_key, ref


def three_pl(client: TestClient, database: Any) -> dict[str, Any]:
    channel = make_channel(client)
    tpl = make_location(client, code=ref("3PL"), name="Fast Fulfil GmbH", type="3pl")
    sku = make_sku(client, channel, "25.00")
    stock(database, sku, tpl, 10)
    key = make_key(database, ["fulfillment:write"], [tpl["code"]])
    return {"channel": channel, "tpl": tpl, "sku": sku, "h": {"Authorization": f"Bearer {key}"}}


def place(client: TestClient, env: dict[str, Any], qty: int = 2) -> tuple[dict, str]:
    r = client.post("/api/v1/orders", json=order_body(env["channel"], [(env["sku"], qty)]))
    assert r.status_code == 201, r.text
    order = r.json()
    (ful,) = order["fulfillments"]
    return order, ful["id"]


def test_3pl_polls_and_reports_with_its_own_key(client, anon, database):
    env = three_pl(client, database)
    h, code = env["h"], env["tpl"]["code"]
    order, fid = place(client, env)
    poll = {"location": code, "status": "released"}
    assert anon.get("/api/v1/fulfillments", params=poll, headers=h).json()["items"] == []
    r = anon.post("/api/v1/fulfillments:release", json={"location": code}, headers=h)
    assert r.json()["released"] == [fid], r.text
    items = anon.get("/api/v1/fulfillments", params=poll, headers=h).json()["items"]
    assert [f["id"] for f in items] == [fid]
    # everything needed to ship, without access to the order itself
    assert items[0]["order_reference"] == order["external_id"]
    assert items[0]["ship_to"]["city"] == "Berlin" and items[0]["ship_to"]["line1"]
    line = items[0]["lines"][0]
    assert (line["sku"], line["name"], line["quantity"]) == (env["sku"]["sku"], "Merino sweater", 2)

    url = f"/api/v1/fulfillments/{fid}/status-updates"
    r = anon.post(url, json={"status": "accepted"}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["applied"] == [{"step": "accepted", "inferred": False}]
    version = r.json()["fulfillment"]["version"]
    again = anon.post(url, json={"status": "accepted"}, headers=h).json()
    assert again["applied"] == [] and again["fulfillment"]["version"] == version

    shipped = {
        "status": "shipped",
        "carrier": "DHL",
        "packages": [
            {
                "weight_grams": 800,
                "tracking_number": "JJD0099887766",
                "items": [{"sku": env["sku"]["sku"], "quantity": 2}],
            }
        ],
    }
    r = anon.post(url, json=shipped, headers=h).json()
    assert [(s["step"], s["inferred"]) for s in r["applied"]] == [
        ("picked", True),
        ("packed", False),
        ("shipped", False),
    ]
    assert r["fulfillment"]["tracking_number"] == "JJD0099887766"
    assert r["fulfillment"]["packages"][0]["weight_grams"] == 800
    assert anon.post(url, json=shipped, headers=h).json()["applied"] == []
    assert available(database, env["sku"], env["tpl"]) == 8  # shipped units left the shelf
    late_accept = anon.post(url, json={"status": "accepted"}, headers=h).json()
    assert late_accept["applied"] == [] and late_accept["fulfillment"]["status"] == "shipped"

    r = anon.post(url, json={"status": "delivered"}, headers=h).json()
    assert r["applied"] == [{"step": "delivered", "inferred": False}]
    assert client.get(f"/api/v1/orders/{order['id']}").json()["status"] == "delivered"
    # the 3PL's key reads its own fulfillment but nothing of the order itself
    assert anon.get(f"/api/v1/fulfillments/{fid}", headers=h).json()["status"] == "delivered"
    assert_problem(anon.get(f"/api/v1/orders/{order['id']}", headers=h), 403, "missing_scope")


def test_delivered_before_shipped_infers_the_missing_steps(client, anon, database):
    env = three_pl(client, database)
    h = env["h"]
    order, fid = place(client, env, qty=3)
    client.post(f"/api/v1/fulfillments/{fid}/release")
    url = f"/api/v1/fulfillments/{fid}/status-updates"
    r = anon.post(url, json={"status": "delivered"}, headers=h)
    assert r.status_code == 200, r.text
    assert [(s["step"], s["inferred"]) for s in r.json()["applied"]] == [
        ("accepted", True),
        ("picked", True),
        ("packed", True),
        ("shipped", True),
        ("delivered", False),
    ]
    assert r.json()["fulfillment"]["tracking_number"] is None
    final = client.get(f"/api/v1/orders/{order['id']}").json()
    assert final["status"] == "delivered"
    assert final["lines"][0]["quantities"]["shipped"] == 3
    assert available(database, env["sku"], env["tpl"]) == 7

    # the late "shipped" brings the tracking number; repeated, it changes nothing
    late = {"status": "shipped", "carrier": "UPS", "tracking_number": "1Z999AA10123456784"}
    r = anon.post(url, json=late, headers=h).json()
    assert r["applied"] == [{"step": "tracking_added", "inferred": False}]
    assert r["fulfillment"]["tracking_number"] == "1Z999AA10123456784"
    assert anon.post(url, json=late, headers=h).json()["applied"] == []
    other = {"status": "shipped", "carrier": "UPS", "tracking_number": "1Z-OTHER"}
    assert_problem(anon.post(url, json=other, headers=h), 409, "already_shipped")

    timeline = anon.get(f"/api/v1/fulfillments/{fid}/events", headers=h).json()["items"]
    inferred = [e["type"] for e in timeline if e["data"].get("inferred")]
    assert inferred == [
        "fulfillment.accepted",
        "fulfillment.picked",
        "fulfillment.packed",
        "fulfillment.shipped",
    ]
    assert timeline[-1]["type"] == "fulfillment.tracking_added"
    page = anon.get(f"/track/{order['tracking_token']}").text
    assert "1Z999AA10123456784" in page


def test_3pl_rejects_and_the_units_go_back(client, anon, database):
    env = three_pl(client, database)
    h = env["h"]
    order, fid = place(client, env, qty=4)
    assert available(database, env["sku"], env["tpl"]) == 6
    client.post(f"/api/v1/fulfillments/{fid}/release")
    url = f"/api/v1/fulfillments/{fid}/status-updates"
    r = anon.post(url, json={"status": "rejected", "reason": "no capacity"}, headers=h)
    assert r.status_code == 200, r.text
    ful = r.json()["fulfillment"]
    assert (ful["status"], ful["cancel_reason"], ful["note"]) == (
        "cancelled",
        "rejected",
        "no capacity",
    )
    assert available(database, env["sku"], env["tpl"]) == 10
    assert anon.post(url, json={"status": "rejected"}, headers=h).json()["applied"] == []
    assert_problem(
        anon.post(url, json={"status": "shipped"}, headers=h), 409, "fulfillment_cancelled"
    )
    # no other location has the SKU: the units stay unallocated, never at the 3PL again
    after = client.get(f"/api/v1/orders/{order['id']}").json()
    assert after["lines"][0]["quantities"]["allocated"] == 0
    events = client.get(f"/api/v1/orders/{order['id']}/events").json()["items"]
    rejected = next(e for e in events if e["type"] == "fulfillment.rejected")
    assert rejected["data"]["quantities"] == {after["lines"][0]["id"]: 4}


def test_keys_of_other_locations_are_refused(client, anon, database):
    env = three_pl(client, database)
    other = make_location(client, code=ref("3PL"), type="3pl")
    stranger = {
        "Authorization": f"Bearer {make_key(database, ['fulfillment:write'], [other['code']])}"
    }
    _, fid = place(client, env)
    client.post(f"/api/v1/fulfillments/{fid}/release")
    url = f"/api/v1/fulfillments/{fid}"
    assert_problem(anon.get(url, headers=stranger), 403, "location_forbidden")
    r = anon.post(f"{url}/status-updates", json={"status": "accepted"}, headers=stranger)
    assert_problem(r, 403, "location_forbidden")
    r = anon.get("/api/v1/fulfillments", params={"location": env["tpl"]["code"]}, headers=stranger)
    assert_problem(r, 403, "location_forbidden")
    r = anon.post(
        "/api/v1/fulfillments:release", json={"location": env["tpl"]["code"]}, headers=stranger
    )
    assert_problem(r, 403, "location_forbidden")
    reader = {
        "Authorization": f"Bearer {make_key(database, ['fulfillment:read'], [env['tpl']['code']])}"
    }
    assert anon.get(url, headers=reader).status_code == 200
    assert_problem(anon.post(f"{url}/accept", headers=reader), 403, "missing_scope")
    assert client.get(url).json()["status"] == "released"
