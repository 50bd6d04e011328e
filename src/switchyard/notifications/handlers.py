"""In-transaction reactions of notifications (listed in ``events.bus.HANDLER_MODULES``).

Each step of an order the customer hears about writes one ``notifications`` row in the
transaction of the event that caused it, under a unique key per cause, so the message
commits or rolls back with the change and is never made twice:

* ``order.placed`` -> confirmation (``confirmation:<order>``);
* ``order.amended`` -> changed (``changed:<order>:v<version>:<n>``);
* ``order.backordered`` -> delay (``delay:<order>:v<version>:<n>``), and ``order.at_risk``
  for a risk that makes the date slip -> delay (``delay:<order>:<fulfillment>``);
* ``fulfillment.ready_for_pickup`` / ``shipped`` / ``delivered`` -> one per fulfillment;
* ``order.cancelled`` (or a status that became cancelled) -> cancelled (``cancelled:<order>``).

Whether the channel sends the trigger, and whether the customer has an email, is decided
by the worker when it renders the message (``claims.py``), so placing an order costs one
insert that goes with its other inserts and no read.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from switchyard.db.uow import UnitOfWork
from switchyard.events.bus import subscribe
from switchyard.kernel.clock import utcnow
from switchyard.kernel.events import DomainEvent
from switchyard.kernel.ids import new_id
from switchyard.notifications import domain as d
from switchyard.notifications.repository import NotificationRepository


@dataclass(slots=True)
class Seen:
    """How many events of a kind this unit of work has had per order (part of the key)."""

    counts: Counter[str] = field(default_factory=Counter)


def row(
    trigger: str,
    key: str,
    event: DomainEvent,
    facts: dict[str, Any],
    fulfillment_id: str | None = None,
) -> dict[str, Any]:
    now = utcnow()
    notification_id = new_id("ntf")
    return {
        "id": notification_id,
        "key": key,
        "trigger": trigger,
        "order_id": event.order_id,
        "channel_id": event.channel_id,
        "fulfillment_id": fulfillment_id,
        "facts": facts,
        "status": d.QUEUED,
        "message_id": d.message_id(notification_id),
        "attempts": 0,
        "next_attempt_at": now,
        "retry_from": now,
        "created_at": now,
        "updated_at": now,
    }


def _enqueue(uow: UnitOfWork, rows: list[dict[str, Any]]) -> None:
    uow.repo(NotificationRepository).enqueue(rows)


def _versioned_key(uow: UnitOfWork, trigger: str, order_id: str) -> str:
    seen = uow.state(Seen)
    seen.counts[f"{trigger}:{order_id}"] += 1
    version = uow.repo(NotificationRepository).order_version(order_id) or 0
    return d.key(trigger, order_id, f"v{version}", str(seen.counts[f"{trigger}:{order_id}"]))


def on_placed(uow: UnitOfWork, event: DomainEvent) -> None:
    if event.order_id:
        key = d.key(d.CONFIRMATION, event.order_id)
        # what was ordered, so a confirmation sent after a change still confirms the order
        facts = {"total": event.data.get("total"), "lines": event.data.get("lines", [])}
        _enqueue(uow, [row(d.CONFIRMATION, key, event, facts)])


def on_amended(uow: UnitOfWork, event: DomainEvent) -> None:
    if event.order_id:
        facts = {k: event.data.get(k) for k in ("change", "before", "after")}
        key = _versioned_key(uow, d.CHANGED, event.order_id)
        _enqueue(uow, [row(d.CHANGED, key, event, facts)])


def on_backordered(uow: UnitOfWork, event: DomainEvent) -> None:
    if event.order_id:
        facts = {"cause": event.data.get("cause"), "lines": event.data.get("lines", [])}
        key = _versioned_key(uow, d.DELAY, event.order_id)
        _enqueue(uow, [row(d.DELAY, key, event, facts)])


def on_at_risk(uow: UnitOfWork, event: DomainEvent) -> None:
    if not event.order_id:
        return
    risks = event.data.get("risks", [])
    rows = []
    for fulfillment_id in d.delayed_fulfillments(risks):
        mine = [r for r in risks if r.get("fulfillment_id") == fulfillment_id]
        facts = {"cause": "at_risk", "reasons": sorted({str(r.get("reason")) for r in mine})}
        key = d.key(d.DELAY, event.order_id, fulfillment_id)
        rows.append(row(d.DELAY, key, event, facts, fulfillment_id))
    _enqueue(uow, rows)


def _fulfillment_step(trigger: str, fact_names: tuple[str, ...]) -> Any:
    def handle(uow: UnitOfWork, event: DomainEvent) -> None:
        if event.order_id and event.aggregate_type == "fulfillment":
            facts = {k: event.data.get(k) for k in fact_names}
            key = d.key(trigger, event.aggregate_id)
            _enqueue(uow, [row(trigger, key, event, facts, event.aggregate_id)])

    return handle


def on_cancelled(uow: UnitOfWork, event: DomainEvent) -> None:
    if event.order_id and d.cancelled_by(event.type, event.data):
        facts = {"reason": event.data.get("reason"), "lines": event.data.get("lines", [])}
        key = d.key(d.CANCELLED, event.order_id)
        _enqueue(uow, [row(d.CANCELLED, key, event, facts)])


subscribe("order.placed", on_placed)
subscribe("order.amended", on_amended)
subscribe("order.backordered", on_backordered)
subscribe("order.at_risk", on_at_risk)
subscribe(
    "fulfillment.ready_for_pickup",
    _fulfillment_step(d.READY_FOR_PICKUP, ("pickup_code", "collect_by")),
)
subscribe(
    "fulfillment.shipped",
    _fulfillment_step(d.SHIPPED, ("carrier", "tracking_number", "quantities")),
)
subscribe("fulfillment.delivered", _fulfillment_step(d.DELIVERED, ("quantities",)))
subscribe("order.cancelled", on_cancelled)
subscribe("order.status_changed", on_cancelled)
