"""Inserts held back and sent together (``switchyard.db.pending_writes``), on both databases.

On PostgreSQL a unit of work's inserts wait and go as one statement; on SQLite they run at
once. Either way the use case must see what it wrote, in order, with the same values.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import (
    JSON,
    Column,
    Date,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    event,
    select,
)
from sqlalchemy.exc import IntegrityError

from switchyard.db import pending_writes
from switchyard.db.types import Amount, UTCDateTime
from switchyard.db.uow import Database, UnitOfWork
from switchyard.kernel.errors import Conflict
from switchyard.kernel.events import Actor
from tests.helpers import ref

ACTOR = Actor.system("tests")
meta = MetaData()
parents = Table(
    "test_pending_parents",
    meta,
    Column("id", String, primary_key=True),
    Column("code", String, nullable=False, unique=True),
    Column("amount", Amount),
    Column("at", UTCDateTime),
    Column("day", Date),
    Column("doc", JSON),
    Column("kind", String, nullable=False, default="plain"),
)
children = Table(
    "test_pending_children",
    meta,
    Column("id", String, primary_key=True),
    Column("parent_id", String, ForeignKey("test_pending_parents.id"), nullable=False),
    Column("qty", Integer, nullable=False),
)


@pytest.fixture(scope="module")
def db(database: Database) -> Database:
    meta.create_all(database.engine)
    return database


def _parent(code: str, **values: object) -> dict[str, object]:
    return {"id": ref("par"), "code": code, "amount": None, "at": None, "day": None} | values


def _get(db: Database, table: Table, row_id: str) -> dict[str, object] | None:
    def read(uow: UnitOfWork) -> dict[str, object] | None:
        found = uow.conn.execute(select(table).where(table.c.id == row_id)).mappings().first()
        return dict(found) if found else None

    return db.run(ACTOR, read, read_only=True)


@contextlib.contextmanager
def _statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_values_arrive_as_an_insert_of_each_would_write_them(db: Database) -> None:
    at = datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=UTC)
    row = _parent(
        ref("p"),
        amount=Decimal("12.3456"),
        at=at,
        day=date(2026, 2, 28),
        doc={"zeta": 1, "alpha": [1.5, "x", None], "ünï": "cödé"},
    )
    db.run(ACTOR, lambda uow: pending_writes.insert(uow.conn, parents, [row]))
    stored = _get(db, parents, str(row["id"]))
    assert stored is not None
    assert stored["amount"] == Decimal("12.3456")
    assert stored["at"] == at
    assert stored["day"] == date(2026, 2, 28)
    assert stored["doc"] == {"zeta": 1, "alpha": [1.5, "x", None], "ünï": "cödé"}
    assert list(stored["doc"]) == ["zeta", "alpha", "ünï"]  # JSON keeps its text
    assert stored["kind"] == "plain"  # the column's default, as SQLAlchemy's insert fills in


def test_a_unit_of_works_inserts_go_as_one_statement_on_postgresql(db: Database) -> None:
    parent = _parent(ref("p"))

    def write(uow: UnitOfWork) -> None:
        pending_writes.insert(uow.conn, parents, [parent])
        for i in range(3):  # rows of one shape join one sub-insert
            row = {"id": ref("ch"), "parent_id": parent["id"], "qty": i}
            pending_writes.insert(uow.conn, children, [row])

    with _statements(db) as seen:
        db.run(ACTOR, write)
    inserts = [s for s in seen if "INSERT" in s]
    if db.dialect == "postgresql":
        assert len(inserts) == 1
        assert inserts[0].startswith("WITH ")
    else:
        assert len(inserts) == 4
    with db.engine.connect() as conn:
        query = select(children.c.qty).where(children.c.parent_id == parent["id"])
        assert sorted(conn.execute(query).scalars()) == [0, 1, 2]


def test_a_statement_after_waiting_inserts_sees_them(db: Database) -> None:
    parent = _parent(ref("p"), amount=Decimal("2"))

    def write_then_read(uow: UnitOfWork) -> list[object]:
        pending_writes.insert(uow.conn, parents, [parent])
        pending_writes.insert(
            uow.conn, children, [{"id": ref("ch"), "parent_id": parent["id"], "qty": 5}]
        )
        total = select(parents.c.amount).where(parents.c.id == parent["id"])
        qty = select(children.c.qty).where(children.c.parent_id == parent["id"])
        return [uow.conn.execute(total).scalar(), uow.conn.execute(qty).scalar()]

    assert db.run(ACTOR, write_then_read) == [Decimal("2"), 5]


def test_a_guarded_insert_that_finds_its_row_taken_writes_nothing_and_raises(db: Database) -> None:
    code = ref("taken")
    db.run(ACTOR, lambda uow: pending_writes.insert(uow.conn, parents, [_parent(code)]))
    again = _parent(code)
    child = {"id": ref("ch"), "parent_id": again["id"], "qty": 1}
    other = _parent(ref("other"))
    called: list[str] = []

    def refuse() -> None:
        # What it reads is consistent: the earlier row, not the refused one.
        found = db_conn[0].execute(select(parents.c.id).where(parents.c.code == code)).scalar()
        called.append(str(found))
        raise Conflict("parent_exists", f"{code} exists")

    db_conn: list[object] = []

    def write(uow: UnitOfWork) -> None:
        db_conn.append(uow.conn)
        pending_writes.insert(uow.conn, parents, [other])
        pending_writes.insert(uow.conn, parents, [again], if_ignored=refuse)
        pending_writes.insert(uow.conn, children, [child])

    with pytest.raises(Conflict):
        db.run(ACTOR, write)
    assert len(called) == 1 and called[0] != again["id"]
    for table, row in ((parents, other), (parents, again), (children, child)):
        assert _get(db, table, str(row["id"])) is None


def test_rows_of_a_rolled_back_savepoint_are_not_written(db: Database) -> None:
    kept, dropped, bad = _parent(ref("kept")), _parent(ref("dropped")), _parent(ref("bad"))
    orphan = {"id": ref("ch"), "parent_id": "par_missing", "qty": 1}

    def write(uow: UnitOfWork) -> None:
        pending_writes.insert(uow.conn, parents, [kept])
        with contextlib.suppress(Conflict), uow.conn.begin_nested():
            pending_writes.insert(uow.conn, parents, [dropped])
            raise Conflict("changed_mind", "roll back to the savepoint")
        with contextlib.suppress(IntegrityError), uow.conn.begin_nested():
            pending_writes.insert(uow.conn, parents, [bad])
            pending_writes.insert(uow.conn, children, [orphan])
            pending_writes.flush(uow.conn)  # the savepoint's rows fail inside it

    db.run(ACTOR, write)
    assert _get(db, parents, str(kept["id"])) is not None
    assert _get(db, parents, str(dropped["id"])) is None
    assert _get(db, parents, str(bad["id"])) is None


def test_upserts_of_one_key_end_as_the_last_one_as_if_sent_in_turn(db: Database) -> None:
    row = _parent(ref("up"), amount=Decimal("1"))

    def write(uow: UnitOfWork) -> None:
        pending_writes.insert(uow.conn, parents, [row])  # then another shape: sent first
        for amount in ("2", "3"):
            changed = row | {"amount": Decimal(amount)}
            pending_writes.insert(uow.conn, parents, [changed], upsert_on=["id"])

    db.run(ACTOR, write)
    stored = _get(db, parents, str(row["id"]))
    assert stored is not None and stored["amount"] == Decimal("3")


def test_changing_a_row_after_handing_it_over_does_not_change_what_is_written(
    db: Database,
) -> None:
    row = _parent(ref("mut"), doc={"state": "as handed over"})

    def write(uow: UnitOfWork) -> None:
        pending_writes.insert(uow.conn, parents, [row])
        row["doc"]["state"] = "changed later"
        row["code"] = "changed"

    db.run(ACTOR, write)
    stored = _get(db, parents, str(row["id"]))
    assert stored is not None
    assert stored["doc"] == {"state": "as handed over"} and stored["code"] != "changed"


def test_guards_go_in_turn_and_the_first_refused_one_is_called(db: Database) -> None:
    taken = _parent(ref("first"))
    db.run(ACTOR, lambda uow: pending_writes.insert(uow.conn, parents, [taken]))
    again = _parent(str(taken["code"]))
    # A second guarded row refers to the first: made only if the first was.
    child = {"id": ref("ch"), "parent_id": again["id"], "qty": 1}
    called: list[str] = []

    def refused(which: str) -> None:
        called.append(which)
        raise Conflict("refused", which)

    def write(uow: UnitOfWork) -> None:
        pending_writes.insert(uow.conn, parents, [again], if_ignored=lambda: refused("parent"))
        pending_writes.insert(uow.conn, children, [child], if_ignored=lambda: refused("child"))

    with pytest.raises(Conflict):
        db.run(ACTOR, write)
    assert called == ["parent"]  # not a foreign-key error from the child
    assert _get(db, children, str(child["id"])) is None


def test_a_statement_naming_its_tables_sends_only_the_inserts_into_those_first(
    db: Database,
) -> None:
    parent = _parent(ref("touch"))
    of_children = pending_writes.touching(select(children.c.id).where(children.c.qty < 0))
    of_parents = pending_writes.touching(select(parents.c.id).where(parents.c.id == parent["id"]))
    assert of_parents.get_execution_options()[pending_writes.TOUCHES] == {parents.name}

    def write_then_read(uow: UnitOfWork) -> list[object]:
        pending_writes.insert(uow.conn, parents, [parent])
        uow.conn.execute(of_children).all()  # the parent row may go on waiting
        return [uow.conn.execute(of_parents).scalar()]  # this one needs it first

    with _statements(db) as seen:
        assert db.run(ACTOR, write_then_read) == [parent["id"]]
    kinds = ["INSERT" if "INSERT" in s else "SELECT" for s in seen if not s.startswith("BEGIN")]
    if db.dialect == "postgresql":
        assert kinds == ["SELECT", "INSERT", "SELECT"]
    else:
        assert kinds == ["INSERT", "SELECT", "SELECT"]
