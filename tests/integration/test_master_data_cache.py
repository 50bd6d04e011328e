"""The per-process master-data cache: hits skip the database, writes clear it at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from sqlalchemy import event, update

from switchyard.channels.service import create_channel
from switchyard.channels.tables import channels
from switchyard.db import cache_invalidation, ttl_cache
from switchyard.db.engine import make_engine
from switchyard.db.uow import Database, UnitOfWork
from switchyard.kernel.events import Actor
from switchyard.orders import master_data
from tests.helpers import ref

ACTOR = Actor.system("tests")


@pytest.fixture
def cached() -> Iterator[None]:
    ttl_cache.configure(60.0)
    yield
    ttl_cache.configure(None)


class ChannelReads:
    """Counts queries of the channels table."""

    def __init__(self, database: Database) -> None:
        self.count = 0
        self.engine = database.engine
        event.listen(self.engine, "before_cursor_execute", self.seen)

    def seen(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.count += "FROM channels" in statement

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self.seen)


def _channel(database: Database) -> dict[str, Any]:
    code = ref("CH")
    return database.run(
        ACTOR,
        lambda uow: create_channel(
            uow, {"code": code, "name": "Cache", "type": "web", "currency": "EUR"}
        ),
    )


def _read(database: Database, code: str) -> dict[str, Any] | None:
    return database.run(ACTOR, lambda uow: master_data.channel(uow, code), read_only=True)


def test_a_second_read_costs_no_query(database: Database, cached: None) -> None:
    code = _channel(database)["code"]
    assert _read(database, code)["name"] == "Cache"  # type: ignore[index]
    counter = ChannelReads(database)
    try:
        assert _read(database, code)["name"] == "Cache"  # type: ignore[index]
    finally:
        counter.close()
    assert counter.count == 0


def test_a_committed_write_is_seen_at_once(database: Database, cached: None) -> None:
    row = _channel(database)
    assert _read(database, row["code"])["name"] == "Cache"  # type: ignore[index]

    def rename(uow: UnitOfWork) -> dict[str, Any] | None:
        uow.conn.execute(update(channels).where(channels.c.id == row["id"]).values(name="New"))
        return master_data.channel(uow, row["code"])  # the writing transaction reads its own

    assert database.run(ACTOR, rename)["name"] == "New"  # type: ignore[index]
    assert _read(database, row["code"])["name"] == "New"  # type: ignore[index]


def test_unknown_rows_are_not_remembered(database: Database, cached: None) -> None:
    code = ref("CH")
    assert _read(database, code) is None
    database.run(
        ACTOR,
        lambda uow: create_channel(
            uow, {"code": code, "name": "Late", "type": "web", "currency": "EUR"}
        ),
    )
    assert _read(database, code)["name"] == "Late"  # type: ignore[index]


def test_callers_get_copies(database: Database, cached: None) -> None:
    code = _channel(database)["code"]
    _read(database, code)["name"] = "changed by a caller"  # type: ignore[index]
    assert _read(database, code)["name"] == "Cache"  # type: ignore[index]


def test_ttl_zero_reads_every_time(database: Database) -> None:
    ttl_cache.configure(0.0)
    try:
        code = _channel(database)["code"]
        _read(database, code)
        counter = ChannelReads(database)
        try:
            _read(database, code)
        finally:
            counter.close()
        assert counter.count == 1
    finally:
        ttl_cache.configure(None)


def test_another_process_write_is_announced_on_postgresql(
    database: Database, db_url: str, cached: None
) -> None:
    """Two engines stand for two server processes: a write committed through one clears
    the other's cache through LISTEN/NOTIFY, long before its TTL."""
    if database.dialect != "postgresql":
        pytest.skip("SQLite has no notifications: the TTL bounds staleness there")
    other = Database(make_engine(db_url, pool_size=2))
    listener = cache_invalidation.listen(other.engine)
    try:
        assert listener is not None and listener.connected.wait(10)
        row = _channel(database)
        assert _read(other, row["code"])["name"] == "Cache"  # type: ignore[index]
        database.run(
            ACTOR,
            lambda uow: uow.conn.execute(
                update(channels).where(channels.c.id == row["id"]).values(name="Renamed")
            ),
        )
        deadline = time.monotonic() + 10
        seen = _read(other, row["code"])
        while seen is not None and seen["name"] != "Renamed" and time.monotonic() < deadline:
            time.sleep(0.05)
            seen = _read(other, row["code"])
        assert seen is not None and seen["name"] == "Renamed"
    finally:
        cache_invalidation.unlisten(other.engine)
        other.engine.dispose()
    assert ttl_cache._lifetimes.get(other.engine) is None  # back to the plain TTL


def test_a_rolled_back_write_announces_nothing(database: Database, db_url: str) -> None:
    if database.dialect != "postgresql":
        pytest.skip("notifications are PostgreSQL's")
    seen: list[str] = []
    with psycopg.connect(db_url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f"LISTEN {cache_invalidation.CHANNEL}")
        row = _channel(database)  # committed: announced
        seen += [n.channel for n in conn.notifies(timeout=2, stop_after=1)]

        def rename_then_fail(uow: UnitOfWork) -> None:
            uow.conn.execute(update(channels).where(channels.c.id == row["id"]).values(name="X"))
            raise RuntimeError("changed my mind")

        with pytest.raises(RuntimeError):
            database.run(ACTOR, rename_then_fail)
        seen += [n.channel for n in conn.notifies(timeout=1, stop_after=1)]
    assert seen == [cache_invalidation.CHANNEL]


def test_a_process_ignores_its_own_notices(database: Database, db_url: str, cached: None) -> None:
    """Its own commits clear its cache at once; clearing again when their notice arrives
    would throw away what was read since (and race with it)."""
    if database.dialect != "postgresql":
        pytest.skip("notifications are PostgreSQL's")
    listener = cache_invalidation.listen(database.engine)
    try:
        assert listener is not None and listener.connected.wait(10)
        code = _channel(database)["code"]
        time.sleep(0.3)  # the creation's own notice has arrived
        assert _read(database, code) is not None
        with psycopg.connect(db_url.replace("+psycopg", ""), autocommit=True) as conn:
            own = cache_invalidation.sender(database.engine)
            conn.execute("SELECT pg_notify(%s, %s)", (cache_invalidation.CHANNEL, own))
            conn.execute("SELECT pg_notify(%s, %s)", (cache_invalidation.CHANNEL, "elsewhere"))
        counter = ChannelReads(database)
        try:
            time.sleep(0.5)
            _read(database, code)
        finally:
            counter.close()
        assert counter.count == 1  # cleared by the other process's notice only...
        counter = ChannelReads(database)
        try:
            conn_own = psycopg.connect(db_url.replace("+psycopg", ""), autocommit=True)
            conn_own.execute("SELECT pg_notify(%s, %s)", (cache_invalidation.CHANNEL, own))
            conn_own.close()
            time.sleep(0.5)
            _read(database, code)
        finally:
            counter.close()
        assert counter.count == 0  # ...and not by its own
    finally:
        cache_invalidation.unlisten(database.engine)


def test_a_read_racing_the_commit_is_not_kept(database: Database, cached: None) -> None:
    """Another thread may read the old row between the clear before the commit and the
    commit itself and cache it; the clear after the commit throws that away."""
    row = _channel(database)
    code = row["code"]
    other_thread_read: list[dict[str, Any] | None] = []
    writer = threading.get_ident()

    def racing_reader(conn: Any) -> None:  # runs after the cache's own commit hook
        if threading.get_ident() != writer or other_thread_read:
            return  # only the writer's commit, once (the reader commits too)
        reader = threading.Thread(target=lambda: other_thread_read.append(_read(database, code)))
        reader.start()
        reader.join()

    def rename(uow: UnitOfWork) -> None:
        uow.conn.execute(update(channels).where(channels.c.id == row["id"]).values(name="After"))

    event.listen(database.engine, "commit", racing_reader)
    try:
        database.run(ACTOR, rename)
    finally:
        event.remove(database.engine, "commit", racing_reader)
    assert other_thread_read and other_thread_read[0]["name"] == "Cache"  # type: ignore[index]
    assert _read(database, row["code"])["name"] == "After"  # type: ignore[index]
