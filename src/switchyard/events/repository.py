from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select

from switchyard.db import pending_writes
from switchyard.events.tables import events
from switchyard.kernel.clock import utcnow
from switchyard.kernel.events import Actor, DomainEvent
from switchyard.kernel.ids import new_id


class EventRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def append(self, batch: Sequence[DomainEvent], actor: Actor) -> None:
        now = utcnow()
        rows = [
            {
                "id": new_id("evt"),
                "type": e.type,
                "aggregate_type": e.aggregate_type,
                "aggregate_id": e.aggregate_id,
                "order_id": e.order_id,
                "channel_id": e.channel_id,
                "data": e.data,
                "actor_kind": actor.kind,
                "actor_id": actor.id,
                "actor_name": actor.name,
                "occurred_at": now,
            }
            for e in batch
        ]
        pending_writes.insert(self.conn, events, rows)

    def for_order(
        self, order_id: str, *, after: int | None, limit: int, hiding: Sequence[str] = ()
    ) -> list[dict[str, Any]]:
        """The order's events, oldest first; ``hiding``: leave out these aggregates'."""
        query = select(events).where(events.c.order_id == order_id)
        if hiding:
            query = query.where(events.c.aggregate_id.not_in(list(hiding)))
        if after is not None:
            query = query.where(events.c.seq > after)
        query = query.order_by(events.c.seq).limit(limit)
        return [dict(r) for r in self.conn.execute(query).mappings()]

    def since(self, seq: int, limit: int) -> list[dict[str, Any]]:
        query = select(events).where(events.c.seq > seq).order_by(events.c.seq).limit(limit)
        return [dict(r) for r in self.conn.execute(query).mappings()]
