"""Notification throughput: order confirmations rendered (Jinja2, babel, css-inline) and
handed to SMTP per second by one worker, from the claim to the recorded result.

Places ORDERS orders in process (each writes its confirmation in its own transaction),
then one ``NotificationWorker`` drains the queue into an aiosmtpd server in another
process that accepts and discards every message. Target: >= 200 messages/s.
Runs on PostgreSQL (``SWITCHYARD_BENCH_PG``), or on SQLite with BENCH_SQLITE=1.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from bench import harness, setup_data
from bench.orders_intake import _as_post_orders_does, order_json
from switchyard.config import Settings
from switchyard.db.engine import make_engine
from switchyard.db.migrate import upgrade
from switchyard.kernel.events import Actor
from switchyard.notifications.tables import notifications
from switchyard.notifications.worker import NotificationWorker, NotifierSettings
from switchyard.orders.schemas import OrderCreate

ORDERS = int(os.environ.get("BENCH_NOTIFY_ORDERS", "2000"))
TARGET = 200.0


class _Discard:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return "250 OK"


def sink(port: int) -> None:
    """The SMTP server: accept and discard (run in its own process)."""
    controller = Controller(_Discard(), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        asyncio.run(asyncio.sleep(3600))
    finally:
        controller.stop()


def run(url: str) -> dict[str, Any]:
    db = harness.database(url)
    data = setup_data.build(db, skus=50, locations=1, stock=1_000_000)
    started = time.perf_counter()
    for i in range(ORDERS):
        cmd = OrderCreate.model_validate(order_json(i, data["skus"], "notify"))
        db.run(Actor.system("bench"), lambda uow, cmd=cmd: _as_post_orders_does(uow, cmd))
    placed = time.perf_counter() - started
    port = harness.free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", f"from bench.notifications import sink; sink({port})"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        settings = Settings(database_url=url, smtp_host="127.0.0.1", smtp_port=port)
        worker = NotificationWorker(db, settings, NotifierSettings(batch_size=100))
        started = time.perf_counter()
        attempts = worker.drain(max_rounds=10_000)
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=10)
    with db.engine.connect() as conn:
        sent = conn.execute(
            select(func.count()).where(notifications.c.status == "sent")
        ).scalar_one()
    db.engine.dispose()
    return {"placed_s": placed, "attempts": attempts, "sent": sent, "elapsed": elapsed}


def main() -> None:
    print(f"notifications: {ORDERS} confirmations, one worker, {harness.machine()}")
    if os.environ.get("BENCH_SQLITE"):
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/bench.db"
            engine = make_engine(url)
            upgrade(engine)
            engine.dispose()
            r, where = run(url), "SQLite"
    else:
        with harness.scratch_postgres("switchyard_bench_notify") as url:
            r, where = run(url), "PostgreSQL"
    rate = r["sent"] / r["elapsed"]
    print(
        f"  {where}: {r['sent']} of {ORDERS} sent in {r['elapsed']:.2f} s = {rate:.0f} "
        f"messages/s rendered and handed to SMTP (target >= {TARGET:.0f}/s; "
        f"{r['attempts']} attempts; placing the orders took {r['placed_s']:.1f} s)"
    )
    if r["sent"] != ORDERS:
        raise SystemExit("notifications benchmark: not every confirmation was sent")


if __name__ == "__main__":
    main()
