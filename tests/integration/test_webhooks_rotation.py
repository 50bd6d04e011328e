"""Secret rotation through the worker: while the previous secret's grace period runs, every
delivery carries two signatures (one verifies with the old secret, one with the new), so
a receiver can switch secrets whenever it likes; after it, only the new one signs."""

from __future__ import annotations

import time

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from switchyard.webhooks import service
from switchyard.webhooks.retries import RetryPolicy
from switchyard.webhooks.worker import Worker, WorkerSettings
from tests.helpers import ref
from tests.integration.test_webhooks_relay import SYSTEM, emit, event, new_channel, subscribed
from tests.integration.test_webhooks_reliability import (
    Receiver,
    all_succeeded,
    free_port,
    running,
    wait_for,
)

SETTINGS = WorkerSettings(
    concurrency=2,
    poll_interval=0.05,
    timeout=2,
    lease_seconds=8,
    retry=RetryPolicy(backoff_base=0.05, backoff_max=0.25, retry_for=60),
)


def _rejects(secret: str, body: str, headers: dict[str, str]) -> bool:
    try:
        Webhook(secret).verify(body, headers)
    except WebhookVerificationError:
        return True
    return False


def test_deliveries_carry_both_signatures_while_the_previous_secret_is_kept(database):
    channel = new_channel(database)
    port = free_port()
    receiver = Receiver(port, lambda _: 200)
    receiver.start()
    url = f"http://127.0.0.1:{port}/hooks"
    try:
        with subscribed(database, url, channel, ["order.*"]) as endpoint:
            old = endpoint["secret"]
            rotated = database.run(
                SYSTEM, lambda uow: service.rotate_secret(uow, endpoint["id"], 2)
            )
            new = rotated["secret"]
            assert new != old
            emit(database, event("order.placed", ref("ord"), channel))
            with running(Worker(database, SETTINGS, worker_id="rotation")):
                wait_for(all_succeeded(database, endpoint["id"], 1), 20, "the first delivery")
                (during,) = receiver.requests
                time.sleep(2.2)  # the grace period runs out
                emit(database, event("order.placed", ref("ord"), channel))
                wait_for(all_succeeded(database, endpoint["id"], 2), 20, "the second delivery")
            after = receiver.requests[1]
    finally:
        receiver.stop()
    assert len(during.headers["webhook-signature"].split()) == 2
    Webhook(old).verify(during.body, during.headers)
    Webhook(new).verify(during.body, during.headers)
    assert len(after.headers["webhook-signature"].split()) == 1
    Webhook(new).verify(after.body, after.headers)
    assert _rejects(old, after.body, after.headers)
