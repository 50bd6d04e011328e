"""SQL for draft orders."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select

from switchyard.db.crud import update_versioned
from switchyard.orders.tables import draft_orders

D = draft_orders.c


class DraftRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, row: dict[str, Any]) -> None:
        self.conn.execute(insert(draft_orders).values(**row))

    def get(self, draft_id: str, *, lock: bool = False) -> dict[str, Any] | None:
        query = select(draft_orders).where(D.id == draft_id)
        if lock:
            query = query.with_for_update()
        row = self.conn.execute(query).mappings().first()
        return dict(row) if row else None

    def update(self, draft_id: str, version: int, values: dict[str, Any]) -> bool:
        return update_versioned(self.conn, draft_orders, draft_id, version, values)

    def page(
        self, *, status: str | None, channel_id: str | None, before_id: str | None, limit: int
    ) -> list[dict[str, Any]]:
        """Newest first."""
        query = select(draft_orders)
        if status is not None:
            query = query.where(D.status == status)
        if channel_id is not None:
            query = query.where(D.channel_id == channel_id)
        if before_id is not None:
            query = query.where(D.id < before_id)
        rows = self.conn.execute(query.order_by(D.id.desc()).limit(limit + 1)).mappings()
        return [dict(r) for r in rows]
