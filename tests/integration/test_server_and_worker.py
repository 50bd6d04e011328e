"""The server and the worker as separate processes writing to one database at once, as a
deployment runs them (on SQLite too, the embedded default): orders placed over HTTP while
the worker delivers their webhooks and expires cart holds. Every order is taken, every
webhook delivered once, every expired hold freed, the ledger adds up."""

from __future__ import annotations

import concurrent.futures as cf
import os
import subprocess
import sys
import time
from datetime import timedelta

import httpx

from switchyard.inventory import holds
from switchyard.inventory.verify import verify
from switchyard.kernel.clock import utcnow
from tests.e2e.skeleton import make_channel, make_location, make_sku, order_body, stock
from tests.integration.test_inventory_fixtures import level
from tests.integration.test_webhooks_relay import SYSTEM, deliveries, subscribed
from tests.integration.test_webhooks_reliability import (
    Receiver,
    all_succeeded,
    free_port,
    wait_for,
)

ORDERS, BUYERS = 24, 6
WORKER = [
    "worker",
    *("--concurrency", "2", "--poll-interval", "0.05", "--timeout", "2"),
    *("--backoff-base", "0.05", "--backoff-max", "0.25", "--worker-id", "side-by-side"),
]


def test_server_and_worker_processes_write_at_once(client, database, db_url, live_url, admin_key):
    channel, loc = make_channel(client), make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, loc, ORDERS + 10)
    expires = utcnow() + timedelta(seconds=0.2)
    hold = database.run(
        SYSTEM, lambda uow: holds.create_hold(uow, [(sku["id"], loc["id"], 10)], expires)
    )
    time.sleep(0.3)  # expired before the worker starts: its housekeeping frees it at once
    port = free_port()
    receiver = Receiver(port, lambda _: 200)
    receiver.start()
    worker = None
    try:
        with subscribed(
            database, f"http://127.0.0.1:{port}/hooks", channel["id"], ["order.placed"]
        ) as endpoint:
            worker = subprocess.Popen(
                [sys.executable, "-c", "from switchyard.cli.main import app; app()", *WORKER],
                env={**os.environ, "SWITCHYARD_DATABASE_URL": db_url},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            headers = {"Authorization": f"Bearer {admin_key}"}
            with httpx.Client(base_url=live_url, headers=headers, timeout=60) as http:

                def buy(_: int) -> int:
                    body = order_body(channel, [(sku, 1)])
                    return http.post("/api/v1/orders", json=body).status_code

                with cf.ThreadPoolExecutor(BUYERS) as pool:
                    codes = list(pool.map(buy, range(ORDERS)))
            assert codes == [201] * ORDERS, codes
            wait_for(all_succeeded(database, endpoint["id"], ORDERS), 60, "every webhook")
            wait_for(lambda: holds_freed(database, hold["id"]), 60, "the worker to expire the hold")
            rows = deliveries(database, endpoint["id"])
    finally:
        receiver.stop()
        if worker is not None:
            worker.terminate()
            _, errors = worker.communicate(timeout=30)
            assert b"database is locked" not in errors, errors.decode()[-2000:]
    assert len({r.webhook_id for r in receiver.requests}) == ORDERS == len(rows)
    row = level(database, sku["id"], loc["id"])
    assert row is not None and (row["on_hand"], row["reserved"]) == (ORDERS + 10, ORDERS)
    assert database.run(SYSTEM, lambda uow: verify(uow, [sku["id"]])) == []


def holds_freed(database, hold_id: str) -> bool:
    found = database.run(SYSTEM, lambda uow: holds.get_hold(uow, hold_id), read_only=True)
    return all(line["status"] != "open" for line in found["lines"])
