"""A cycle count or a full WMS sync landing while orders are placed: the count sets what is
on the shelf, the orders' reservations stay, nothing is oversold, and the ledger adds up;
both databases (PostgreSQL: really at once)."""

from __future__ import annotations

import concurrent.futures as cf
import threading
from typing import Any

import httpx

from switchyard.inventory.verify import verify
from switchyard.kernel.events import Actor
from tests.e2e.skeleton import make_channel, make_location, make_sku, order_body, stock

BUYERS, ORDERS_EACH = 6, 5


def _race(client: Any, database: Any, live_url: str, admin_key: str, recount: Any) -> None:
    channel, loc = make_channel(client), make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, loc, 40)
    start = threading.Barrier(BUYERS + 1)
    headers = {"Authorization": f"Bearer {admin_key}"}

    with httpx.Client(base_url=live_url, headers=headers, timeout=60) as http:

        def buyer(_: int) -> int:
            start.wait(timeout=30)
            placed = 0
            for _ in range(ORDERS_EACH):
                r = http.post("/api/v1/orders", json=order_body(channel, [(sku, 1)]))
                assert r.status_code == 201, r.text
                placed += 1
            return placed

        def counter() -> httpx.Response:
            start.wait(timeout=30)
            return recount(http, sku, loc)

        with cf.ThreadPoolExecutor(BUYERS + 1) as pool:
            counted = pool.submit(counter)
            placed = sum(pool.map(buyer, range(BUYERS)))
            answer = counted.result(timeout=120)
    assert answer.status_code in (200, 201), answer.text
    levels = client.get(f"/api/v1/inventory/levels/{sku['sku']}/{loc['code']}").json()
    assert placed == BUYERS * ORDERS_EACH
    assert (levels["on_hand"], levels["reserved"]) == (35, placed), levels
    assert database.run(Actor.system("tests"), lambda uow: verify(uow, [sku["id"]])) == []


def test_a_cycle_count_during_placement(client, database, live_url, admin_key):
    def count(http: httpx.Client, sku: dict, loc: dict) -> httpx.Response:
        body = {"sku": sku["sku"], "location": loc["code"], "counted": 35}
        return http.post("/api/v1/inventory/counts", json=body)

    _race(client, database, live_url, admin_key, count)


def test_a_full_sync_during_placement(client, database, live_url, admin_key):
    def sync(http: httpx.Client, sku: dict, loc: dict) -> httpx.Response:
        body = {
            "location": loc["code"],
            "mode": "full",
            "scope": "location",
            "items": [{"sku": sku["sku"], "quantity": 35}],
        }
        return http.post("/api/v1/inventory/sync", json=body)

    _race(client, database, live_url, admin_key, sync)
