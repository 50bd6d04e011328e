"""Query helpers that every repository shares: keyset pages, lookups, versioned updates."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from switchyard.kernel.clock import utcnow


def keyset_page(
    conn: Connection,
    table: Table,
    *,
    where: list[ColumnElement[bool]] | None = None,
    after_id: str | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Up to ``limit + 1`` rows in id order after ``after_id`` (the extra row says 'more')."""
    query = select(table)
    for clause in where or []:
        query = query.where(clause)
    if after_id is not None:
        query = query.where(table.c.id > after_id)
    rows = conn.execute(query.order_by(table.c.id).limit(limit + 1)).mappings()
    return [dict(r) for r in rows]


def get_by_id_or_code(
    conn: Connection, table: Table, ref: str, code_column: str = "code"
) -> dict[str, Any] | None:
    """Resources are addressable by id or by their unique business code."""
    row = (
        conn.execute(select(table).where(or_(table.c.id == ref, table.c[code_column] == ref)))
        .mappings()
        .first()
    )
    return dict(row) if row else None


def update_versioned(
    conn: Connection, table: Table, row_id: str, version: int, values: dict[str, Any]
) -> bool:
    """Write ``values`` and bump the version only if nobody changed the row since ``version``."""
    result = conn.execute(
        update(table)
        .where(table.c.id == row_id, table.c.version == version)
        .values(**values, version=version + 1, updated_at=utcnow())
    )
    return result.rowcount == 1


def insert_for(conn: Connection) -> Any:
    """``insert`` of the connection's dialect, for ON CONFLICT clauses (the same API on both)."""
    return pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
