"""Inserts sent together: a unit of work's new rows in one statement on PostgreSQL.

Placing an order inserts into a dozen tables (the order, its lines, reservations, the
fulfillment and its lines, the sourcing decision and promises, the outbox events) and reads
none of those rows back. Sent one by one that is a dozen round trips, each paying the
driver's and SQLAlchemy's per-statement cost; this module collects them per connection and
sends them as one statement when something else needs the database:

    WITH w0 AS (INSERT INTO orders (...) SELECT ... FROM json_populate_recordset(
                    NULL::orders, :r0) ON CONFLICT DO NOTHING RETURNING 1),
         w1 AS (INSERT INTO order_lines (...) SELECT ... FROM json_populate_recordset(
                    NULL::order_lines, :r1) WHERE EXISTS (SELECT 1 FROM w0)),
         ...
    SELECT (SELECT count(*) FROM w0)

Rules that keep this invisible to the code around it:

* Rows wait only inside a unit of work on PostgreSQL (``collect`` / ``discard``); anywhere
  else, and on SQLite (in process, no round trips), ``insert`` executes at once.
* Any other statement on the connection first sends what waits (an engine
  ``before_execute`` listener), so later reads and updates see the rows, in program order;
  the unit of work sends the rest before it commits (``flush``). Foreign keys hold: the
  statement's sub-inserts are checked together at its end. A statement built once may
  name the tables it touches (``touching``); it then sends first only the inserts into
  those. SQLAlchemy does not announce ``exec_driver_sql`` to the listener: code that
  reads or writes rows uses ``execute`` (a ``text()`` statement if need be).
* Savepoints: SAVEPOINT is a statement, so it sends what waited before it; code that
  catches errors from a savepoint's work calls ``flush`` at the end of the block, so an
  error from its rows is raised there; a rollback to the savepoint drops what waits.
* An insert may be *guarded* (``if_ignored``): ON CONFLICT DO NOTHING, and when it inserted
  nothing, none of the statement's other rows are written and ``if_ignored`` is called
  (it must raise, rolling the transaction back), e.g. an order whose channel and external
  id already exist. Guards are made in turn, each only if the one before it was, and the
  first refused one is called.
* Values go as JSON, so column types decide their conversion as on any insert; JSON
  columns keep their text, but a JSON column's ``None`` is SQL NULL (not JSON ``null``).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from sqlalchemy import ClauseElement, Connection, Engine, Table, event
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.util import find_tables

from switchyard.db.pending_sql import (
    Shape,
    batch_insert,
    encode,
    jsonable,
    scalar_defaults,
    single_insert,
)

E = TypeVar("E", bound=Executable)

_waiting: weakref.WeakKeyDictionary[Connection, _Batch] = weakref.WeakKeyDictionary()

# Execution option: the names of the tables a statement reads or changes. Inserts waiting
# for other tables stay waiting when it runs (one round trip fewer); see ``touching``.
TOUCHES = "pending_writes_touches"


@dataclass
class _Entry:
    """One sub-insert: its shape and its rows as pieces of a JSON array (an upsert's a row
    per key, the last one for a key winning, as if they had been sent one by one)."""

    shape: Shape
    rows: dict[Any, str] = field(default_factory=dict)
    if_ignored: Callable[[], None] | None = None


@dataclass
class _Batch:
    entries: dict[Shape, _Entry] = field(default_factory=dict)
    tables: dict[Table, Shape] = field(default_factory=dict)
    sending: bool = False

    def clear(self) -> None:
        self.entries, self.tables = {}, {}


def insert(
    conn: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    ignore_conflicts: bool = False,
    upsert_on: Sequence[str] = (),
    if_ignored: Callable[[], None] | None = None,
) -> None:
    """Insert ``rows`` (all with the keys of the first), now or with the connection's batch.

    ``ignore_conflicts``: ON CONFLICT DO NOTHING. ``upsert_on``: on a conflict over these
    columns, overwrite the row's other columns. ``if_ignored`` (one row, implies
    ``ignore_conflicts``): called when the row was not inserted; it must raise.
    """
    if not rows:
        return
    if if_ignored is not None and len(rows) != 1:
        raise ValueError("a guarded insert takes one row")
    batch = _waiting.get(conn)
    defaults = scalar_defaults(table, tuple(rows[0])) if batch is not None else {}
    shape = Shape(
        table,
        tuple(rows[0]) + tuple(defaults),
        ignore_conflicts or if_ignored is not None,
        tuple(upsert_on),
        if_ignored is not None,
    )
    if batch is None:
        result = conn.execute(single_insert(conn.dialect.name, shape), list(rows))
        if if_ignored is not None and result.rowcount == 0:
            if_ignored()
            raise AssertionError("if_ignored must raise")
        return
    # One sub-insert per table: rows of the same shape join it; another shape for a table
    # that has rows waiting (or a second guarded row) sends those first, since two parts
    # of one statement must not touch the same row.
    pending = batch.tables.get(table)
    if pending is not None and (pending != shape or shape.guarded):
        flush(conn)
        pending = None
    if pending is None:
        batch.tables[table] = shape
        batch.entries[shape] = _Entry(shape, if_ignored=if_ignored)
    entry = batch.entries[shape]
    # Encoded now: a caller changing a dict it passed must not change what is written.
    keys = shape.upsert_on
    if keys:  # a piece per key: a later row for a key replaces the earlier one
        for row in rows:
            entry.rows[tuple(row[k] for k in keys)] = encode(jsonable(table, row | defaults))
    else:  # the rows as one piece of the JSON array
        entry.rows[len(entry.rows)] = encode([jsonable(table, r | defaults) for r in rows])[1:-1]


def collect(conn: Connection) -> None:
    """From now on, hold ``conn``'s inserts until ``flush`` or another statement (PostgreSQL
    only; elsewhere inserts keep executing at once)."""
    if conn.dialect.name == "postgresql":
        _waiting[conn] = _Batch()


def flush(conn: Connection) -> None:
    """Send the inserts ``conn`` holds (if any), as one statement."""
    batch = _waiting.get(conn)
    if batch is None or not batch.entries or batch.sending:
        return
    entries = list(batch.entries.values())
    batch.clear()
    batch.sending = True
    try:
        params = {f"r{i}": "[" + ",".join(e.rows.values()) + "]" for i, e in enumerate(entries)}
        sql = batch_insert(tuple(e.shape for e in entries))
        counts = conn.exec_driver_sql(sql, params).one()
    finally:
        batch.sending = False
    guards = [e for e in entries if e.shape.guarded]
    for count, entry in zip(counts, guards, strict=False):
        if count == 0 and entry.if_ignored is not None:  # the first refused guard
            entry.if_ignored()
            raise AssertionError(f"if_ignored of {entry.shape.table.name} must raise")


def discard(conn: Connection) -> None:
    """Stop holding ``conn``'s inserts and drop any still waiting (the transaction ends)."""
    _waiting.pop(conn, None)


def listen(engine: Engine) -> None:
    """Make every statement on ``engine`` send the inserts its connection holds first, and
    a rollback to a savepoint drop them (a savepoint starts with a statement, so what
    waits then was inserted inside it)."""
    if engine.dialect.name == "postgresql":
        event.listen(engine, "before_execute", _before_execute)
        event.listen(engine, "rollback_savepoint", _drop)


def _drop(conn: Connection, *_: Any) -> None:
    batch = _waiting.get(conn)
    if batch is not None:
        batch.clear()


def _before_execute(
    conn: Connection, _clause: Any, _multi: Any, _params: Any, options: Any, *_: Any
) -> None:
    batch = _waiting.get(conn)
    if batch is None or not batch.entries or batch.sending:
        return
    touches = options.get(TOUCHES)
    if touches is None or any(table.name in touches for table in batch.tables):
        flush(conn)


def touching(stmt: E, tables: Iterable[str] | None = None) -> E:
    """``stmt`` marked with the tables it reads or changes: ``tables``, or for a query
    every table it names (subqueries and joins included). Inserts waiting for other tables
    then stay waiting when it runs. Only for statements that no other table's rows affect:
    a query, or an update of rows no waiting row refers to."""
    if tables is None:
        found = find_tables(cast(ClauseElement, stmt), include_joins=True)
        tables = (t.name for t in found if isinstance(t, Table))
    return stmt.execution_options(**{TOUCHES: frozenset(tables)})
