"""SQL for non-sellable stock: balances per status and their ledger."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from switchyard.inventory.tables import nonsellable_movements, nonsellable_stock

N = nonsellable_stock.c
M = nonsellable_movements.c
Key = tuple[str, str, str]  # sku id, location id, status


class NonsellableRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, key: Key, quantity: int, now: datetime) -> int:
        """Add ``quantity`` (signed) to the balance; the new balance."""
        sku_id, location_id, status = key
        values = {
            "sku_id": sku_id,
            "location_id": location_id,
            "status": status,
            "quantity": quantity,
            "updated_at": now,
        }
        make = pg_insert if self.conn.dialect.name == "postgresql" else sqlite_insert
        base = make(nonsellable_stock).values(**values)
        stmt = base.on_conflict_do_update(
            index_elements=["sku_id", "location_id", "status"],
            set_={"quantity": nonsellable_stock.c.quantity + quantity, "updated_at": now},
        ).returning(nonsellable_stock.c.quantity)
        return int(self.conn.execute(stmt).scalar_one())

    def add_movement(self, row: dict[str, Any]) -> None:
        self.conn.execute(insert(nonsellable_movements), [row])

    def levels(
        self, *, location_id: str | None = None, sku_id: str | None = None, limit: int = 500
    ) -> list[dict[str, Any]]:
        query = select(nonsellable_stock).where(N.quantity > 0)
        if location_id:
            query = query.where(N.location_id == location_id)
        if sku_id:
            query = query.where(N.sku_id == sku_id)
        query = query.order_by(N.location_id, N.sku_id, N.status).limit(limit)
        return [dict(r) for r in self.conn.execute(query).mappings()]

    def mismatches(self, sku_ids: Sequence[str] | None) -> list[tuple[Key, int, int]]:
        """(key, ledger sum, stored balance) where they differ."""
        moved_q = select(M.sku_id, M.location_id, M.status, func.sum(M.quantity)).group_by(
            M.sku_id, M.location_id, M.status
        )
        stored_q = select(N.sku_id, N.location_id, N.status, N.quantity)
        if sku_ids is not None:
            moved_q = moved_q.where(M.sku_id.in_(sku_ids))
            stored_q = stored_q.where(N.sku_id.in_(sku_ids))
        moved = {(r[0], r[1], r[2]): int(r[3]) for r in self.conn.execute(moved_q)}
        stored = {(r[0], r[1], r[2]): int(r[3]) for r in self.conn.execute(stored_q)}
        return [
            (k, moved.get(k, 0), stored.get(k, 0))
            for k in sorted(set(moved) | set(stored))
            if moved.get(k, 0) != stored.get(k, 0)
        ]
