"""The notification worker: claims due notifications, hands them to SMTP, records results.

``switchyard worker`` runs it on a thread beside the webhook worker; ``drain()`` does the
work due now and returns (tests, ``--once``); ``step()`` is one claim-send-record round.
"""

from __future__ import annotations

import logging
import os
import random
import threading
from dataclasses import dataclass, field, replace

from switchyard.config import Settings
from switchyard.db.uow import Database
from switchyard.kernel.events import Actor
from switchyard.notifications.claims import Claim, claim_due, record_attempts
from switchyard.notifications.domain import AttemptResult, Outcome, RetryPolicy
from switchyard.notifications.smtp import SmtpSender
from switchyard.webhooks.worker import default_worker_id

log = logging.getLogger(__name__)
ACTOR = Actor.system("notifications-worker")


@dataclass(frozen=True, slots=True)
class NotifierSettings:
    """``lease_seconds`` bounds a batch: the sender starts no message later than three SMTP
    timeouts before the lease ends, so a slow server never lets a second worker send the
    same one at once (keep it at least 4 x ``SWITCHYARD_SMTP_TIMEOUT``). ``channel_ids``
    (``SWITCHYARD_NOTIFY_CHANNELS``, comma-separated) limits a worker to some channels."""

    batch_size: int = 50
    poll_interval: float = 1.0
    lease_seconds: float = 120.0
    channel_ids: tuple[str, ...] = ()  # only these channels' notifications; () = all
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @classmethod
    def from_env(cls) -> NotifierSettings:
        """Defaults, overridden by ``SWITCHYARD_NOTIFY_*`` environment variables."""
        env = os.environ
        base = cls()

        def num(name: str, default: float) -> float:
            return float(env.get(f"SWITCHYARD_NOTIFY_{name}", default))

        return replace(
            base,
            batch_size=int(num("BATCH_SIZE", base.batch_size)),
            poll_interval=num("POLL_INTERVAL", base.poll_interval),
            lease_seconds=num("LEASE_SECONDS", base.lease_seconds),
            channel_ids=tuple(
                c.strip() for c in env.get("SWITCHYARD_NOTIFY_CHANNELS", "").split(",") if c.strip()
            ),
            retry=RetryPolicy(
                backoff_base=num("BACKOFF_BASE", base.retry.backoff_base),
                backoff_max=num("BACKOFF_MAX", base.retry.backoff_max),
                retry_for=num("RETRY_FOR", base.retry.retry_for),
            ),
        )


class NotificationWorker:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        notifier: NotifierSettings | None = None,
        *,
        sender: SmtpSender | None = None,
        worker_id: str | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.notifier = notifier or NotifierSettings()
        self.sender = sender or SmtpSender(settings)
        self.worker_id = worker_id or default_worker_id()
        self._stop = threading.Event()
        self._random = random.Random()
        self._thread: threading.Thread | None = None
        if self.notifier.lease_seconds < 4 * settings.smtp_timeout:
            log.warning(
                "notification lease %.0fs is under 4 x the SMTP timeout %.0fs: batches are cut"
                " short, and nothing is sent under 3 x",
                self.notifier.lease_seconds,
                settings.smtp_timeout,
            )

    def claim(self) -> list[Claim]:
        n = self.notifier
        return self.db.run(
            ACTOR,
            lambda uow: claim_due(
                uow,
                self.settings,
                worker_id=self.worker_id,
                limit=n.batch_size,
                lease_seconds=n.lease_seconds,
                channel_ids=n.channel_ids,
            ),
        )

    def record(self, claims: list[Claim], results: list[AttemptResult]) -> list[Outcome | None]:
        rands = [self._random.random() for _ in claims]
        pairs = list(zip(claims, results, strict=True))
        return self.db.run(
            ACTOR, lambda uow: record_attempts(uow, pairs, self.notifier.retry, rands)
        )

    def step(self) -> int:
        """Claim a batch, send it, record the results; how many were attempted."""
        claims = self.claim()
        if claims:
            self.record(claims, self.sender.send(claims))
        return len(claims)

    def drain(self, max_rounds: int = 1000) -> int:
        """Work until nothing is due now (or ``max_rounds`` batches); attempts made."""
        made = 0
        for _ in range(max_rounds):
            done = self.step()
            made += done
            if done == 0:
                break
        return made

    def run(self) -> None:
        """Work until ``stop()``; the batch in hand finishes first."""
        log.info("notification worker %s started", self.worker_id)
        while not self._stop.is_set():
            try:
                busy = self.step() >= self.notifier.batch_size
            except Exception:
                log.exception("notification worker step failed")
                busy = False
            if not busy:
                self._stop.wait(self.notifier.poll_interval)
        log.info("notification worker %s stopped", self.worker_id)

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name="notifications", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=60)
