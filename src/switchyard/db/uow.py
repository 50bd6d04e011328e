"""Unit of work: one transaction per use case, rolled back unless committed.

Use cases receive a ``UnitOfWork``, read and write through repositories, record domain
events with ``emit`` and never commit. ``Database.run`` is the one place that commits: it
writes the recorded events into the outbox in the same transaction, sends the inserts held
back to go together (``pending_writes``), commits, then runs after-commit hooks.
Serialization failures and deadlocks are retried from the start.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from switchyard.db import pending_writes
from switchyard.events import catalogue
from switchyard.events.bus import dispatch
from switchyard.events.repository import EventRepository
from switchyard.kernel.errors import Unavailable
from switchyard.kernel.events import Actor, DomainEvent

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")

RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected


class RetryUseCase(Exception):
    """Roll back and run the use case again from the start: something it read changed
    before it could act on it (stock taken between sourcing and a reservation at commit).
    Raised only when another transaction committed that change, so a retry makes progress;
    after ``Database.max_attempts`` the client gets 503 ``contended``."""


class UnitOfWork:
    def __init__(self, conn: Connection, actor: Actor) -> None:
        self.conn = conn
        self.actor = actor
        self.events: list[DomainEvent] = []
        self.dispatched = 0  # events handlers have seen (events.bus.dispatch)
        self._repos: dict[type, Any] = {}
        self._states: dict[type, Any] = {}
        self._after_commit: list[Callable[[], None]] = []
        self._before_commit: list[Callable[[], None]] = []

    @property
    def dialect(self) -> str:
        return self.conn.dialect.name

    def repo(self, cls: type[R]) -> R:
        """The repository of class ``cls`` bound to this transaction (one per unit of work)."""
        found = self._repos.get(cls)
        if found is None:
            found = self._repos[cls] = cls(self.conn)  # type: ignore[call-arg]
        return found

    def state(self, cls: type[S]) -> S:
        """This transaction's instance of ``cls`` (made with ``cls()`` the first time it is
        asked for): what a use case's steps share while it runs, such as the decisions
        sourcing made for the order being placed. Gone with the unit of work, so a retry
        starts afresh."""
        found = self._states.get(cls)
        if found is None:
            found = self._states[cls] = cls()
        return found

    def emit(self, event: DomainEvent) -> None:
        """Record ``event`` with this transaction; it must be one the catalogue lists
        (``switchyard.events.catalogue``), with the data its type declares."""
        catalogue.check(event.type, event.data)
        self.events.append(event)

    def after_commit(self, hook: Callable[[], None]) -> None:
        self._after_commit.append(hook)

    def before_commit(self, step: Callable[[], None]) -> None:
        """Run ``step`` at the end of the use case, after event handlers, before the outbox
        write and the commit (its events are handled too). It may raise ``RetryUseCase``."""
        self._before_commit.append(step)

    def finish(self) -> None:
        """Handle every event, then run the before-commit steps (and handle theirs)."""
        dispatch(self)
        while self._before_commit:
            self._before_commit.pop(0)()
            dispatch(self)


def _is_retryable(exc: DBAPIError) -> bool:
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate in RETRYABLE_SQLSTATES:
        return True
    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)


def commit_outcome_unknown(exc: DBAPIError) -> Unavailable:
    """The error for a connection lost during COMMIT: the server may have committed or not,
    so the use case is never run again here (it could act twice); the client finds out."""
    log.error("connection lost while committing: outcome unknown (%s)", exc.orig)
    return Unavailable(
        "commit_outcome_unknown",
        "the database connection was lost while the change was being saved, so it may or "
        "may not have been saved: read the resource, or send the request again with the "
        "same Idempotency-Key",
    )


def contended(exc: RetryUseCase) -> Unavailable:
    """The error for a use case that found what it read changed at every attempt (only
    other commits change it, so this takes a burst of them: a sell-out being restocked and
    sold again as fast as it is placed). Nothing was saved; the client may send it again."""
    log.warning("gave up after every attempt found its reads changed: %s", exc)
    return Unavailable(
        "contended",
        f"{exc}, at every attempt: nothing was saved; send the request again",
        extra={"retry_after": 1},
    )


class Database:
    """The engine plus the commit-in-one-place rule."""

    def __init__(self, engine: Engine, *, max_attempts: int = 8) -> None:
        self.engine = engine
        self.max_attempts = max_attempts

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def run(
        self, actor: Actor, use_case: Callable[[UnitOfWork], T], *, read_only: bool = False
    ) -> T:
        for attempt in range(1, self.max_attempts + 1):
            committing = False
            try:
                with self._connect(read_only) as conn, conn.begin():
                    pending_writes.collect(conn)
                    try:
                        uow = UnitOfWork(conn, actor)
                        result = use_case(uow)
                        uow.finish()
                        if uow.events:
                            if read_only:
                                raise RuntimeError("a read-only unit of work emitted events")
                            uow.repo(EventRepository).append(uow.events, actor)
                        pending_writes.flush(conn)
                    finally:
                        pending_writes.discard(conn)
                    committing = True
                hooks = uow._after_commit
            except RetryUseCase as exc:
                if attempt == self.max_attempts:
                    raise contended(exc) from exc
                log.info("running again: %s (attempt %d)", exc, attempt)
                continue
            except DBAPIError as exc:
                # A connection found dead before the commit (the server restarted, or ended
                # an idle connection) took the transaction with it: run again on a new one.
                # Dead during the commit, the outcome is unknown: that error is the caller's.
                lost = exc.connection_invalidated and not committing
                if attempt < self.max_attempts and (lost or _is_retryable(exc)):
                    log.info("retrying after %s (attempt %d)", exc.orig, attempt)
                    time.sleep(0.002 * 2**attempt)
                    continue
                if exc.connection_invalidated and committing:
                    raise commit_outcome_unknown(exc) from exc
                raise
            for hook in hooks:
                try:
                    hook()
                except Exception:  # a hook must never undo a committed use case
                    log.exception("after-commit hook failed")
            return result
        raise AssertionError("unreachable")

    def _connect(self, read_only: bool) -> Connection:
        conn = self.engine.connect()
        if read_only and self.dialect == "sqlite":
            conn = conn.execution_options(sqlite_begin="DEFERRED")
        return conn
