"""Group commit: many small use cases share one transaction, each isolated by a savepoint.

Under a burst of similar writes (orders in a flash sale) the cost of a transaction is
dominated by its commit and, for a hot row, by the time the row stays locked until commit.
A ``GroupCommitter`` takes the use cases that request threads submitted while its
previous batch ran (up to ``max_batch``; optionally waiting ``max_wait`` for more), runs
them one after another in one transaction with a SAVEPOINT around each, and commits once:

* a use case that raises a domain error is rolled back to its savepoint and gets its
  error; the others are unaffected;
* a use case that hits a database error (deadlock, lock or unique-key race) is rolled back
  to its savepoint and re-run alone through ``Database.run`` after the batch;
* if the batch itself cannot commit, every use case is re-run alone, since their outcomes
  depended on the failed transaction's state; but if the connection was lost during the
  COMMIT, the batch may have committed: every use case gets 503
  ``commit_outcome_unknown`` and none runs again (it could act twice).

So every use case still commits or fails atomically and exactly once, as with
``Database.run``; only the transaction boundary between them is shared.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError

from switchyard.db.uow import Database, UnitOfWork, commit_outcome_unknown
from switchyard.kernel.events import Actor

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(eq=False)
class _Item:
    actor: Actor
    use_case: Callable[[UnitOfWork], Any]
    done: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    error: BaseException | None = None
    hooks: list[Callable[[], None]] = field(default_factory=list)


class _CommitLost(Exception):
    """The batch's connection was lost during COMMIT."""

    def __init__(self, error: DBAPIError) -> None:
        super().__init__(str(error))
        self.error = error


class GroupCommitter:
    def __init__(
        self, db: Database, *, max_batch: int = 64, max_wait: float = 0.0, threads: int = 1
    ) -> None:
        self.db = db
        self.max_batch = max_batch
        self.max_wait = max_wait
        self._queue: queue.Queue[_Item | None] = queue.Queue()
        self._threads = [
            threading.Thread(target=self._loop, name=f"group-commit-{i}", daemon=True)
            for i in range(threads)
        ]
        for thread in self._threads:
            thread.start()
        self.batches = 0
        self.items = 0

    def run(self, actor: Actor, use_case: Callable[[UnitOfWork], T]) -> T:
        """Run ``use_case`` in the next batch; blocks until it committed or failed."""
        item = _Item(actor, use_case)
        self._queue.put(item)
        item.done.wait()
        if item.error is not None:
            raise item.error
        return item.result

    def close(self) -> None:
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join(timeout=10)

    def _loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            deadline = time.monotonic() + self.max_wait
            while len(batch) < self.max_batch:
                try:
                    wait = deadline - time.monotonic()
                    nxt = self._queue.get(timeout=wait) if wait > 0 else self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    self._queue.put(None)
                    break
                batch.append(nxt)
            try:
                self._execute(batch)
            except BaseException as exc:  # never leave a caller waiting
                log.exception("group commit failed")
                for item in batch:
                    if not item.done.is_set():
                        item.error = exc
                        item.done.set()

    def _execute(self, batch: list[_Item]) -> None:
        self.batches += 1
        self.items += len(batch)
        alone: list[_Item] = []
        if len(batch) == 1:
            alone = batch
        else:
            try:
                self._run_together(batch, alone)
            except _CommitLost as lost:  # committed or not: no use case may run again
                for item in batch:
                    item.error = commit_outcome_unknown(lost.error)
                    item.done.set()
                return
            except DBAPIError as exc:
                log.info(
                    "batch of %d did not commit (%s): running each alone", len(batch), exc.orig
                )
                alone = batch
                for item in batch:
                    item.error, item.result, item.hooks = None, None, []
        for item in batch:
            if item in alone:
                continue
            self._finish(item)
        for item in alone:
            try:
                item.result = self.db.run(item.actor, item.use_case)
            except BaseException as exc:
                item.error = exc
            item.done.set()

    def _run_together(self, batch: list[_Item], alone: list[_Item]) -> None:
        from switchyard.events.repository import EventRepository

        committing = False
        try:
            with self.db.engine.connect() as conn, conn.begin():
                for item in batch:
                    uow = UnitOfWork(conn, item.actor)
                    try:
                        with conn.begin_nested():
                            item.result = item.use_case(uow)
                            uow.finish()
                            if uow.events:
                                uow.repo(EventRepository).append(uow.events, item.actor)
                        item.hooks = uow._after_commit
                    except DBAPIError:
                        alone.append(item)
                    except Exception as exc:
                        item.error = exc
                committing = True
        except DBAPIError as exc:
            if committing and exc.connection_invalidated:
                raise _CommitLost(exc) from exc
            raise

    @staticmethod
    def _finish(item: _Item) -> None:
        if item.error is None:
            for hook in item.hooks:
                try:
                    hook()
                except Exception:
                    log.exception("after-commit hook failed")
        item.done.set()
