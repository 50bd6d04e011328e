"""Bulk capture: each order of a batch succeeds or fails on its own."""

from __future__ import annotations

from tests.e2e.skeleton import available, make_channel, make_location, make_sku, order_body, stock
from tests.helpers import assert_problem, ref

URL = "/api/v1/orders:batch"


def _shop(client, database, quantity: int = 10) -> tuple[dict, dict, dict]:
    channel, loc = make_channel(client), make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, loc, quantity)
    return channel, loc, sku


def test_one_bad_order_never_spoils_the_others(client, database):
    channel, loc, sku = _shop(client, database, 5)
    good = [order_body(channel, [(sku, 1)]) for _ in range(3)]
    wrong_types = {**order_body(channel, [(sku, 1)]), "lines": "three sweaters"}
    unknown_sku = order_body(channel, [({"sku": "NO-SUCH-SKU"}, 1)])
    duplicate = dict(good[0])
    too_many = order_body(channel, [(sku, 50)])
    held = order_body(channel, [(sku, 1)])
    held["lines"][0]["unit_price"] = "1.00"
    batch = [good[0], wrong_types, good[1], unknown_sku, duplicate, too_many, good[2], held, 7]
    r = client.post(URL, json={"orders": batch})
    assert r.status_code == 200, r.text
    answer = r.json()
    results = answer["results"]
    assert [x["index"] for x in results] == list(range(len(batch)))
    assert [x["status"] for x in results] == [201, 422, 201, 422, 409, 409, 201, 201, 422]
    assert (answer["placed"], answer["failed"]) == (4, 5)
    assert results[1]["problem"]["code"] == "invalid_request"
    assert results[1]["problem"]["errors"][0]["field"] == "lines"
    assert results[3]["problem"]["code"] == "order_rejected"
    assert results[4]["problem"]["code"] == "order_exists"
    assert results[4]["problem"]["order_id"] == results[0]["order_id"]
    assert results[5]["problem"]["code"] == "insufficient_stock"
    assert results[7]["order_status"] == "on_hold"
    assert available(database, sku, loc) == 1  # 4 placed, the failed ones reserved nothing
    for i in (0, 2, 6, 7):
        got = client.get(f"/api/v1/orders/{results[i]['order_id']}")
        assert got.status_code == 200 and got.json()["external_id"] == batch[i]["external_id"]
    for body in (unknown_sku, too_many):
        found = client.get("/api/v1/orders", params={"external_id": body["external_id"]})
        assert found.json()["items"] == []
    events = client.get(f"/api/v1/orders/{results[2]['order_id']}/events").json()["items"]
    assert [e["type"] for e in events].count("order.placed") == 1


def test_a_batch_replays_under_its_idempotency_key(client, database):
    channel, loc, sku = _shop(client, database)
    body = {"orders": [order_body(channel, [(sku, 1)]) for _ in range(2)]}
    headers = {"Idempotency-Key": ref("batch")}
    first = client.post(URL, json=body, headers=headers)
    again = client.post(URL, json=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.json() == first.json()
    assert available(database, sku, loc) == 8
    other = {"orders": [order_body(channel, [(sku, 1)])]}
    assert_problem(client.post(URL, json=other, headers=headers), 422, "idempotency_key_reused")


def test_batch_size_is_limited(client, database):
    channel, _, sku = _shop(client, database)
    assert_problem(client.post(URL, json={"orders": []}), 422, "invalid_request")
    many = {"orders": [order_body(channel, [(sku, 1)])] * 1001}
    assert_problem(client.post(URL, json=many), 422, "invalid_request")
    assert_problem(client.post(URL, json={"orders": "all of them"}), 422, "invalid_request")


def test_a_large_batch_commits_every_order(client, database):
    """(A full batch of 1,000 is the same code path; the benchmark measures it.)"""
    channel, loc, sku = _shop(client, database, 200)
    body = {"orders": [order_body(channel, [(sku, 1)]) for _ in range(200)]}
    r = client.post(URL, json=body)
    assert r.status_code == 200, r.text
    assert r.json()["placed"] == 200
    assert available(database, sku, loc) == 0
    statuses = {x["order_status"] for x in r.json()["results"]}
    assert statuses == {"allocated"}
    last = r.json()["results"][-1]
    assert client.get(f"/api/v1/orders/{last['order_id']}").json()["status"] == "allocated"
