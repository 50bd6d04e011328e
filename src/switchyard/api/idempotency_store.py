"""Storage for Idempotency-Key claims and the responses they replay."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Connection, Integer, String, Table, delete, select, update

from switchyard.db.crud import insert_for
from switchyard.db.metadata import metadata
from switchyard.db.types import UTCDateTime

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("principal_id", String(40), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("state", String(16), nullable=False),  # in_progress | completed
    Column("response_status", Integer, nullable=True),
    Column("response_body", JSON, nullable=True),
    Column("locked_until", UTCDateTime, nullable=False),
    # the claiming process ("host/pid/start"), so a claim whose process is gone is taken
    # over at once on the same host (api.claim_owner); null on claims made before
    Column("owner", String(200), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
)


class IdempotencyRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def claim(self, row: dict[str, Any]) -> bool:
        """Insert an in-progress claim; False when the key is already there."""
        dialect_insert = insert_for(self.conn)
        stmt = (
            dialect_insert(idempotency_keys)
            .values(**row)
            .on_conflict_do_nothing()
            .returning(idempotency_keys.c.key)
        )
        return self.conn.execute(stmt).first() is not None

    def get(self, principal_id: str, key: str) -> dict[str, Any] | None:
        row = (
            self.conn.execute(
                select(idempotency_keys).where(
                    idempotency_keys.c.principal_id == principal_id, idempotency_keys.c.key == key
                )
            )
            .mappings()
            .first()
        )
        return dict(row) if row else None

    def take_over(
        self,
        principal_id: str,
        key: str,
        *,
        now: datetime,
        until: datetime,
        owner: str,
        dead_owner: str | None = None,
    ) -> bool:
        """Reclaim an in-progress claim whose holder died before finishing: its lock ran out,
        or (``dead_owner``) it is still held by that owner, known to be gone. One
        conditional update: of two contenders, one wins."""
        c = idempotency_keys.c
        stale = c.locked_until < now
        if dead_owner is not None:
            stale = stale | (c.owner == dead_owner)
        result = self.conn.execute(
            update(idempotency_keys)
            .where(c.principal_id == principal_id, c.key == key, c.state == "in_progress", stale)
            .values(locked_until=until, owner=owner)
        )
        return result.rowcount == 1

    def complete(self, principal_id: str, key: str, status: int, body: Any) -> None:
        self.conn.execute(
            update(idempotency_keys)
            .where(idempotency_keys.c.principal_id == principal_id, idempotency_keys.c.key == key)
            .values(state="completed", response_status=status, response_body=body)
        )

    def release(self, principal_id: str, key: str) -> None:
        self.conn.execute(
            delete(idempotency_keys).where(
                idempotency_keys.c.principal_id == principal_id,
                idempotency_keys.c.key == key,
                idempotency_keys.c.state == "in_progress",
            )
        )
