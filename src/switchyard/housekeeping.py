"""Periodic housekeeping jobs: releasing due fulfillments, orders at risk of missing
their promise (jeopardy), expired cart holds, pickups never collected.

``switchyard worker`` runs them on a background thread; ``switchyard housekeeping`` runs
each once. Every job is an ordinary use case in its own transaction, safe to run in
several workers at once (each claims rows with conditional updates).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from switchyard.db.uow import Database, UnitOfWork
from switchyard.fulfillment.pickup import expire_uncollected
from switchyard.fulfillment.release import release_due
from switchyard.inventory.service import expire_holds
from switchyard.jeopardy.service import check_due
from switchyard.kernel.events import Actor
from switchyard.placement.resourcing import resource_backorders

log = logging.getLogger(__name__)
ACTOR = Actor.system("housekeeping")


def _expire_holds(uow: UnitOfWork) -> Any:
    return expire_holds(uow)


def _resource_backorders(uow: UnitOfWork) -> Any:
    return resource_backorders(uow)


def _expire_pickups(uow: UnitOfWork) -> Any:
    return len(expire_uncollected(uow))


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    every_seconds: float
    run: Callable[[UnitOfWork], Any]


# Quick, time-bound jobs first: each run of the loop takes the due jobs in this order.
JOBS = [
    Job("expire cart holds", 30, _expire_holds),
    Job("release due fulfillments", 2, release_due),
    Job("source waiting backorders again", 300, _resource_backorders),
    Job("check orders at risk of missing their promise", 30, check_due),
    Job("return uncollected pickups to stock", 3600, _expire_pickups),
]


def run_once(db: Database, jobs: list[Job] = JOBS) -> dict[str, Any]:
    """Run every job now; returns what each reported (a count)."""
    return {job.name: db.run(ACTOR, job.run) for job in jobs}


class Housekeeper:
    """Runs each job every ``every_seconds`` until stopped; failures are logged and retried."""

    def __init__(self, db: Database, jobs: list[Job] = JOBS) -> None:
        self.db = db
        self.jobs = jobs
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="housekeeping", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _loop(self) -> None:
        due = dict.fromkeys((job.name for job in self.jobs), 0.0)
        while not self._stop.is_set():
            now = time.monotonic()
            for job in self.jobs:
                if now >= due[job.name]:
                    try:
                        self.db.run(ACTOR, job.run)
                    except Exception:
                        log.exception("housekeeping job %r failed", job.name)
                    due[job.name] = now + job.every_seconds
            self._stop.wait(min(job.every_seconds for job in self.jobs))
