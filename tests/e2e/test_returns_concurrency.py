"""Two clerks receive the same return at once (PostgreSQL, threads): exactly one receipt."""

from __future__ import annotations

import concurrent.futures as cf
import threading

import pytest

from switchyard.kernel.errors import Conflict
from switchyard.kernel.events import Actor
from switchyard.returns import service
from tests.e2e.returns_setup import ask, delivered_order


def test_concurrent_receipts_make_one(client, database, db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("row locks across connections: PostgreSQL")
    s = delivered_order(client, database, quantity=2)
    rid = ask(client, s, 2).json()["id"]
    store_id = s["store"]["id"]
    start = threading.Barrier(6)

    def clerk(n: int) -> str:
        start.wait()
        try:
            database.run(
                Actor.system(f"clerk {n}"), lambda uow: service.receive(uow, rid, store_id)
            )
        except Conflict as exc:
            return exc.code
        return "received"

    with cf.ThreadPoolExecutor(6) as pool:
        outcomes = sorted(pool.map(clerk, range(6)))
    assert outcomes == ["received"] + ["return_not_receivable"] * 5
    order = client.get(f"/api/v1/orders/{s['order']['id']}").json()
    assert order["lines"][0]["quantities"]["returned"] == 2
    events = client.get(f"/api/v1/orders/{s['order']['id']}/events?limit=200").json()["items"]
    assert [e["type"] for e in events].count("return.received") == 1
