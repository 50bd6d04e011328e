from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from switchyard.compliance.tables import compliance_state, denied_parties, embargoes
from switchyard.db.crud import insert_for, keyset_page, update_versioned

STATE_ID = "default"
INSERT_CHUNK = 5_000


class ComplianceRepository:
    """Compliance settings, the restricted-party list and the embargo list."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # settings and list metadata (one row)

    def state(self, *, lock: bool = False) -> dict[str, Any] | None:
        query = select(compliance_state).where(compliance_state.c.id == STATE_ID)
        if lock:
            query = query.with_for_update()
        row = self.conn.execute(query).mappings().first()
        return dict(row) if row else None

    def ensure_state(self, defaults: dict[str, Any]) -> None:
        dialect_insert = insert_for(self.conn)
        self.conn.execute(
            dialect_insert(compliance_state)
            .values(id=STATE_ID, **defaults)
            .on_conflict_do_nothing()
        )

    def set_state(self, values: dict[str, Any]) -> None:
        self.conn.execute(
            update(compliance_state).where(compliance_state.c.id == STATE_ID).values(**values)
        )

    def update_settings(self, version: int, values: dict[str, Any]) -> bool:
        return update_versioned(self.conn, compliance_state, STATE_ID, version, values)

    # the restricted-party list

    def replace_parties(self, rows: Sequence[dict[str, Any]]) -> None:
        """Delete the old list and bulk-insert the new one (in the caller's transaction)."""
        self.conn.execute(delete(denied_parties))
        for start in range(0, len(rows), INSERT_CHUNK):
            self.conn.execute(insert(denied_parties), list(rows[start : start + INSERT_CHUNK]))

    def parties_for_screening(self) -> list[dict[str, Any]]:
        columns = [
            denied_parties.c[name]
            for name in ("id", "name", "alt_names", "source", "programs", "countries")
        ] + [denied_parties.c.entity_type]
        return [dict(r) for r in self.conn.execute(select(*columns)).mappings()]

    def party_page(
        self, *, source: str | None, name: str | None, after_id: str | None, limit: int
    ) -> list[dict[str, Any]]:
        where = []
        if source:
            where.append(denied_parties.c.source == source)
        if name:
            where.append(func.lower(denied_parties.c.name).contains(name.lower(), autoescape=True))
        return keyset_page(self.conn, denied_parties, where=where, after_id=after_id, limit=limit)

    def source_counts(self) -> dict[str, int]:
        rows = self.conn.execute(
            select(denied_parties.c.source, func.count())
            .group_by(denied_parties.c.source)
            .order_by(denied_parties.c.source)
        )
        return {r[0]: int(r[1]) for r in rows}

    # the embargo list

    def add_embargo(self, row: dict[str, Any]) -> None:
        self.conn.execute(insert(embargoes).values(**row))

    def embargo(self, country_code: str) -> dict[str, Any] | None:
        query = select(embargoes).where(embargoes.c.country_code == country_code)
        row = self.conn.execute(query).mappings().first()
        return dict(row) if row else None

    def embargo_page(self, *, after_id: str | None, limit: int) -> list[dict[str, Any]]:
        return keyset_page(self.conn, embargoes, after_id=after_id, limit=limit)

    def all_embargoes(self) -> list[dict[str, Any]]:
        query = select(embargoes).order_by(embargoes.c.country_code)
        return [dict(r) for r in self.conn.execute(query).mappings()]

    def update_embargo(self, embargo_id: str, version: int, values: dict[str, Any]) -> bool:
        return update_versioned(self.conn, embargoes, embargo_id, version, values)

    def delete_embargo(self, embargo_id: str, version: int) -> bool:
        result = self.conn.execute(
            delete(embargoes).where(embargoes.c.id == embargo_id, embargoes.c.version == version)
        )
        return result.rowcount == 1
