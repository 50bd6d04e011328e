"""Concurrent duplicate submissions of one order create exactly one, on both databases."""

from __future__ import annotations

import concurrent.futures as cf

import httpx

from tests.e2e.skeleton import available, make_channel, make_location, make_sku, order_body, stock
from tests.helpers import ref


def _post_many(
    live_url: str, key: str, body: dict, headers: list[dict[str, str]]
) -> list[httpx.Response]:
    with httpx.Client(base_url=live_url, timeout=60) as http, cf.ThreadPoolExecutor(32) as pool:
        return list(
            pool.map(
                lambda h: http.post(
                    "/api/v1/orders", json=body, headers={"Authorization": f"Bearer {key}", **h}
                ),
                headers,
            )
        )


def test_same_idempotency_key_200_times(client, database, live_url, admin_key):
    channel, loc = make_channel(client), make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, loc, 500)
    body = order_body(channel, [(sku, 1)])
    key = ref("idem")
    answers = _post_many(live_url, admin_key, body, [{"Idempotency-Key": key}] * 200)
    codes = {r.status_code for r in answers}
    assert codes <= {201, 409}, codes
    ids = {r.json()["id"] for r in answers if r.status_code == 201}
    assert len(ids) == 1
    (first,) = [
        r for r in answers if r.status_code == 201 and "idempotent-replayed" not in r.headers
    ]
    replays = [r for r in answers if r.headers.get("idempotent-replayed") == "true"]
    assert replays, "no request came after the first had finished"
    assert all(r.status_code == 201 and r.json() == first.json() for r in replays)
    assert {r.json()["code"] for r in answers if r.status_code == 409} <= {
        "idempotency_key_in_progress"
    }
    assert available(database, sku, loc) == 499
    found = client.get("/api/v1/orders", params={"external_id": body["external_id"]}).json()
    assert [o["id"] for o in found["items"]] == list(ids)


def test_same_external_id_200_times(client, database, live_url, admin_key):
    channel, loc = make_channel(client), make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, loc, 500)
    body = order_body(channel, [(sku, 2)])
    answers = _post_many(live_url, admin_key, body, [{}] * 200)
    created = [r for r in answers if r.status_code == 201]
    assert len(created) == 1
    others = [r for r in answers if r.status_code != 201]
    assert {r.status_code for r in others} == {409}
    assert {r.json()["code"] for r in others} == {"order_exists"}
    assert {r.json()["order_id"] for r in others} == {created[0].json()["id"]}
    assert available(database, sku, loc) == 498
