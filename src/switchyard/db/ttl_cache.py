"""A per-process read-through cache for master data that order intake reads every time.

Channels, SKUs, prices, sourcing profiles, location settings, geo centroids, company
rules and compliance settings change rarely, yet placing an order read each of them. A
``TTLCache`` keeps what a loader returned for ``master_data_ttl`` seconds (Settings, env
``SWITCHYARD_MASTER_DATA_TTL``; 0 turns caching off), per database engine.

Staleness is bounded: a write to a master-data table committed through this process
clears the cache at once (and a transaction that wrote one reads around the cache until
it ends); a write by another process shows within the TTL, or at once on PostgreSQL,
where commits announce it to every server process (``db.cache_invalidation``). Never cache stock,
reservations, orders or idempotency records here. Cached values are shared: treat them
as read-only (copy before changing).
"""

from __future__ import annotations

import os
import re
import threading
import time
import weakref
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, Pool, event

from switchyard.config import Settings

T = TypeVar("T")

# Tables whose rows the caches hold (or derive from); a committed write to one clears them.
MASTER_TABLES = frozenset(
    {
        "channels",
        "channel_locations",
        "skus",
        "kit_components",
        "production_routes",
        "bom_lines",
        "prices",
        "locations",
        "sourcing_profiles",
        "sourcing_active_profiles",
        "sourcing_location_settings",
        "geo_centroids",
        "company_rules",
        "compliance_state",
        "embargoes",
        "denied_parties",
    }
)
MAX_ENTRIES = 50_000  # per engine; past it the store starts again empty
_DIRTY = "switchyard_master_data_written"
_CLEAR_AT_CHECKIN = "switchyard_master_data_committed"
_DML = re.compile(
    r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)', re.I
)

_lock = threading.Lock()
_stores: weakref.WeakKeyDictionary[Engine, dict[Hashable, tuple[float, Any]]] = (
    weakref.WeakKeyDictionary()
)
_generations: weakref.WeakKeyDictionary[Engine, int] = weakref.WeakKeyDictionary()
# Per engine: how long entries live while changes are announced (db.cache_invalidation).
_lifetimes: weakref.WeakKeyDictionary[Engine, float] = weakref.WeakKeyDictionary()
_ttl: float | None = None


# The PostgreSQL channel a committing writer of master data notifies (the listeners are
# in db.cache_invalidation), and who a notice comes from: this process and engine.
CHANNEL = "switchyard_master_data"


def sender(engine: Engine) -> str:
    """Who sends a notice: this process and engine (the payload of its notices)."""
    return f"{os.getpid()}:{id(engine)}"


def notify(dbapi_connection: object, engine: Engine) -> None:
    """Queue the change notice in the connection's open transaction (sent on commit)."""
    dbapi_connection.execute(  # type: ignore[attr-defined]
        "SELECT pg_notify(%s, %s)", (CHANNEL, sender(engine))
    )


def ttl() -> float:
    """Seconds an entry lives: ``configure``'s value, else Settings from the environment."""
    global _ttl
    if _ttl is None:
        _ttl = Settings.from_env().master_data_ttl
    return _ttl


def configure(seconds: float | None) -> None:
    """Set the TTL for this process (None: read Settings again); clears every cache."""
    global _ttl
    _ttl = seconds
    clear()


def set_lifetime(engine: Engine, seconds: float | None) -> None:
    """Entries of ``engine`` live ``seconds`` (None: back to ``ttl()``); set while another
    process's changes are announced to this one (``db.cache_invalidation``)."""
    with _lock:
        if seconds is None:
            _lifetimes.pop(engine, None)
        else:
            _lifetimes[engine] = seconds


def clear(engine: Engine | None = None) -> None:
    """Forget cached master data (of one engine, or of all)."""
    with _lock:
        for eng in [engine] if engine is not None else list(_stores):
            _stores.pop(eng, None)
            _generations[eng] = _generations.get(eng, 0) + 1


class TTLCache:
    """One kind of cached master data (``name`` keeps its keys apart from the others)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def get(self, conn: Connection, key: Hashable, load: Callable[[], T]) -> T:
        """The value for ``key``: cached if fresh, else ``load()`` (read in ``conn``'s
        transaction) and remembered. None (not found) is never remembered."""
        found = self.get_many(conn, [key], lambda keys: {key: load()})
        return found.get(key)  # type: ignore[return-value]

    def get_many(
        self,
        conn: Connection,
        keys: Iterable[Any],
        load: Callable[[list[Any]], Mapping[Any, T | None]],
    ) -> dict[Any, T]:
        """The values of those ``keys`` that exist: cached ones, plus one ``load(missing)``
        for the rest (a mapping that leaves out or maps to None what does not exist)."""
        wanted = list(dict.fromkeys(keys))
        seconds = ttl()
        if seconds <= 0 or conn.info.get(_DIRTY):
            return {k: v for k, v in load(wanted).items() if v is not None}
        engine = conn.engine
        now = time.monotonic()
        found: dict[Any, T] = {}
        with _lock:
            seconds = max(seconds, _lifetimes.get(engine, 0.0))
            store = _stores.get(engine, {})
            generation = _generations.get(engine, 0)
            for k in wanted:
                hit = store.get((self.name, k))
                if hit is not None and hit[0] > now:
                    found[k] = hit[1]
        missing = [k for k in wanted if k not in found]
        if not missing:
            return found
        loaded = {k: v for k, v in load(missing).items() if v is not None}
        found.update(loaded)
        with _lock:
            if _generations.get(engine, 0) == generation and not conn.info.get(_DIRTY):
                store = _stores.setdefault(engine, {})
                if len(store) + len(loaded) > MAX_ENTRIES:
                    store.clear()
                for k, v in loaded.items():
                    store[(self.name, k)] = (now + seconds, v)
        return found

    def clear(self) -> None:
        """Forget every cached value (of every kind: they are cheap to read again)."""
        clear()


@event.listens_for(Engine, "before_cursor_execute")
def _note_write(
    conn: Connection, cursor: Any, statement: str, params: Any, context: Any, many: bool
) -> None:
    match = _DML.match(statement, 0, 120) if statement[:1] != "S" else None
    if match and match.group(1).lower() in MASTER_TABLES:
        conn.info[_DIRTY] = True


@event.listens_for(Engine, "commit")
def _on_commit(conn: Connection) -> None:
    # Runs just before the DBAPI commit, so a notice queued here is part of the transaction.
    # A reader in another thread may load the old rows between this clear and the commit:
    # the cache is cleared once more when the connection goes back to the pool, after it.
    if conn.info.pop(_DIRTY, None):
        clear(conn.engine)
        conn.info[_CLEAR_AT_CHECKIN] = conn.engine
        if conn.dialect.name == "postgresql":
            notify(conn.connection.dbapi_connection, conn.engine)


@event.listens_for(Pool, "checkin")
def _after_commit(dbapi_connection: Any, record: Any) -> None:
    engine = record.info.pop(_CLEAR_AT_CHECKIN, None) if record is not None else None
    if engine is not None:
        clear(engine)


@event.listens_for(Engine, "rollback")
def _on_rollback(conn: Connection) -> None:
    if not conn.invalidated:  # a dead connection's info goes with it (and cannot be read)
        conn.info.pop(_DIRTY, None)
