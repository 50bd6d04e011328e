from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select

from switchyard.db.crud import get_by_id_or_code, keyset_page, update_versioned
from switchyard.kernel.errors import FieldError, ValidationFailed
from switchyard.locations.tables import locations


class LocationRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, row: dict[str, Any]) -> None:
        self.conn.execute(insert(locations).values(**row))

    def get(self, ref: str) -> dict[str, Any] | None:
        return get_by_id_or_code(self.conn, locations, ref)

    def code_taken(self, code: str) -> bool:
        query = select(locations.c.id).where(locations.c.code == code)
        return self.conn.execute(query).first() is not None

    def page(
        self, *, type_: str | None, active: bool | None, after_id: str | None, limit: int
    ) -> list[dict[str, Any]]:
        where = []
        if type_:
            where.append(locations.c.type == type_)
        if active is not None:
            where.append(locations.c.active == active)
        return keyset_page(self.conn, locations, where=where, after_id=after_id, limit=limit)

    def all_active(self) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            select(locations).where(locations.c.active.is_(True)).order_by(locations.c.id)
        ).mappings()
        return [dict(r) for r in rows]

    def update(self, location_id: str, version: int, values: dict[str, Any]) -> bool:
        return update_versioned(self.conn, locations, location_id, version, values)

    def require_ids(self, refs: list[str], field: str = "location_ids") -> list[str]:
        """Resolve ids or codes to ids; every unknown one is reported."""
        unique = list(dict.fromkeys(refs))
        rows = self.conn.execute(
            select(locations.c.id, locations.c.code).where(
                locations.c.id.in_(unique) | locations.c.code.in_(unique)
            )
        ).all()
        by_ref = {r.id: r.id for r in rows} | {r.code: r.id for r in rows}
        missing = [r for r in unique if r not in by_ref]
        if missing:
            raise ValidationFailed(
                "unknown_location",
                f"unknown location(s): {', '.join(missing)}",
                [FieldError(field, "unknown_location", m) for m in missing],
            )
        return sorted({by_ref[r] for r in unique})
