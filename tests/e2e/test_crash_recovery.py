"""A server killed with SIGKILL mid-load loses no acknowledged order and leaves nothing half
written; the inventory ledger still verifies. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import concurrent.futures as cf
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from sqlalchemy import func, select

from switchyard.inventory.verify import verify
from switchyard.kernel.events import Actor
from switchyard.orders.tables import order_lines, orders
from tests.conftest import _free_port
from tests.e2e.skeleton import make_channel, make_location, make_sku, order_body, stock

ACTOR = Actor.system("tests")


@contextmanager
def server_process(db_url: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "switchyard.api.asgi:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env={**os.environ, "SWITCHYARD_DATABASE_URL": db_url},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    try:
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def test_sigkill_mid_load_loses_no_acknowledged_order(client, database, db_url, admin_key):
    channel, loc = make_channel(client), make_location(client)
    skus = [make_sku(client, channel) for _ in range(3)]
    for sku in skus:
        stock(database, sku, loc, 10_000)
    acknowledged: list[tuple[str, str]] = []  # (external id, order id)
    lock = threading.Lock()
    stop = threading.Event()

    with server_process(db_url) as (proc, url):

        def place(i: int) -> None:
            body = order_body(channel, [(skus[i % 3], 1), (skus[(i + 1) % 3], 2)])
            while not stop.is_set():
                try:
                    r = httpx.post(
                        f"{url}/api/v1/orders",
                        json=body,
                        timeout=10,
                        headers={"Authorization": f"Bearer {admin_key}"},
                    )
                except httpx.HTTPError:
                    return  # the server died under us: this order was never acknowledged
                if r.status_code == 201:
                    with lock:
                        acknowledged.append((body["external_id"], r.json()["id"]))
                return

        with cf.ThreadPoolExecutor(8) as pool:
            futures = [pool.submit(place, i) for i in range(400)]
            deadline = time.monotonic() + 20
            while len(acknowledged) < 30 and time.monotonic() < deadline:
                time.sleep(0.02)
            proc.send_signal(signal.SIGKILL)
            stop.set()
            for f in futures:
                f.result()

    assert len(acknowledged) >= 30
    with server_process(db_url) as (_, url):  # restart: the server comes back on the same data
        headers = {"Authorization": f"Bearer {admin_key}"}
        for external_id, order_id in acknowledged:
            r = httpx.get(f"{url}/api/v1/orders/{order_id}", headers=headers, timeout=10)
            assert r.status_code == 200, (external_id, r.text)
            order = r.json()
            assert order["external_id"] == external_id
            assert [ln["quantity"] for ln in order["lines"]] == [1, 2]
            assert order["status"] == "allocated"
            assert order["fulfillments"]

    def half_written(uow) -> int:
        lines = select(func.count()).where(order_lines.c.order_id == orders.c.id).scalar_subquery()
        query = (
            select(func.count())
            .select_from(orders)
            .where(orders.c.channel_id == channel["id"], lines != 2)
        )
        return int(uow.conn.execute(query).scalar_one())

    assert database.run(ACTOR, half_written, read_only=True) == 0
    problems = database.run(ACTOR, lambda uow: verify(uow, [s["id"] for s in skus]), read_only=True)
    assert problems == []
