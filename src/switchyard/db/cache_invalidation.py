"""Cross-process invalidation of the master-data cache on PostgreSQL (LISTEN/NOTIFY).

A transaction that writes a master-data table sends ``NOTIFY switchyard_master_data`` in
the same transaction, so the notice goes out when (and only if) it commits. Every server
process listens on a connection of its own and clears its cache (``db.ttl_cache``) when
told (a process ignores its own notices: its commits clear its cache themselves, before
and after the commit). While
that listener is connected, cached entries live ``LISTENED_TTL`` seconds
instead of ``master_data_ttl``: a change made by another process is seen within
milliseconds, and a catalog of thousands of SKUs stays cached between changes instead of
being read again every few seconds. When the connection drops, entries fall back to
``master_data_ttl`` and the cache is cleared once the listener is back (notices sent
meanwhile are lost). SQLite has no notifications: there the TTL alone bounds staleness.
"""

from __future__ import annotations

import logging
import threading

import psycopg
from sqlalchemy import Engine

from switchyard.db import ttl_cache
from switchyard.db.ttl_cache import CHANNEL, sender

LISTENED_TTL = 300.0
log = logging.getLogger(__name__)


class Listener:
    """A daemon thread that LISTENs for master-data changes for one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.connected = threading.Event()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cache-invalidation", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(5)

    def _run(self) -> None:
        url = self.engine.url.set(drivername="postgresql")
        conninfo = url.render_as_string(hide_password=False)
        while not self._stopped.is_set():
            try:
                with psycopg.connect(conninfo, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    ttl_cache.clear(self.engine)  # whatever changed while not listening
                    ttl_cache.set_lifetime(self.engine, LISTENED_TTL)
                    self.connected.set()
                    own = sender(self.engine)
                    while not self._stopped.is_set():
                        for notice in conn.notifies(timeout=1.0):
                            if notice.payload != own:  # its own commits cleared it already
                                ttl_cache.clear(self.engine)
            except psycopg.Error as exc:
                log.warning("master-data cache listener disconnected: %s", exc)
            finally:
                ttl_cache.set_lifetime(self.engine, None)
                self.connected.clear()
            self._stopped.wait(1.0)


_listeners: dict[Engine, tuple[Listener, int]] = {}
_lock = threading.Lock()


def listen(engine: Engine) -> Listener | None:
    """Start listening for ``engine`` (PostgreSQL only; shared by every caller until each
    has called ``unlisten``)."""
    if engine.dialect.name != "postgresql":
        return None
    with _lock:
        listener, users = _listeners.get(engine, (Listener(engine), 0))
        if users == 0:
            listener.start()
        _listeners[engine] = (listener, users + 1)
        return listener


def unlisten(engine: Engine) -> None:
    with _lock:
        listener, users = _listeners.get(engine, (None, 0))
        if listener is None:
            return
        if users <= 1:
            del _listeners[engine]
            listener.stop()
        else:
            _listeners[engine] = (listener, users - 1)
