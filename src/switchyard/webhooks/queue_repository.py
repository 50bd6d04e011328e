"""SQL for the delivery pipeline: the relay cursor, fan-out rows, claims and results."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from switchyard.db.crud import insert_for
from switchyard.events.tables import events
from switchyard.webhooks.domain import ACTIVE, DELIVERING
from switchyard.webhooks.tables import (
    webhook_attempts,
    webhook_deliveries,
    webhook_endpoints,
    webhook_relay_cursors,
)

ABANDONED = "lease expired: the worker stopped before recording a result"


class QueueRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    @property
    def _postgres(self) -> bool:
        return self.conn.dialect.name == "postgresql"

    def _insert_ignoring_duplicates(self, table: Any, rows: Sequence[dict[str, Any]]) -> int:
        dialect_insert = insert_for(self.conn)
        result = self.conn.execute(dialect_insert(table).on_conflict_do_nothing(), list(rows))
        return max(result.rowcount, 0)

    # relay

    def lock_cursor(self, name: str, now: datetime) -> dict[str, Any] | None:
        """This relay's cursor, locked; None while another relay holds it (PostgreSQL).

        SQLite write transactions are exclusive already, so there the lock is implicit.
        """
        query = select(webhook_relay_cursors).where(webhook_relay_cursors.c.name == name)
        if self._postgres:
            query = query.with_for_update(skip_locked=True)
        found = self.conn.execute(query).mappings().first()
        if found is None:  # the first run, or another relay holds it: make sure it exists
            row = {"name": name, "last_seq": 0, "gaps": {}, "updated_at": now}
            self._insert_ignoring_duplicates(webhook_relay_cursors, [row])
            found = self.conn.execute(query).mappings().first()
        return dict(found) if found else None

    def save_cursor(self, name: str, last_seq: int, gaps: dict[str, str], now: datetime) -> None:
        c = webhook_relay_cursors
        self.conn.execute(
            update(c).where(c.c.name == name).values(last_seq=last_seq, gaps=gaps, updated_at=now)
        )

    def events_numbered(self, seqs: Sequence[int]) -> list[dict[str, Any]]:
        query = select(events).where(events.c.seq.in_(list(seqs))).order_by(events.c.seq)
        return [dict(r) for r in self.conn.execute(query).mappings()]

    def add_deliveries(self, rows: Sequence[dict[str, Any]]) -> int:
        """Insert deliveries; one that exists for the same endpoint and event is skipped."""
        return self._insert_ignoring_duplicates(webhook_deliveries, rows) if rows else 0

    # claims

    def due_ids(self, now: datetime, limit: int) -> list[str]:
        """Deliveries a worker may take now, skipping rows other workers are claiming.

        A delivery waits while an earlier event's delivery to the same endpoint for the
        same order is unresolved, so each endpoint sees an order's events in order.
        """
        d = webhook_deliveries
        earlier = d.alias("earlier")
        blocked = (
            select(earlier.c.id)
            .where(
                earlier.c.endpoint_id == d.c.endpoint_id,
                earlier.c.order_id == d.c.order_id,
                earlier.c.event_seq < d.c.event_seq,
                earlier.c.status.in_(ACTIVE),
            )
            .exists()
        )
        enabled = select(webhook_endpoints.c.id).where(webhook_endpoints.c.enabled.is_(True))
        query = (
            select(d.c.id)
            .where(
                d.c.status.in_(ACTIVE),
                d.c.next_attempt_at <= now,
                d.c.endpoint_id.in_(enabled),
                ~blocked,
            )
            .order_by(d.c.next_attempt_at, d.c.event_seq)
            .limit(limit)
        )
        if self._postgres:
            query = query.with_for_update(of=d, skip_locked=True)
        return [r[0] for r in self.conn.execute(query)]

    def take(
        self, delivery_id: str, token: str, now: datetime, lease_until: datetime
    ) -> int | None:
        """Claim one due delivery under a lease; the new attempt number, or None if taken."""
        d = webhook_deliveries
        result = self.conn.execute(
            update(d)
            .where(d.c.id == delivery_id, d.c.status.in_(ACTIVE), d.c.next_attempt_at <= now)
            .values(
                status=DELIVERING,
                claim_token=token,
                lease_expires_at=lease_until,
                next_attempt_at=lease_until,
                attempts=d.c.attempts + 1,
                last_attempt_at=now,
                updated_at=now,
            )
            .returning(d.c.attempts)
        ).first()
        return None if result is None else int(result[0])

    def close_abandoned_attempts(self, delivery_id: str, now: datetime) -> None:
        """A claimable delivery with an unfinished attempt lost its worker: say so."""
        a = webhook_attempts
        self.conn.execute(
            update(a)
            .where(a.c.delivery_id == delivery_id, a.c.finished_at.is_(None))
            .values(finished_at=now, error=ABANDONED)
        )

    def add_attempt(self, row: dict[str, Any]) -> None:
        self.conn.execute(insert(webhook_attempts).values(**row))

    def claim_details(self, delivery_ids: Sequence[str]) -> list[dict[str, Any]]:
        """Everything needed to send the claimed deliveries: endpoint, secrets and event."""
        d, e = webhook_deliveries, webhook_endpoints
        query = (
            select(
                d.c.id,
                d.c.claim_token,
                d.c.attempts,
                d.c.retry_from,
                d.c.endpoint_id,
                e.c.url,
                e.c.secret,
                e.c.previous_secret,
                e.c.previous_secret_expires_at,
                events.c.id.label("event_id"),
                events.c.seq,
                events.c.type,
                events.c.aggregate_type,
                events.c.aggregate_id,
                events.c.order_id,
                events.c.channel_id,
                events.c.data,
                events.c.occurred_at,
            )
            .join(e, e.c.id == d.c.endpoint_id)
            .join(events, events.c.id == d.c.event_id)
            .where(d.c.id.in_(list(delivery_ids)))
            .order_by(d.c.next_attempt_at, d.c.event_seq)
        )
        return [dict(r) for r in self.conn.execute(query).mappings()]

    # results

    def finish_attempt(self, attempt_id: str, values: dict[str, Any]) -> None:
        a = webhook_attempts
        self.conn.execute(update(a).where(a.c.id == attempt_id).values(**values))

    def settle(self, delivery_id: str, token: str, values: dict[str, Any]) -> bool:
        """Store an attempt's outcome, only if this claim still holds the delivery."""
        d = webhook_deliveries
        result = self.conn.execute(
            update(d)
            .where(d.c.id == delivery_id, d.c.claim_token == token, d.c.status == DELIVERING)
            .values(**values, claim_token=None, lease_expires_at=None)
        )
        return result.rowcount == 1
