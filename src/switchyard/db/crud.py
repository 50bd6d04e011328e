"""Query helpers that every repository shares: keyset pages, lookups, versioned updates."""

from __future__ import annotations

from functools import cache
from typing import Any, cast

from sqlalchemy import ColumnElement, Connection, Insert, Table, or_, select, update
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
    return insert_for_dialect(conn.dialect.name)


def insert_for_dialect(dialect: str) -> Any:
    """``insert`` of the dialect named ``postgresql`` or ``sqlite``."""
    return pg_insert if dialect == "postgresql" else sqlite_insert


def insert_ignoring_duplicates(conn: Connection, table: Table) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING in the connection's dialect."""
    return cast(Insert, insert_for(conn)(table).on_conflict_do_nothing())


@cache
def upsert_statement(dialect: str, table: Table, keys: tuple[str, ...], columns: Any) -> Any:
    """INSERT of ``columns``, overwriting the row's other columns on a conflict over
    ``keys``, built once per dialect, table and column set."""
    stmt = insert_for_dialect(dialect)(table)
    changes = {c: stmt.excluded[c] for c in columns if c not in keys}
    return stmt.on_conflict_do_update(index_elements=list(keys), set_=changes)


def upsert(conn: Connection, table: Table, row: dict[str, Any], keys: list[str]) -> None:
    """INSERT ``row``, or on a conflict over ``keys`` overwrite the row's other columns.

    The statement is built once per dialect, table and column set and then executed with
    parameters, so a hot path pays for neither building it nor computing its cache key.
    """
    stmt = upsert_statement(conn.dialect.name, table, tuple(keys), tuple(row))
    conn.execute(stmt, row)
