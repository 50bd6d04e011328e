"""Webhooks against a real receiver on loopback that goes down, fails, recovers, and a worker
process killed mid-delivery: every event arrives, signed, in order per order, and no
delivery is ever in flight twice at once."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import pairwise
from typing import Any

import pytest
from standardwebhooks import Webhook

from switchyard.webhooks import service
from switchyard.webhooks.queue_repository import ABANDONED
from switchyard.webhooks.retries import RetryPolicy
from switchyard.webhooks.worker import Worker, WorkerSettings
from tests.helpers import ref
from tests.integration.test_webhooks_relay import (
    SYSTEM,
    deliveries,
    emit,
    event,
    new_channel,
    subscribed,
)

FAST_RETRY = RetryPolicy(backoff_base=0.05, backoff_max=0.25, retry_for=3600)
LEASE = 4.0
WORKER_ARGS = [
    "worker",
    *("--concurrency", "4", "--poll-interval", "0.05", "--timeout", "1"),
    *("--lease-seconds", str(LEASE), "--backoff-base", "0.05", "--backoff-max", "0.25"),
    *("--worker-id", "doomed"),
]


@dataclass(frozen=True)
class Request:
    webhook_id: str
    headers: dict[str, str]
    body: str
    started: float  # monotonic: the request arrived
    answered: float  # monotonic: just before the status line went out
    status: int

    @property
    def event_id(self) -> str:
        return str(json.loads(self.body)["data"]["event_id"])


class Receiver:
    """A threaded HTTP server on 127.0.0.1 that records every request it handles."""

    def __init__(self, port: int, answer: Callable[[str], int], delay: float = 0.0) -> None:
        self.port, self.answer, self.delay = port, answer, delay
        self.requests: list[Request] = []
        self.in_flight: dict[str, int] = defaultdict(int)
        self.lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                started = time.monotonic()
                body = self.rfile.read(int(self.headers["content-length"])).decode()
                webhook_id = self.headers["webhook-id"]
                with receiver.lock:
                    receiver.in_flight[webhook_id] += 1
                try:
                    time.sleep(receiver.delay)
                    status = receiver.answer(webhook_id)
                    answered = time.monotonic()
                    with receiver.lock:
                        receiver.in_flight[webhook_id] -= 1
                        receiver.requests.append(
                            Request(webhook_id, dict(self.headers), body, started, answered, status)
                        )
                    self.send_response(status)
                    self.send_header("content-length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:  # the worker went away (killed) before reading the answer
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def busy(self) -> list[str]:
        with self.lock:
            return [wid for wid, n in self.in_flight.items() if n > 0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running(worker: Worker) -> Iterator[Worker]:
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    try:
        yield worker
    finally:
        worker.stop()
        thread.join(timeout=30)
        worker.close()


def wait_for(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def emit_orders(database: Any, channel: str, orders: int, steps: list[str]) -> dict[str, list[str]]:
    """Interleaved events, one transaction each; returns each order's event types in order."""
    order_ids = [ref("ord") for _ in range(orders)]
    for step in steps:
        for oid in order_ids:
            emit(database, event(step, oid, channel))
    return {oid: list(steps) for oid in order_ids}


def all_succeeded(database: Any, endpoint_id: str, count: int) -> Callable[[], bool]:
    def check() -> bool:
        rows = deliveries(database, endpoint_id)
        return len(rows) == count and all(d["status"] == "succeeded" for d in rows)

    return check


def check_received(receiver: Receiver, secret: str, rows: list[dict[str, Any]]) -> None:
    """Signed, complete, one webhook-id per event, in order per order."""
    for r in receiver.requests:
        Webhook(secret).verify(r.body, r.headers)
    by_event = defaultdict(list)
    for r in receiver.requests:
        by_event[r.event_id].append(r)
    expected = {d["event_id"]: d for d in rows}
    assert set(by_event) == set(expected), "every event arrives and nothing else does"
    for event_id, got in by_event.items():
        assert {r.webhook_id for r in got} == {expected[event_id]["id"]}
        assert any(200 <= r.status < 300 for r in got)
    per_order = defaultdict(list)
    for d in sorted(rows, key=lambda d: d["event_seq"]):
        if d["order_id"]:
            per_order[d["order_id"]].append(d["event_id"])
    for chain in per_order.values():
        for before, after in pairwise(chain):
            first_ok = min(r.answered for r in by_event[before] if r.status == 200)
            assert min(r.started for r in by_event[after]) > first_ok, "order kept per order"


def test_receiver_down_then_failing_then_back(database):
    channel = new_channel(database)
    port = free_port()
    answered = {"n": 0}

    def answer(_: str) -> int:
        answered["n"] += 1
        return 500 if answered["n"] <= 6 else 200

    receiver = Receiver(port, answer)
    settings = WorkerSettings(
        concurrency=4, poll_interval=0.05, timeout=2, lease_seconds=8, retry=FAST_RETRY
    )
    url = f"http://127.0.0.1:{port}/hooks"
    with subscribed(database, url, channel, ["order.*", "fulfillment.shipped"]) as endpoint:
        steps = ["order.placed", "order.allocated", "fulfillment.shipped", "order.status_changed"]
        emit_orders(database, channel, 3, steps)
        emit(database, event("fulfillment.created", ref("ord"), channel))  # not subscribed
        emit(database, event("order.placed", ref("ord"), new_channel(database)))  # not ours
        with running(Worker(database, settings, worker_id="solo")):
            wait_for(
                lambda: sum(d["attempts"] >= 2 for d in deliveries(database, endpoint["id"])) >= 3,
                15,
                "retries while the receiver is down",
            )
            receiver.start()
            try:
                wait_for(all_succeeded(database, endpoint["id"], 12), 30, "every delivery")
            finally:
                receiver.stop()
        rows = deliveries(database, endpoint["id"])
        check_received(receiver, endpoint["secret"], rows)
        assert any(r.status == 500 for r in receiver.requests)
        counts = defaultdict(int)
        for r in receiver.requests:
            counts[r.webhook_id] += 1
        assert max(counts.values()) >= 2, "a 500 answer leads to a redelivery, same webhook-id"
        first = min(rows, key=lambda d: d["event_seq"])
        log = database.run(SYSTEM, lambda uow: service.get_delivery(uow, first["id"]))
        errors = [a["error"] for a in log["attempt_log"] if a["status_code"] is None]
        assert errors and all("ConnectError" in e for e in errors), "down: connection refused"
        assert log["attempt_log"][-1]["status_code"] == 200


def test_two_workers_and_one_killed_mid_delivery(database, db_url):
    if database.dialect != "postgresql":
        pytest.skip("several workers at once need PostgreSQL (SQLite runs a single worker)")
    channel = new_channel(database)
    port = free_port()
    seen: set[str] = set()

    def answer(webhook_id: str) -> int:  # every third delivery fails once, then succeeds
        with receiver.lock:
            first = webhook_id not in seen
            seen.add(webhook_id)
        return 500 if first and hash(webhook_id) % 3 == 0 else 200

    receiver = Receiver(port, answer, delay=0.5)
    receiver.start()
    url = f"http://127.0.0.1:{port}/hooks"
    try:
        with subscribed(database, url, channel, ["order.*", "inventory.*"]) as endpoint:
            emit_orders(
                database, channel, 5, ["order.placed", "order.allocated", "order.status_changed"]
            )
            emit(
                database, *[event("inventory.changed", None, channel, on_hand=n) for n in range(3)]
            )
            doomed = subprocess.Popen(
                [sys.executable, "-c", "from switchyard.cli.main import app; app()", *WORKER_ARGS],
                env={**os.environ, "SWITCHYARD_DATABASE_URL": db_url},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                wait_for(lambda: bool(receiver.busy()), 60, "the worker process to start sending")
            finally:
                doomed.send_signal(signal.SIGKILL)
                doomed.wait(timeout=10)
            cut_off = receiver.busy()
            assert cut_off, "the kill landed while deliveries were in flight"
            settings = WorkerSettings(
                concurrency=3,
                poll_interval=0.05,
                timeout=1,
                lease_seconds=LEASE,
                retry=FAST_RETRY,
            )
            with (
                running(Worker(database, settings, worker_id="w1")),
                running(Worker(database, settings, worker_id="w2")),
            ):
                wait_for(all_succeeded(database, endpoint["id"], 18), 60, "every delivery")
            rows = deliveries(database, endpoint["id"])
            check_received(receiver, endpoint["secret"], rows)

            spans = defaultdict(list)
            for r in receiver.requests:
                spans[r.webhook_id].append((r.started, r.answered))
            for webhook_id, intervals in spans.items():
                intervals.sort()
                for (_, end), (start, _) in pairwise(intervals):
                    assert start > end, f"{webhook_id} was in flight twice at once"

            workers = set()
            for webhook_id in cut_off:
                assert len(spans[webhook_id]) >= 2, "the killed worker's delivery was resent"
                log = database.run(SYSTEM, lambda uow, w=webhook_id: service.get_delivery(uow, w))
                first = log["attempt_log"][0]
                assert (first["worker_id"], first["error"]) == ("doomed", ABANDONED)
            for d in rows:
                log = database.run(SYSTEM, lambda uow, i=d["id"]: service.get_delivery(uow, i))
                workers |= {a["worker_id"] for a in log["attempt_log"]}
            assert {"w1", "w2"} <= workers <= {"doomed", "w1", "w2"}
    finally:
        receiver.stop()


def test_an_endpoint_answering_410_is_disabled(database):
    channel = new_channel(database)
    port = free_port()
    receiver = Receiver(port, lambda _: 410)
    receiver.start()
    settings = WorkerSettings(timeout=2, lease_seconds=8, retry=FAST_RETRY)
    worker = Worker(database, settings)
    try:
        with subscribed(database, f"http://127.0.0.1:{port}/h", channel) as endpoint:
            order = ref("ord")
            emit(database, event("order.placed", order, channel))
            emit(database, event("order.amended", order, channel))
            worker.drain()
            row = database.run(SYSTEM, lambda uow: service.get_endpoint(uow, endpoint["id"]))
            assert (row["enabled"], row["disabled_reason"]) == (False, "gone")
            statuses = sorted(d["status"] for d in deliveries(database, endpoint["id"]))
            assert statuses == ["dead", "pending"]  # the second waits for re-enabling
            assert len(receiver.requests) == 1
    finally:
        worker.close()
        receiver.stop()
