"""All SQL of notifications: the queue, claims under a lease, results and the log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from switchyard.db import pending_writes
from switchyard.fulfillment.tables import fulfillments
from switchyard.notifications.domain import ACTIVE, OUT_ABANDONED, SENDING, SENT
from switchyard.notifications.tables import notification_attempts, notifications
from switchyard.orders.tables import orders

N, A = notifications.c, notification_attempts.c
ABANDONED = "lease expired: the worker stopped before recording a result"


class NotificationRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    @property
    def _postgres(self) -> bool:
        return self.conn.dialect.name == "postgresql"

    # -- the queue ---------------------------------------------------------------------
    def enqueue(self, rows: Sequence[dict[str, Any]]) -> None:
        """New notifications; one whose key exists is skipped (sent with the unit of
        work's other inserts, so the event's transaction pays no round trip for it)."""
        if rows:
            pending_writes.insert(self.conn, notifications, list(rows), ignore_conflicts=True)

    def order_version(self, order_id: str) -> int | None:
        found = self.conn.execute(select(orders.c.version).where(orders.c.id == order_id))
        value = found.scalar()
        return None if value is None else int(value)

    def order_rows(self, order_ids: Sequence[str]) -> list[dict[str, Any]]:
        if not order_ids:
            return []
        query = select(orders).where(orders.c.id.in_(sorted(set(order_ids))))
        return [dict(r) for r in self.conn.execute(query).mappings()]

    def promised_delivery(self, order_id: str) -> date | None:
        """The latest date promised to the customer over the order's live fulfillments."""
        f = fulfillments.c
        query = select(func.max(f.promised_delivery)).where(
            f.order_id == order_id, f.status != "cancelled"
        )
        found = self.conn.execute(query).scalar()
        if isinstance(found, str):
            return date.fromisoformat(found)
        return found if isinstance(found, date) else None

    def get(self, notification_id: str) -> dict[str, Any] | None:
        row = self.conn.execute(select(notifications).where(N.id == notification_id))
        found = row.mappings().first()
        return dict(found) if found else None

    def for_order(self, order_id: str) -> list[dict[str, Any]]:
        query = select(notifications).where(N.order_id == order_id).order_by(N.id)
        return [dict(r) for r in self.conn.execute(query).mappings()]

    def attempts_of(self, notification_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        found: dict[str, list[dict[str, Any]]] = {i: [] for i in notification_ids}
        if not notification_ids:
            return found
        query = (
            select(notification_attempts)
            .where(A.notification_id.in_(list(notification_ids)))
            .order_by(A.notification_id, A.number)
        )
        for row in self.conn.execute(query).mappings():
            found[row["notification_id"]].append(dict(row))
        return found

    def add(self, row: dict[str, Any]) -> None:
        self.conn.execute(insert(notifications).values(**row))

    # -- claims ------------------------------------------------------------------------
    def due_ids(self, now: datetime, limit: int, channel_ids: Sequence[str]) -> list[str]:
        """Notifications a worker may take now, skipping rows other workers are claiming."""
        query = (
            select(N.id)
            .where(N.status.in_(ACTIVE), N.next_attempt_at <= now)
            .order_by(N.next_attempt_at, N.id)
            .limit(limit)
        )
        if channel_ids:
            query = query.where(N.channel_id.in_(list(channel_ids)))
        if self._postgres:
            query = query.with_for_update(skip_locked=True)
        return [r[0] for r in self.conn.execute(query)]

    def take(
        self, notification_ids: Sequence[str], token: str, now: datetime, lease_until: datetime
    ) -> list[str]:
        """Claim these due notifications under one lease; the ids this claim got (another
        worker may have taken some since they were read)."""
        if not notification_ids:
            return []
        result = self.conn.execute(
            update(notifications)
            .where(
                N.id.in_(list(notification_ids)),
                N.status.in_(ACTIVE),
                N.next_attempt_at <= now,
            )
            .values(
                status=SENDING,
                claim_token=token,
                lease_expires_at=lease_until,
                next_attempt_at=lease_until,
                updated_at=now,
            )
            .returning(N.id)
        )
        return [r[0] for r in result]

    def claimed(self, notification_ids: Sequence[str]) -> list[dict[str, Any]]:
        query = select(notifications).where(N.id.in_(list(notification_ids))).order_by(N.id)
        return [dict(r) for r in self.conn.execute(query).mappings()]

    def close_abandoned_attempts(self, notification_ids: Sequence[str], now: datetime) -> None:
        """Claimable notifications with an unfinished attempt lost their worker: say so."""
        if notification_ids:
            self.conn.execute(
                update(notification_attempts)
                .where(A.notification_id.in_(list(notification_ids)), A.finished_at.is_(None))
                .values(finished_at=now, outcome=OUT_ABANDONED, error=ABANDONED)
            )

    def start_attempts(self, token: str, rows: Sequence[dict[str, Any]]) -> None:
        """Count an attempt on each notification, storing the content rendered for it on
        its first (``{"id", "attempt": {...}, "content": {...}}`` each; one statement for
        the batch), and log the attempts (with the transaction's other inserts)."""
        if not rows:
            return
        fresh = [r for r in rows if r["content"]]
        again = [r["id"] for r in rows if not r["content"]]
        if fresh:
            names = tuple(fresh[0]["content"])
            self.conn.execute(
                update(notifications)
                .where(N.id == bindparam("p_id"), N.claim_token == token)
                .values({**{n: bindparam(f"p_{n}") for n in names}, "attempts": N.attempts + 1}),
                [{"p_id": r["id"], **{f"p_{n}": r["content"][n] for n in names}} for r in fresh],
            )
        if again:
            self.conn.execute(
                update(notifications)
                .where(N.id.in_(again), N.claim_token == token)
                .values(attempts=N.attempts + 1)
            )
        attempts = [{**r["attempt"], "notification_id": r["id"]} for r in rows]
        pending_writes.insert(self.conn, notification_attempts, attempts)

    # -- results -----------------------------------------------------------------------
    def finish_attempts(self, rows: Sequence[dict[str, Any]]) -> None:
        """Close logged attempts: ``{"id", finished_at, outcome, smtp_code, reply, error}``
        each (one statement for the batch)."""
        if not rows:
            return
        names = ("finished_at", "outcome", "smtp_code", "reply", "error")
        self.conn.execute(
            update(notification_attempts)
            .where(A.id == bindparam("p_id"))
            .values({n: bindparam(f"p_{n}") for n in names}),
            [{f"p_{k}": v for k, v in row.items()} for row in rows],
        )

    def settle_sent(self, notification_ids: Sequence[str], token: str, now: datetime) -> set[str]:
        """Mark these sent, only where this claim still holds them; the ids marked."""
        if not notification_ids:
            return set()
        result = self.conn.execute(
            update(notifications)
            .where(N.id.in_(list(notification_ids)), N.claim_token == token, N.status == SENDING)
            .values(
                status=SENT,
                next_attempt_at=None,
                last_smtp_code=250,
                last_reply=None,
                last_error=None,
                completed_at=now,
                updated_at=now,
                claim_token=None,
                lease_expires_at=None,
            )
            .returning(N.id)
        )
        return {r[0] for r in result}

    def settle(self, notification_id: str, token: str, values: dict[str, Any]) -> bool:
        """Store an attempt's outcome, only if this claim still holds the notification."""
        result = self.conn.execute(
            update(notifications)
            .where(N.id == notification_id, N.claim_token == token, N.status == SENDING)
            .values(**values, claim_token=None, lease_expires_at=None)
        )
        return result.rowcount == 1
