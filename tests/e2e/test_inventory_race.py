"""Concurrent HTTP clients against a real server never get the same last unit."""

from __future__ import annotations

import concurrent.futures as cf

import httpx

from switchyard.inventory import service as inventory
from tests.integration.test_inventory_fixtures import make_locations, make_skus, run, sku_code


def test_concurrent_holds_take_exactly_the_stock(live_url, admin_key, database, client):
    (sku,) = make_skus(database)
    (loc,) = make_locations(database)
    run(database, lambda uow: inventory.receive(uow, sku, loc, 20))
    code = sku_code(database, sku)
    body = {"lines": [{"sku": code, "location": loc, "quantity": 1}], "ttl_seconds": 600}

    def shopper(_: int) -> tuple[int, int]:
        won = lost = 0
        with httpx.Client(base_url=live_url, timeout=30) as http:
            http.headers["Authorization"] = f"Bearer {admin_key}"
            while lost == 0:
                r = http.post("/api/v1/reservations", json=body)
                if r.status_code == 201:
                    won += 1
                else:
                    assert r.status_code == 409, r.text
                    assert r.json()["code"] == "insufficient_stock"
                    lost += 1
        return won, lost

    with cf.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(shopper, range(8)))
    assert sum(w for w, _ in results) == 20
    level = client.get(f"/api/v1/inventory/levels/{code}/{loc}").json()
    assert (level["on_hand"], level["reserved"], level["available"]) == (20, 20, 0)
