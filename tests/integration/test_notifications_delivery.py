"""The notification queue on SQLite and PostgreSQL: one row per cause written with the
event's transaction, and workers that never send a message twice at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from switchyard.db.uow import Database
from switchyard.events import catalogue
from switchyard.kernel.events import Actor, DomainEvent
from switchyard.notifications.repository import NotificationRepository
from tests.e2e.skeleton import make_channel, make_location, make_sku, order_body, stock
from tests.helpers import ref
from tests.smtp import SmtpServer, mail_worker, smtp_server

__all__ = ["smtp_server"]
ACTOR = Actor.system("tests")
MAIN = "from switchyard.cli.main import main; main()"


def _orders(client: TestClient, database: Database, count: int) -> tuple[str, list[dict[str, Any]]]:
    channel = make_channel(client)
    warehouse = make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, warehouse, count)
    placed = []
    for _ in range(count):
        r = client.post("/api/v1/orders", json=order_body(channel, [(sku, 1)]))
        assert r.status_code == 201, r.text
        placed.append(r.json())
    return channel["id"], placed


def _placed(order_id: str, channel_id: str) -> DomainEvent:
    return DomainEvent(
        "order.placed",
        "order",
        order_id,
        catalogue.example("order.placed"),
        order_id=order_id,
        channel_id=channel_id,
    )


def _rows(database: Database, order_id: str) -> list[dict[str, Any]]:
    return database.run(
        ACTOR, lambda uow: uow.repo(NotificationRepository).for_order(order_id), read_only=True
    )


def test_one_row_per_cause_in_the_transaction_of_the_event(database: Database) -> None:
    order_id, channel_id = ref("ord"), ref("chn")

    def twice(uow: Any) -> None:
        uow.emit(_placed(order_id, channel_id))
        uow.emit(_placed(order_id, channel_id))

    database.run(ACTOR, twice)
    database.run(ACTOR, lambda uow: uow.emit(_placed(order_id, channel_id)))
    (row,) = _rows(database, order_id)
    assert row["key"] == f"confirmation:{order_id}" and row["status"] == "queued"
    assert row["message_id"] == f"<{row['id']}@switchyard.notifications>"

    rolled_back = ref("ord")

    def fails(uow: Any) -> None:
        uow.emit(_placed(rolled_back, channel_id))
        uow.finish()  # the handlers ran and wrote the row ...
        raise RuntimeError("... and the transaction rolls back with it")

    with pytest.raises(RuntimeError):
        database.run(ACTOR, fails)
    assert _rows(database, rolled_back) == []


def test_a_worker_that_died_holding_a_claim_loses_nothing(
    client: TestClient, database: Database, smtp_server: SmtpServer
) -> None:
    channel_id, (order,) = _orders(client, database, 1)
    dead = mail_worker(database, smtp_server.port, [channel_id], lease_seconds=0.2)
    (claim,) = dead.claim()  # claimed, rendered, attempt 1 started ... then killed
    time.sleep(0.3)
    alive = mail_worker(database, smtp_server.port, [channel_id])
    assert alive.drain() == 1
    (received,) = smtp_server.inbox.to(order["email"])
    assert received["Message-ID"] == claim.message_id
    (row,) = _rows(database, order["id"])
    assert row["status"] == "sent" and row["attempts"] == 2
    log = database.run(
        ACTOR, lambda uow: uow.repo(NotificationRepository).attempts_of([row["id"]]), read_only=True
    )[row["id"]]
    assert [a["outcome"] for a in log] == ["abandoned", "sent"]
    # the dead worker, back late, neither sends (its lease ran out) nor records
    assert dead.record([claim], dead.sender.send([claim])) == [None]
    assert len(smtp_server.inbox.to(order["email"])) == 1


@pytest.mark.postgres
def test_two_workers_at_once_never_send_a_message_twice(
    client: TestClient, database: Database, smtp_server: SmtpServer
) -> None:
    if database.dialect != "postgresql":
        pytest.skip("a race needs concurrent transactions (PostgreSQL)")
    channel_id, orders = _orders(client, database, 40)
    workers = [
        mail_worker(database, smtp_server.port, [channel_id], batch_size=3) for _ in range(2)
    ]
    barrier = threading.Barrier(len(workers))
    made: list[int] = []

    def run(worker: Any) -> None:
        barrier.wait()
        made.append(worker.drain())

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sum(made) == 40 and all(made), made  # both worked, and together did each once
    for order in orders:
        (received,) = smtp_server.inbox.to(order["email"])
        (row,) = _rows(database, order["id"])
        assert row["status"] == "sent" and row["attempts"] == 1
        assert received["Message-ID"] == row["message_id"]


def test_a_worker_killed_mid_send_loses_none(
    client: TestClient, database: Database, smtp_server: SmtpServer
) -> None:
    """``switchyard worker`` in its own process, SIGKILLed while the (slow) server is
    taking its batch; a worker started after the lease ran out sends the rest. Every
    confirmation arrives, each under its one Message-ID (the one in flight at the kill may
    arrive twice: delivery is at least once, and the Message-ID lets clients keep one)."""
    channel_id, orders = _orders(client, database, 4)
    smtp_server.inbox.delay = 0.4
    env = {
        **os.environ,
        "SWITCHYARD_DATABASE_URL": database.engine.url.render_as_string(hide_password=False),
        "SWITCHYARD_SMTP_HOST": "127.0.0.1",
        "SWITCHYARD_SMTP_PORT": str(smtp_server.port),
        "SWITCHYARD_SMTP_TIMEOUT": "1",
        "SWITCHYARD_NOTIFY_LEASE_SECONDS": "6",
        "SWITCHYARD_NOTIFY_CHANNELS": channel_id,
    }
    worker = subprocess.Popen(
        [sys.executable, "-c", MAIN, "worker", "--no-housekeeping"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not smtp_server.inbox.messages and time.monotonic() < deadline:
            time.sleep(0.05)
        assert smtp_server.inbox.messages, "the worker never sent"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    killed_at = time.monotonic()
    rows = [r for o in orders for r in _rows(database, o["id"])]
    assert any(r["status"] == "sending" for r in rows)  # it died holding a claim
    smtp_server.inbox.delay = 0.0
    time.sleep(max(0.0, 6.5 - (time.monotonic() - killed_at)))
    mail_worker(database, smtp_server.port, [channel_id]).drain()
    for order in orders:
        (row,) = _rows(database, order["id"])
        assert row["status"] == "sent"
        received = smtp_server.inbox.to(order["email"])
        assert received and {m["Message-ID"] for m in received} == {row["message_id"]}


def test_a_risk_that_moves_the_date_sends_one_delay_notice_per_fulfillment(
    client: TestClient, database: Database, smtp_server: SmtpServer
) -> None:
    channel_id, (order,) = _orders(client, database, 1)
    (ful,) = order["fulfillments"]

    def at_risk(*reasons: str) -> Any:
        risks = [{"fulfillment_id": ful["id"], "reason": r} for r in reasons]
        event = DomainEvent(
            "order.at_risk",
            "order",
            order["id"],
            {"risks": risks},
            order_id=order["id"],
            channel_id=channel_id,
        )
        return lambda uow: uow.emit(event)

    database.run(ACTOR, at_risk("not_acknowledged"))  # internal: the customer's date holds
    database.run(ACTOR, at_risk("not_shipped_by_ship_by"))
    database.run(ACTOR, at_risk("late"))  # the same fulfillment again: no second notice
    mail_worker(database, smtp_server.port, [channel_id]).drain()
    delays = [r for r in _rows(database, order["id"]) if r["trigger"] == "delay"]
    assert [(r["key"], r["status"]) for r in delays] == [
        (f"delay:{order['id']}:{ful['id']}", "sent")
    ]
    subjects = sorted(m["Subject"] for m in smtp_server.inbox.to(order["email"]))
    assert f"Ihre Bestellung {order['external_id']} verzögert sich" in subjects
    assert len(subjects) == 2  # with the confirmation
