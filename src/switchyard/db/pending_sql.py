"""How the inserts ``pending_writes`` holds become SQL: one statement per shape of rows,
the rows as JSON in the shape of each table's columns.

A shape is a table, its columns, and what a conflict does. ``batch_insert`` turns the
shapes waiting into one PostgreSQL statement whose sub-inserts read their rows from a
JSON parameter each (``json_populate_recordset``, so every column's own type converts
its value, as on any insert); ``single_insert`` is the same insert as SQLAlchemy builds it,
for one shape sent at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.types import TypeDecorator

from switchyard.db.crud import insert_for_dialect, upsert_statement


@dataclass(frozen=True)
class Shape:
    """What one sub-insert of the statement looks like (the statement is cached by these)."""

    table: Table
    columns: tuple[str, ...]
    ignore_conflicts: bool
    upsert_on: tuple[str, ...]
    guarded: bool


@cache
def single_insert(dialect: str, shape: Shape) -> Any:
    """The shape's INSERT as SQLAlchemy builds it (rows as parameters), built once."""
    if shape.upsert_on:
        return upsert_statement(dialect, shape.table, shape.upsert_on, shape.columns)
    stmt = insert_for_dialect(dialect)(shape.table)
    if shape.ignore_conflicts:
        return stmt.on_conflict_do_nothing()
    return stmt


@cache
def batch_insert(shapes: tuple[Shape, ...]) -> str:
    """PostgreSQL: every shape's INSERT in one WITH statement, shape ``i`` reading its rows
    from the JSON parameter ``r{i}``; it answers how many rows each guarded shape made."""
    guards = [f"w{i}" for i, s in enumerate(shapes) if s.guarded]
    only_if = " AND ".join(f"EXISTS (SELECT 1 FROM {g})" for g in guards)
    parts = []
    # Guards first (a WITH item may refer only to the items before it), each made only if
    # the one before it was (so a later guard's row never refers to a refused one).
    order = sorted(range(len(shapes)), key=lambda i: not shapes[i].guarded)
    for at, i in enumerate(order):
        shape = shapes[i]
        name = _quote(shape.table.name)
        cols = ", ".join(_quote(c) for c in shape.columns)
        sql = (
            f"w{i} AS (INSERT INTO {name} ({cols}) SELECT {cols} "
            f"FROM json_populate_recordset(NULL::{name}, %(r{i})s::json)"
        )
        if not shape.guarded and only_if:
            sql += f" WHERE {only_if}"
        elif shape.guarded and at > 0:
            sql += f" WHERE EXISTS (SELECT 1 FROM w{order[at - 1]})"
        if shape.upsert_on:
            keys = ", ".join(_quote(c) for c in shape.upsert_on)
            sets = ", ".join(
                f"{_quote(c)} = EXCLUDED.{_quote(c)}"
                for c in shape.columns
                if c not in shape.upsert_on
            )
            sql += f" ON CONFLICT ({keys}) DO UPDATE SET {sets}"
        elif shape.ignore_conflicts:
            sql += " ON CONFLICT DO NOTHING"
        if shape.guarded:
            sql += " RETURNING 1"
        parts.append(sql + ")")
    counts = ", ".join(f"(SELECT count(*) FROM {g})" for g in guards) or "1"
    return "WITH " + ",\n".join(parts) + f"\nSELECT {counts}"


@cache
def scalar_defaults(table: Table, given: tuple[str, ...]) -> dict[str, Any]:
    """Python-side scalar defaults of the columns a row leaves out (SQLAlchemy's insert
    would fill them in; server defaults apply on their own)."""
    found = {}
    for column in table.columns:
        default = column.default
        if column.name in given or default is None:
            continue
        if not getattr(default, "is_scalar", False):
            raise ValueError(f"{table.name}.{column.name}: give a value (its default is code)")
        found[column.name] = default.arg  # type: ignore[attr-defined]
    return found


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def jsonable(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """``row`` (a copy the caller owns) with each column's own conversion applied (amounts
    to integers, times to UTC); JSON encoding does the rest (``_json_default``)."""
    for name, convert in _converters(table):
        if name in row:
            row[name] = convert(row[name])
    return row


@cache
def _converters(table: Table) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
    from sqlalchemy.dialects import postgresql

    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    found = []
    for column in table.columns:
        kind = column.type
        if isinstance(kind, TypeDecorator):
            found.append((column.name, _bind(kind, dialect)))
    return tuple(found)


def _bind(kind: TypeDecorator[Any], dialect: Any) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        value = kind.process_bind_param(value, dialect)
        return value.isoformat() if isinstance(value, datetime) else value

    return convert


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot send {type(value).__name__} as a column value")


encode = json.JSONEncoder(default=_json_default, separators=(",", ":")).encode
