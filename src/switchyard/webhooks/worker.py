"""The webhook worker: relays the outbox, claims due deliveries and sends them.

Run it as ``switchyard worker`` (one or more processes), or in-process with
``Worker(db, settings).run()`` in a thread and ``stop()``; ``drain()`` does all work that is
due now and returns, for tests and cron-style use.
"""

from __future__ import annotations

import logging
import os
import random
import secrets
import socket
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TypeVar

import httpx

from switchyard.db.uow import Database
from switchyard.kernel.events import Actor
from switchyard.webhooks.claims import Claim, claim_due, record_attempt
from switchyard.webhooks.delivery import make_client, send
from switchyard.webhooks.relay import DEFAULT_RELAY, relay_events
from switchyard.webhooks.retries import AttemptResult, Outcome, RetryPolicy

log = logging.getLogger(__name__)
T = TypeVar("T")
ACTOR = Actor.system("webhooks-worker")


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    """How a worker behaves. ``lease_seconds`` must exceed the longest attempt (4x timeout)."""

    concurrency: int = 4
    poll_interval: float = 1.0
    timeout: float = 15.0
    lease_seconds: float = 60.0
    batch_size: int = 500
    gap_timeout: float = 600.0
    relay_name: str = DEFAULT_RELAY
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    def __post_init__(self) -> None:
        # An attempt may take up to ~3 timeouts (connect, send, first byte) plus reading the
        # answer; a shorter lease could let a second worker start while the first still sends.
        if self.lease_seconds < 4 * self.timeout:
            raise ValueError("lease_seconds must be at least 4 times timeout")

    @classmethod
    def from_env(cls) -> WorkerSettings:
        """Defaults, overridden by ``SWITCHYARD_WEBHOOK_*`` environment variables."""
        env = os.environ
        base = cls()

        def num(name: str, default: float) -> float:
            return float(env.get(f"SWITCHYARD_WEBHOOK_{name}", default))

        retry = RetryPolicy(
            backoff_base=num("BACKOFF_BASE", base.retry.backoff_base),
            backoff_max=num("BACKOFF_MAX", base.retry.backoff_max),
            retry_for=num("RETRY_FOR", base.retry.retry_for),
        )
        timeout = num("TIMEOUT", base.timeout)
        return replace(
            base,
            concurrency=int(num("CONCURRENCY", base.concurrency)),
            poll_interval=num("POLL_INTERVAL", base.poll_interval),
            timeout=timeout,
            lease_seconds=num("LEASE_SECONDS", max(base.lease_seconds, 4 * timeout)),
            retry=retry,
        )


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class Worker:
    def __init__(
        self,
        db: Database,
        settings: WorkerSettings | None = None,
        *,
        client: httpx.Client | None = None,
        worker_id: str | None = None,
    ) -> None:
        self.db = db
        self.settings = settings or WorkerSettings()
        self.worker_id = worker_id or default_worker_id()
        self.client = client or make_client(self.settings.concurrency)
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._random = random.Random()

    # the three steps

    def relay_once(self) -> int:
        s = self.settings
        return self.db.run(
            ACTOR,
            lambda uow: relay_events(
                uow, name=s.relay_name, batch_size=s.batch_size, gap_timeout=s.gap_timeout
            ),
        )

    def claim(self, limit: int) -> list[Claim]:
        return self.db.run(
            ACTOR,
            lambda uow: claim_due(
                uow,
                worker_id=self.worker_id,
                limit=limit,
                lease_seconds=self.settings.lease_seconds,
            ),
        )

    def deliver(self, claim: Claim) -> Outcome | None:
        """Send one claimed delivery and record the result (None: the lease was lost)."""
        result: AttemptResult = send(self.client, claim, self.settings.timeout)
        rand = self._random.random()
        return self.db.run(
            ACTOR, lambda uow: record_attempt(uow, claim, result, self.settings.retry, rand)
        )

    # loops

    def drain(self) -> int:
        """Relay and deliver until nothing is due right now; returns attempts made."""
        made = 0
        with ThreadPoolExecutor(self.settings.concurrency) as pool:
            while True:
                while self.relay_once() >= self.settings.batch_size:
                    pass
                claims = self.claim(self.settings.concurrency)
                if not claims:
                    return made
                made += len(claims)
                list(pool.map(self.deliver, claims))

    def run(self) -> None:
        """Work until ``stop()``; in-flight attempts finish before it returns."""
        s = self.settings
        in_flight: set[Future[Outcome | None]] = set()
        log.info("webhook worker %s started", self.worker_id)
        with ThreadPoolExecutor(s.concurrency, thread_name_prefix="webhook") as pool:
            while not self._stop.is_set():
                self._wake.clear()
                relayed = self._guard(self.relay_once, 0)
                in_flight = {f for f in in_flight if not f.done()}
                free = s.concurrency - len(in_flight)
                claims = self._claim_guarded(free) if free > 0 else []
                for claim in claims:
                    future = pool.submit(self._deliver_logged, claim)
                    future.add_done_callback(lambda _: self._wake.set())
                    in_flight.add(future)
                busy = relayed >= s.batch_size or (free > 0 and len(claims) == free)
                if not busy:
                    self._wake.wait(s.poll_interval)
        log.info("webhook worker %s stopped", self.worker_id)

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def close(self) -> None:
        self.client.close()

    def _claim_guarded(self, limit: int) -> list[Claim]:
        none: list[Claim] = []
        return self._guard(lambda: self.claim(limit), none)

    def _deliver_logged(self, claim: Claim) -> Outcome | None:
        return self._guard(lambda: self.deliver(claim), None)

    def _guard(self, step: Callable[[], T], fallback: T) -> T:
        """Keep the loop alive through database hiccups; a lost result's lease just expires."""
        try:
            return step()
        except Exception:
            log.exception("webhook worker step failed")
            if not self._stop.is_set():
                self._stop.wait(self.settings.poll_interval)
            return fallback
