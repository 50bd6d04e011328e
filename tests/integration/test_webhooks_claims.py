"""Claims: order per order, leases that expire, disjoint claims under concurrency, 410."""

from __future__ import annotations

import concurrent.futures as cf
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from switchyard.events.tables import events
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import Conflict
from switchyard.webhooks import service
from switchyard.webhooks.claims import TEXT_LIMIT, Claim, claim_due, record_attempt
from switchyard.webhooks.queue_repository import ABANDONED
from switchyard.webhooks.repository import DeliveryRepository
from switchyard.webhooks.retries import AttemptResult, RetryPolicy
from tests.helpers import ref
from tests.integration.test_webhooks_relay import (
    SYSTEM,
    deliveries,
    emit,
    event,
    new_channel,
    relay_all,
    subscribed,
)

URL = "http://127.0.0.1:9/never-called"
AT_ONCE = RetryPolicy(backoff_base=0, backoff_max=0, retry_for=3600)  # failures due again now
NO_RETRY = RetryPolicy(backoff_base=0, backoff_max=0, retry_for=0)  # a failure is final


def outbox_events(database, aggregate_id: str) -> list[dict]:
    def read(uow):
        rows = uow.conn.execute(
            select(events.c.type, events.c.aggregate_type, events.c.data)
            .where(events.c.aggregate_id == aggregate_id, events.c.type.like("%.disabled"))
            .order_by(events.c.seq)
        ).mappings()
        return [dict(r) for r in rows]

    return database.run(SYSTEM, read, read_only=True)


def claim(database, limit=50, lease=60.0, worker="w") -> list[Claim]:
    return database.run(
        SYSTEM,
        lambda uow: claim_due(uow, worker_id=worker, limit=limit, lease_seconds=lease),
    )


def record(database, c: Claim, status: int, policy: RetryPolicy = AT_ONCE):
    result = AttemptResult(status_code=status, duration_ms=3)
    return database.run(SYSTEM, lambda uow: record_attempt(uow, c, result, policy, 0.0))


def test_an_order_s_events_go_one_at_a_time_in_order(database):
    channel = new_channel(database)
    with subscribed(database, URL, channel) as endpoint:
        o1, o2 = ref("ord"), ref("ord")
        for step in ("placed", "allocated", "status_changed"):
            emit(database, event(f"order.{step}", o1, channel))
        emit(database, event("order.placed", o2, channel))
        emit(database, event("inventory.changed", None, channel))
        relay_all(database)
        by_id = {d["id"]: d for d in deliveries(database, endpoint["id"])}

        def claimed_types() -> tuple[list[Claim], list[tuple[str, str | None]]]:
            held = [c for c in claim(database) if c.delivery_id in by_id]
            return held, sorted(
                (by_id[c.delivery_id]["event_type"], by_id[c.delivery_id]["order_id"]) for c in held
            )

        held, kinds = claimed_types()
        assert kinds == sorted(
            [("order.placed", o1), ("order.placed", o2), ("inventory.changed", None)]
        )
        first = next(c for c in held if by_id[c.delivery_id]["order_id"] == o1)
        for c in held:
            if c is not first:
                record(database, c, 200)
        assert record(database, first, 500).status == "failed"
        held, kinds = claimed_types()  # the failed head is due again; its successors wait
        assert kinds == [("order.placed", o1)]
        assert held[0].attempt == 2
        record(database, held[0], 204)
        held, kinds = claimed_types()
        assert kinds == [("order.allocated", o1)]
        assert record(database, held[0], 503, NO_RETRY).status == "dead"
        held, kinds = claimed_types()  # a dead delivery no longer holds the order back
        assert kinds == [("order.status_changed", o1)]
        record(database, held[0], 200)
        assert claimed_types()[1] == []
        final = {d["event_type"]: d["status"] for d in deliveries(database, endpoint["id"])}
        assert final["order.allocated"] == "dead"
        assert final["order.status_changed"] == "succeeded"


def test_an_expired_lease_lets_another_worker_take_over(database):
    channel = new_channel(database)
    with subscribed(database, URL, channel) as endpoint:
        emit(database, event("order.placed", ref("ord"), channel))
        relay_all(database)
        (mine,) = [
            c for c in claim(database, lease=0.3, worker="a") if c.endpoint_id == endpoint["id"]
        ]
        assert not [c for c in claim(database, worker="b") if c.endpoint_id == endpoint["id"]]
        time.sleep(0.4)
        (taken,) = [c for c in claim(database, worker="b") if c.endpoint_id == endpoint["id"]]
        assert taken.delivery_id == mine.delivery_id
        assert taken.attempt == 2
        assert taken.body == mine.body
        assert record(database, mine, 200) is None  # the first worker's lease is gone
        detail = database.run(SYSTEM, lambda uow: service.get_delivery(uow, mine.delivery_id))
        assert detail["status"] == "delivering"
        assert record(database, taken, 200).status == "succeeded"
        detail = database.run(SYSTEM, lambda uow: service.get_delivery(uow, mine.delivery_id))
        assert detail["status"] == "succeeded"
        log = detail["attempt_log"]
        assert [(a["number"], a["worker_id"]) for a in log] == [(1, "a"), (2, "b")]
        assert log[0]["finished_at"] is not None and log[1]["status_code"] == 200


def test_abandoned_attempts_are_marked_in_the_log(database):
    channel = new_channel(database)
    with subscribed(database, URL, channel) as endpoint:
        emit(database, event("order.placed", ref("ord"), channel))
        relay_all(database)
        (gone,) = [
            c for c in claim(database, lease=0.2, worker="dead") if c.endpoint_id == endpoint["id"]
        ]
        time.sleep(0.3)
        (taken,) = [c for c in claim(database, worker="alive") if c.endpoint_id == endpoint["id"]]
        detail = database.run(SYSTEM, lambda uow: service.get_delivery(uow, gone.delivery_id))
        assert detail["attempt_log"][0]["error"] == ABANDONED
        assert detail["attempt_log"][0]["finished_at"] is not None  # closed when taken over
        assert detail["attempt_log"][1]["finished_at"] is None
        record(database, taken, 200)


def test_a_claim_takes_at_most_its_limit_and_holds_a_lease(database):
    channel = new_channel(database)
    with subscribed(database, URL, channel) as endpoint:
        emit(database, *[event("inventory.changed", None, channel, on_hand=n) for n in range(5)])
        relay_all(database)
        before = utcnow()
        taken = claim(database, limit=2, lease=60.0)
        assert len(taken) == 2
        assert all(before + timedelta(seconds=59) < c.lease_until for c in taken)
        for c in taken:
            record(database, c, 200)
        rest = [c for c in claim(database) if c.endpoint_id == endpoint["id"]]
        for c in rest:
            record(database, c, 200)


def test_concurrent_workers_never_claim_the_same_delivery(database):
    channel = new_channel(database)
    with subscribed(database, URL, channel) as endpoint:
        emit(database, *[event("inventory.changed", None, channel, on_hand=n) for n in range(30)])
        relay_all(database)
        ours = {d["id"] for d in deliveries(database, endpoint["id"])}
        assert len(ours) == 30
        start = threading.Barrier(4)

        def worker(name: str) -> list[str]:
            start.wait(timeout=30)  # the four claim at once, not one after another
            taken, idle = [], 0
            while idle < 3:
                got = [c.delivery_id for c in claim(database, limit=3, worker=name)]
                taken.extend(got)
                idle = 0 if got else idle + 1
            return taken

        with cf.ThreadPoolExecutor(4) as pool:
            futures = [pool.submit(worker, f"w{i}") for i in range(4)]
            # a worker's exception fails the test here; a hung worker times out
            taken = [d for f in futures for d in f.result(timeout=60)]
        mine = [t for t in taken if t in ours]
        assert sorted(mine) == sorted(ours), "every delivery claimed exactly once"


def test_gone_disables_the_endpoint_and_manual_retry_needs_it_enabled(database):
    channel = new_channel(database)
    with subscribed(database, URL, channel) as endpoint:
        emit(database, event("order.placed", ref("ord"), channel))
        relay_all(database)
        (c,) = [c for c in claim(database) if c.endpoint_id == endpoint["id"]]
        outcome = record(database, c, 410)
        assert outcome.status == "dead" and outcome.disable_endpoint
        row = database.run(SYSTEM, lambda uow: service.get_endpoint(uow, endpoint["id"]))
        assert (row["enabled"], row["disabled_reason"]) == (False, "gone")
        (disabled,) = outbox_events(database, endpoint["id"])
        assert (disabled["type"], disabled["aggregate_type"]) == (
            "webhook_endpoint.disabled",
            "webhook_endpoint",
        )
        assert disabled["data"] == {"reason": "gone", "delivery_id": c.delivery_id}
        emit(database, event("order.amended", ref("ord"), channel))
        relay_all(database)
        assert len(deliveries(database, endpoint["id"])) == 1
        with pytest.raises(Conflict) as caught:
            database.run(SYSTEM, lambda uow: service.retry_delivery(uow, c.delivery_id))
        assert caught.value.code == "endpoint_disabled"
        database.run(
            SYSTEM,
            lambda uow: service.update_endpoint(uow, endpoint["id"], {"enabled": True}, None),
        )
        retried = database.run(SYSTEM, lambda uow: service.retry_delivery(uow, c.delivery_id))
        assert (retried["status"], retried["attempts"]) == ("pending", 1)
        (again,) = [c for c in claim(database) if c.endpoint_id == endpoint["id"]]
        assert (again.delivery_id, again.attempt) == (c.delivery_id, 2)
        record(database, again, 200)


def test_a_delivery_in_flight_cannot_be_retried_by_hand(database):
    channel = new_channel(database)
    with subscribed(database, URL, channel) as endpoint:
        emit(database, event("order.placed", ref("ord"), channel))
        relay_all(database)
        (c,) = [c for c in claim(database) if c.endpoint_id == endpoint["id"]]
        with pytest.raises(Conflict) as caught:
            database.run(SYSTEM, lambda uow: service.retry_delivery(uow, c.delivery_id))
        assert caught.value.code == "delivery_in_flight"
        record(database, c, 200)
        retried = database.run(SYSTEM, lambda uow: service.retry_delivery(uow, c.delivery_id))
        assert (retried["status"], retried["completed_at"]) == ("pending", None)


def test_the_log_keeps_what_each_attempt_answered(database):
    """Errors and answers are kept (cut to TEXT_LIMIT) on the attempt and the delivery;
    completed_at is set only once the delivery is resolved."""
    channel = new_channel(database)
    with subscribed(database, URL, channel) as endpoint:
        emit(database, event("order.placed", ref("ord"), channel))
        relay_all(database)
        (c,) = [c for c in claim(database) if c.endpoint_id == endpoint["id"]]
        refused = AttemptResult(status_code=None, duration_ms=5, error="connect: " + "x" * 900)
        assert (
            database.run(SYSTEM, lambda uow: record_attempt(uow, c, refused, AT_ONCE, 0.0)).status
            == "failed"
        )
        (d,) = deliveries(database, endpoint["id"])
        assert d["last_error"] == refused.error[:TEXT_LIMIT] and d["completed_at"] is None
        (again,) = [c for c in claim(database) if c.endpoint_id == endpoint["id"]]
        answered = AttemptResult(status_code=200, duration_ms=7, response_excerpt="ok " * 400)
        database.run(SYSTEM, lambda uow: record_attempt(uow, again, answered, AT_ONCE, 0.0))
        (d,) = deliveries(database, endpoint["id"])
        assert d["status"] == "succeeded" and d["completed_at"] is not None
        assert d["last_response_excerpt"] == answered.response_excerpt[:TEXT_LIMIT]
        assert d["last_status_code"] == 200
        log = database.run(SYSTEM, lambda uow: uow.repo(DeliveryRepository).attempts(c.delivery_id))
        assert [(a["number"], a["status_code"]) for a in log] == [(1, None), (2, 200)]
        assert log[0]["error"] == refused.error[:TEXT_LIMIT] and log[0]["response_excerpt"] is None
        assert log[1]["response_excerpt"] == answered.response_excerpt[:TEXT_LIMIT]
        assert log[1]["error"] is None and log[1]["duration_ms"] == 7
