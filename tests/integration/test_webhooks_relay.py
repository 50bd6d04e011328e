"""The relay turns outbox events into one delivery per matching endpoint, exactly once.

Also home to the small helpers the other webhook tests share.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pytest

from switchyard.channels.service import create_channel
from switchyard.db.uow import Database, UnitOfWork
from switchyard.events import catalogue
from switchyard.events.repository import EventRepository
from switchyard.kernel.events import Actor, DomainEvent
from switchyard.webhooks import service
from switchyard.webhooks.relay import relay_events
from switchyard.webhooks.repository import DeliveryRepository
from tests.helpers import ref

SYSTEM = Actor.system("tests")


def new_channel(database: Database) -> str:
    body = {"code": ref("wh"), "name": "Webhook test shop", "type": "web", "currency": "EUR"}
    return str(database.run(SYSTEM, lambda uow: create_channel(uow, body))["id"])


def event(type_: str, order_id: str | None, channel_id: str | None, **data: Any) -> DomainEvent:
    """An event of a catalogued type, its data an example of the type's own (``data``
    replaces fields of it)."""
    aggregate = order_id or ref("agg")
    details = {**catalogue.example(type_), **data}
    return DomainEvent(type_, type_.split(".")[0], aggregate, details, order_id, channel_id)


def emit(database: Database, *events: DomainEvent) -> None:
    """Record events the way any use case does: through a committed unit of work."""

    def use_case(uow: UnitOfWork) -> None:
        for e in events:
            uow.emit(e)

    database.run(SYSTEM, use_case)


@contextmanager
def subscribed(
    database: Database,
    url: str,
    channel_id: str | None,
    event_types: Sequence[str] = ("*",),
) -> Iterator[dict[str, Any]]:
    """An endpoint for the length of a test; deleted after, with its deliveries."""
    values = {
        "url": url,
        "event_types": list(event_types),
        "channel_ids": [channel_id] if channel_id else [],
    }
    row = database.run(SYSTEM, lambda uow: service.create_endpoint(uow, values))
    try:
        yield row
    finally:
        database.run(SYSTEM, lambda uow: service.delete_endpoint(uow, row["id"], None))


def relay_all(database: Database) -> None:
    while database.run(SYSTEM, lambda uow: relay_events(uow, batch_size=200)) >= 200:
        pass


def deliveries(database: Database, endpoint_id: str) -> list[dict[str, Any]]:
    return database.run(
        SYSTEM,
        lambda uow: uow.repo(DeliveryRepository).page(
            endpoint_id=endpoint_id,
            status=None,
            event_type=None,
            order_id=None,
            after_id=None,
            limit=1000,
        ),
        read_only=True,
    )


def test_fan_out_follows_type_and_channel_filters_once(database):
    ours, theirs = new_channel(database), new_channel(database)
    url = "http://127.0.0.1:9/unused"
    with (
        subscribed(database, url, ours, ["order.*"]) as orders_only,
        subscribed(database, url, None, ["fulfillment.shipped", "inventory.*"]) as everyone,
    ):
        o1, o2 = ref("ord"), ref("ord")
        emit(database, event("order.placed", o1, ours), event("order.placed", o2, theirs))
        emit(
            database, event("fulfillment.shipped", o1, ours), event("fulfillment.created", o1, ours)
        )
        emit(database, event("inventory.changed", None, None, sku_id="S1"))
        emit(database, event("api_key.created", None, None))
        relay_all(database)
        relay_all(database)

        mine = deliveries(database, orders_only["id"])
        assert [(d["event_type"], d["order_id"]) for d in mine] == [("order.placed", o1)]
        heard = {(d["event_type"], d["order_id"]) for d in deliveries(database, everyone["id"])}
        assert heard == {("fulfillment.shipped", o1), ("inventory.changed", None)}
        assert all(d["status"] == "pending" and d["attempts"] == 0 for d in mine)


def test_endpoints_hear_only_events_recorded_after_they_subscribed(database):
    channel = new_channel(database)
    order = ref("ord")
    emit(database, event("order.placed", order, channel))
    with subscribed(database, "http://127.0.0.1:9/x", channel) as endpoint:
        relay_all(database)
        assert deliveries(database, endpoint["id"]) == []
        emit(database, event("order.amended", order, channel))
        relay_all(database)
        assert [d["event_type"] for d in deliveries(database, endpoint["id"])] == ["order.amended"]


def test_disabled_endpoints_get_no_deliveries(database):
    channel = new_channel(database)
    with subscribed(database, "http://127.0.0.1:9/x", channel) as endpoint:
        database.run(
            SYSTEM,
            lambda uow: service.update_endpoint(uow, endpoint["id"], {"enabled": False}, None),
        )
        emit(database, event("order.placed", ref("ord"), channel))
        relay_all(database)
        assert deliveries(database, endpoint["id"]) == []


def test_an_event_committed_late_is_not_lost(database):
    """PostgreSQL hands out seq at insert: a later seq can commit first. Nothing is skipped."""
    if database.dialect != "postgresql":
        pytest.skip("SQLite serialises writers, so seq order is commit order there")
    channel = new_channel(database)
    slow_order, fast_order = ref("ord"), ref("ord")
    with subscribed(database, "http://127.0.0.1:9/x", channel) as endpoint:
        with database.engine.connect() as conn:
            tx = conn.begin()
            EventRepository(conn).append([event("order.placed", slow_order, channel)], SYSTEM)
            emit(database, event("order.placed", fast_order, channel))  # higher seq, commits first
            relay_all(database)
            seen = {d["order_id"] for d in deliveries(database, endpoint["id"])}
            assert seen == {fast_order}
            tx.commit()
        relay_all(database)
        seen = {d["order_id"] for d in deliveries(database, endpoint["id"])}
        assert seen == {fast_order, slow_order}
