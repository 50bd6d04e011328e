"""POST /skus:batch: up to 1,000 SKUs in one transaction, all or nothing."""

from __future__ import annotations

import concurrent.futures as cf
import threading

import httpx
from sqlalchemy import func, select

from switchyard.events.tables import events
from switchyard.kernel.events import Actor
from tests.helpers import assert_problem, ref

BATCH = "/api/v1/skus:batch"


def channel(client) -> dict:
    body = {"code": ref("web"), "name": "Web", "type": "web", "currency": "EUR"}
    return client.post("/api/v1/channels", json=body).json()


def test_a_thousand_skus_with_prices_in_one_request(client, database):
    web = channel(client)
    prefix = ref("BULK")
    items = [
        {
            "sku": f"{prefix}-{i:04d}",
            "product_name": f"{prefix} product {i // 10}",
            "name": f"Variant {i}",
            "weight_grams": i,
            "prices": [{"channel": web["code"], "currency": "EUR", "amount": f"{i}.99"}],
        }
        for i in range(1000)
    ]
    r = client.post(BATCH, json={"items": items})
    assert r.status_code == 201, r.text[:500]
    created = r.json()["items"]
    assert [s["sku"] for s in created] == [i["sku"] for i in items]
    # SKUs that name the same new product share it: 100 products for 1,000 SKUs.
    assert len({s["product_id"] for s in created}) == 100
    assert created[0]["product_id"] == created[9]["product_id"] != created[10]["product_id"]
    last = client.get(f"/api/v1/skus/{prefix}-0999/prices").json()["prices"]
    assert [(p["channel_id"], p["amount"]) for p in last] == [(web["id"], "999.99")]

    ids = [s["id"] for s in created]
    query = (
        select(events.c.type, func.count())
        .where(events.c.aggregate_id.in_(ids))
        .group_by(events.c.type)
    )
    counts = database.run(
        Actor.system("tests"), lambda uow: dict(uow.conn.execute(query).all()), read_only=True
    )
    assert counts == {"catalog.sku_created": 1000, "catalog.prices_set": 1000}


def test_every_error_is_named_by_index_and_nothing_is_created(client):
    web = channel(client)
    good = ref("OK")
    items = [
        {"sku": good, "product_name": "Fine"},
        {"sku": ref("A"), "product_id": "prd_missing"},
        {
            "sku": ref("B"),
            "product_name": "x",
            "prices": [{"channel": "nowhere", "currency": "EUR", "amount": "1"}],
        },
        {"sku": good, "product_name": "Fine again"},
        {
            "sku": ref("D"),
            "product_name": "x",
            "prices": [{"channel": web["id"], "currency": "EUR", "amount": "1"}],
        },
    ]
    body = assert_problem(client.post(BATCH, json={"items": items}), 422, "invalid_sku")
    assert {(e["field"], e["code"]) for e in body["errors"]} == {
        ("items.1.product_id", "unknown_product"),
        ("items.2.prices.0.channel", "unknown_channel"),
        ("items.3.sku", "duplicate_sku"),
    }
    assert_problem(client.get(f"/api/v1/skus/{good}"), 404, "sku_not_found")
    assert_problem(client.get(f"/api/v1/skus/{items[4]['sku']}"), 404, "sku_not_found")


def test_schema_errors_name_the_index_too(client):
    items = [{"sku": ref("A"), "product_name": "x"} for _ in range(4)]
    items[3]["sku"] = "not allowed!"
    items[1]["weight_grams"] = -1
    body = assert_problem(client.post(BATCH, json={"items": items}), 422, "invalid_request")
    assert [e["field"] for e in body["errors"]] == ["items.1.weight_grams", "items.3.sku"]
    too_many = {"items": [{"sku": f"X{i}", "product_name": "x"} for i in range(1001)]}
    body = assert_problem(client.post(BATCH, json=too_many), 422, "invalid_request")
    assert body["errors"][0]["field"] == "items"
    assert_problem(client.post(BATCH, json={"items": []}), 422, "invalid_request")


def test_an_existing_code_rejects_the_whole_batch(client):
    taken = ref("TAKEN")
    assert client.post("/api/v1/skus", json={"sku": taken, "product_name": "x"}).status_code == 201
    fresh = ref("FRESH")
    items = [{"sku": fresh, "product_name": "x"}, {"sku": taken, "product_name": "x"}]
    body = assert_problem(client.post(BATCH, json={"items": items}), 409, "sku_code_taken")
    assert [e["field"] for e in body["errors"]] == ["items.1.sku"]
    assert_problem(client.get(f"/api/v1/skus/{fresh}"), 404, "sku_not_found")


def test_two_kits_cannot_swallow_each_other_at_once(live_url, admin_key, client):
    """Concurrent edits that together would close a loop: exactly one of them wins."""
    headers = {"Authorization": f"Bearer {admin_key}"}
    for _ in range(3):
        items = [{"sku": ref("K"), "product_name": "Kit"} for _ in range(2)]
        a, b = client.post(BATCH, json={"items": items}).json()["items"]
        barrier = threading.Barrier(2)

        def put(pair: tuple[dict, dict], barrier: threading.Barrier = barrier) -> int:
            kit, part = pair
            barrier.wait()
            return httpx.put(
                f"{live_url}/api/v1/skus/{kit['id']}/components",
                json={"components": [{"sku": part["id"]}]},
                headers=headers,
                timeout=30,
            ).status_code

        with cf.ThreadPoolExecutor(2) as pool:
            statuses = sorted(pool.map(put, [(a, b), (b, a)]))
        assert statuses == [200, 422]
