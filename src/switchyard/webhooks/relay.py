"""The relay: reads new events from the outbox and creates one delivery per subscriber.

The cursor moves in the same transaction that creates the deliveries, so an event is fanned
out exactly once however often the relay stops and starts.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from switchyard.db.uow import UnitOfWork
from switchyard.events.repository import EventRepository
from switchyard.kernel.clock import utcnow
from switchyard.kernel.ids import new_id
from switchyard.webhooks import gaps
from switchyard.webhooks.domain import PENDING, wants
from switchyard.webhooks.queue_repository import QueueRepository
from switchyard.webhooks.repository import EndpointRepository

DEFAULT_RELAY = "webhooks"


def _delivery(endpoint: dict[str, Any], event: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {
        "id": new_id("msg"),
        "endpoint_id": endpoint["id"],
        "event_id": event["id"],
        "event_seq": event["seq"],
        "event_type": event["type"],
        "order_id": event["order_id"],
        "status": PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "retry_from": now,
        "created_at": now,
        "updated_at": now,
    }


def relay_events(
    uow: UnitOfWork,
    *,
    name: str = DEFAULT_RELAY,
    batch_size: int = 500,
    gap_timeout: float = 600.0,
) -> int:
    """Fan out up to ``batch_size`` new events (and any late ones); returns how many."""
    now = utcnow()
    queue = uow.repo(QueueRepository)
    cursor = queue.lock_cursor(name, now)
    if cursor is None:  # another relay is at work
        return 0
    known = gaps.decode(cursor["gaps"])
    fresh = uow.repo(EventRepository).since(cursor["last_seq"], batch_size)
    late = queue.events_numbered(sorted(known)) if known else []
    last_seq, still_missing = gaps.advance(
        cursor["last_seq"],
        known,
        [e["seq"] for e in fresh + late],
        now=now,
        timeout=timedelta(seconds=gap_timeout),
    )
    batch = sorted(fresh + late, key=lambda e: e["seq"])
    if batch:
        endpoints = uow.repo(EndpointRepository).enabled()
        queue.add_deliveries(
            [_delivery(ep, ev, now) for ev in batch for ep in endpoints if wants(ep, ev)]
        )
    if last_seq != cursor["last_seq"] or still_missing.keys() != known.keys():
        queue.save_cursor(name, last_seq, gaps.encode(still_missing), now)
    return len(batch)
