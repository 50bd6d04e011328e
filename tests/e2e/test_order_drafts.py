"""Draft orders: built by staff step by step, placed once, nothing reserved before."""

from __future__ import annotations

from tests.e2e.skeleton import available, make_channel, make_location, make_sku, order_body, stock
from tests.helpers import assert_problem, ref

URL = "/api/v1/draft-orders"
STAFF = {"X-Switchyard-User": "Carla (call centre)"}


def _shop(client, database):
    channel, loc = make_channel(client, type="call_center"), make_location(client)
    sku = make_sku(client, channel, "25.00")
    stock(database, sku, loc, 5)
    return channel, loc, sku


def test_draft_edited_then_placed_once(client, database):
    channel, loc, sku = _shop(client, database)
    r = client.post(URL, json={"channel": channel["code"]}, headers=STAFF)
    assert r.status_code == 201, r.text
    draft = r.json()
    assert (draft["status"], draft["version"]) == ("open", 1)
    assert draft["created_by"].startswith("Carla (call centre) (key ")
    url = f"{URL}/{draft['id']}"
    full = order_body(channel, [(sku, 3)])
    edit = {"customer": full["customer"], "shipping_address": full["shipping_address"]}
    r = client.patch(url, json=edit, headers={"If-Match": '"1"', **STAFF})
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == '"2"'
    assert_problem(
        client.patch(url, json={"notes": "late"}, headers={"If-Match": '"1"'}),
        412,
        "version_mismatch",
    )
    r = client.patch(url, json={"lines": [{"sku": sku["sku"], "quantity": 2}]})
    assert r.json()["content"]["lines"][0]["quantity"] == 2
    assert r.json()["content"]["customer"]["email"] == full["customer"]["email"]
    assert available(database, sku, loc) == 5  # nothing reserved while a draft
    placed = client.post(f"{url}/place", headers={"If-Match": '"3"', **STAFF})
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert order["draft_id"] == draft["id"] and order["external_id"] == draft["id"]
    assert order["status"] == "allocated" and order["total"] == "50.00"
    assert available(database, sku, loc) == 3
    after = client.get(url).json()
    assert (after["status"], after["order_id"]) == ("placed", order["id"])
    again = assert_problem(client.post(f"{url}/place"), 409, "draft_already_placed")
    assert again["order_id"] == order["id"]
    assert_problem(client.patch(url, json={"notes": "x"}), 409, "draft_already_placed")
    events = client.get(f"/api/v1/orders/{order['id']}/events").json()["items"]
    placed_event = next(e for e in events if e["type"] == "order.placed")
    assert placed_event["actor"]["kind"] == "user"
    assert placed_event["actor"]["name"].startswith("Carla (call centre)")
    assert "draft_order.placed" in [e["type"] for e in events]


def test_an_incomplete_draft_says_what_is_missing_and_stays_open(client, database):
    channel, loc, sku = _shop(client, database)
    draft = client.post(URL, json={"channel": channel["code"], "notes": "call back"}).json()
    url = f"{URL}/{draft['id']}"
    problem = assert_problem(client.post(f"{url}/place"), 422, "draft_incomplete")
    assert "lines" in {e["field"] for e in problem["errors"]}
    client.patch(url, json={"lines": [{"sku": "NO-SUCH", "quantity": 1}]})
    problem = assert_problem(client.post(f"{url}/place"), 422, "order_rejected")
    fields = {(e["field"], e["code"]) for e in problem["errors"]}
    assert ("lines.0.sku", "unknown_sku") in fields
    assert ("customer.name", "missing_field") in fields  # call centre orders need a name
    assert client.get(url).json()["status"] == "open"
    assert available(database, sku, loc) == 5


def test_discarded_drafts_cannot_be_placed(client, database):
    channel, _, sku = _shop(client, database)
    body = order_body(channel, [(sku, 1)])
    del body["external_id"]
    draft = client.post(URL, json=body, headers={"Idempotency-Key": ref("d")}).json()
    url = f"{URL}/{draft['id']}"
    assert_problem(client.delete(url, headers={"If-Match": '"9"'}), 412, "version_mismatch")
    assert client.delete(url, headers={"If-Match": '"1"'}).status_code == 204
    assert_problem(client.post(f"{url}/place"), 409, "draft_not_open")
    listed = client.get(URL, params={"status": "discarded", "channel": channel["code"]}).json()
    assert [d["id"] for d in listed["items"]] == [draft["id"]]
    assert_problem(client.get(f"{URL}/dro_nope"), 404, "draft_order_not_found")


def test_draft_input_is_checked_like_orders(client, database):
    channel, _, _ = _shop(client, database)
    assert_problem(client.post(URL, json={}), 422, "invalid_request")
    assert_problem(client.post(URL, json={"channel": "nope"}), 422, "unknown_channel")
    bad = {"channel": channel["code"], "lines": [{"sku": "X", "quantity": -2}]}
    assert_problem(client.post(URL, json=bad), 422, "invalid_request")
    nul = {"channel": channel["code"], "notes": "a\x00b"}
    assert_problem(client.post(URL, json=nul), 422, "invalid_text")


def test_the_placed_order_carries_the_external_id_given(client, database):
    channel, _, sku = _shop(client, database)
    on_draft = order_body(channel, [(sku, 1)])
    draft = client.post(URL, json=on_draft).json()
    first = client.post(f"{URL}/{draft['id']}/place")
    assert first.status_code == 201, first.text
    assert first.json()["external_id"] == on_draft["external_id"]

    body = order_body(channel, [(sku, 1)])
    del body["external_id"]
    draft = client.post(URL, json=body).json()
    given = ref("CC")
    placed = client.post(f"{URL}/{draft['id']}/place", json={"external_id": given})
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert order["external_id"] == given and order["draft_id"] == draft["id"]
    found = client.get("/api/v1/orders", params={"external_id": given}).json()["items"]
    assert [o["id"] for o in found] == [order["id"]]

    # a channel's order id is taken once, whether it came on a draft or in the request
    taken = {given: order["id"], on_draft["external_id"]: first.json()["id"]}
    for external_id, order_id in taken.items():
        again = client.post(URL, json=body).json()
        problem = assert_problem(
            client.post(f"{URL}/{again['id']}/place", json={"external_id": external_id}),
            409,
            "order_exists",
        )
        assert problem["order_id"] == order_id
        assert client.get(f"{URL}/{again['id']}").json()["status"] == "open"
    dup = client.post(URL, json={**body, "external_id": given}).json()
    problem = assert_problem(client.post(f"{URL}/{dup['id']}/place"), 409, "order_exists")
    assert problem["order_id"] == order["id"]
