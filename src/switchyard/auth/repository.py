from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select, update

from switchyard.auth.tables import api_keys
from switchyard.kernel.clock import utcnow


class ApiKeyRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, row: dict[str, Any]) -> None:
        self.conn.execute(insert(api_keys).values(**row))

    def by_hash(self, key_hash: str) -> dict[str, Any] | None:
        row = (
            self.conn.execute(select(api_keys).where(api_keys.c.key_hash == key_hash))
            .mappings()
            .first()
        )
        return dict(row) if row else None

    def get(self, key_id: str) -> dict[str, Any] | None:
        row = self.conn.execute(select(api_keys).where(api_keys.c.id == key_id)).mappings().first()
        return dict(row) if row else None

    def list(self) -> list[dict[str, Any]]:
        rows = self.conn.execute(select(api_keys).order_by(api_keys.c.id)).mappings()
        return [dict(r) for r in rows]

    def revoke(self, key_id: str) -> bool:
        result = self.conn.execute(
            update(api_keys)
            .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        return result.rowcount == 1
