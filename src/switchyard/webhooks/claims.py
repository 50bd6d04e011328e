"""Worker use cases: claim due deliveries under a lease, then record what an attempt did."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from switchyard.db.uow import UnitOfWork
from switchyard.kernel.clock import utcnow
from switchyard.kernel.events import DomainEvent
from switchyard.kernel.ids import new_id
from switchyard.webhooks.domain import RESOLVED
from switchyard.webhooks.message import render, signing_secrets
from switchyard.webhooks.queue_repository import QueueRepository
from switchyard.webhooks.repository import EndpointRepository
from switchyard.webhooks.retries import AttemptResult, Outcome, RetryPolicy, decide

TEXT_LIMIT = 500


@dataclass(frozen=True, slots=True)
class Claim:
    """One delivery a worker holds until ``lease_until``, ready to send."""

    delivery_id: str  # also the webhook-id header
    token: str
    attempt_id: str
    attempt: int
    endpoint_id: str
    url: str
    secrets: tuple[str, ...]
    body: str
    retry_from: datetime
    lease_until: datetime


def claim_due(uow: UnitOfWork, *, worker_id: str, limit: int, lease_seconds: float) -> list[Claim]:
    """Take up to ``limit`` due deliveries; no other worker can take them until the lease ends.

    PostgreSQL: the candidates are locked with FOR UPDATE SKIP LOCKED, so concurrent workers
    take disjoint sets. SQLite: write transactions are exclusive. Either way the conditional
    UPDATE in ``take`` only succeeds on a delivery that is still due.
    """
    now = utcnow()
    lease_until = now + timedelta(seconds=lease_seconds)
    queue = uow.repo(QueueRepository)
    held: dict[str, tuple[str, str, int]] = {}
    for delivery_id in queue.due_ids(now, limit):
        token = new_id("clm")
        number = queue.take(delivery_id, token, now, lease_until)
        if number is None:
            continue
        queue.close_abandoned_attempts(delivery_id, now)
        attempt_id = new_id("att")
        queue.add_attempt(
            {
                "id": attempt_id,
                "delivery_id": delivery_id,
                "number": number,
                "worker_id": worker_id,
                "started_at": now,
            }
        )
        held[delivery_id] = (token, attempt_id, number)
    if not held:
        return []
    claims = []
    for row in queue.claim_details(list(held)):
        token, attempt_id, number = held[row["id"]]
        claims.append(
            Claim(
                delivery_id=row["id"],
                token=token,
                attempt_id=attempt_id,
                attempt=number,
                endpoint_id=row["endpoint_id"],
                url=row["url"],
                secrets=signing_secrets(row, now),
                body=render(row),
                retry_from=row["retry_from"],
                lease_until=lease_until,
            )
        )
    return claims


def _cut(text: str | None) -> str | None:
    return None if text is None else text[:TEXT_LIMIT]


def record_attempt(
    uow: UnitOfWork, claim: Claim, result: AttemptResult, policy: RetryPolicy, rand: float
) -> Outcome | None:
    """Log the attempt and move the delivery on; None if the claim's lease was lost meanwhile."""
    now = utcnow()
    queue = uow.repo(QueueRepository)
    queue.finish_attempt(
        claim.attempt_id,
        {
            "finished_at": now,
            "status_code": result.status_code,
            "duration_ms": result.duration_ms,
            "error": _cut(result.error),
            "response_excerpt": _cut(result.response_excerpt),
        },
    )
    outcome = decide(
        result,
        attempts=claim.attempt,
        retry_from=claim.retry_from,
        now=now,
        policy=policy,
        rand=rand,
    )
    settled = queue.settle(
        claim.delivery_id,
        claim.token,
        {
            "status": outcome.status,
            "next_attempt_at": outcome.next_attempt_at,
            "last_status_code": result.status_code,
            "last_response_excerpt": _cut(result.response_excerpt),
            "last_error": _cut(outcome.error),
            "completed_at": now if outcome.status in RESOLVED else None,
            "updated_at": now,
        },
    )
    if not settled:
        return None
    if outcome.disable_endpoint and uow.repo(EndpointRepository).disable_gone(
        claim.endpoint_id, now
    ):
        uow.emit(
            DomainEvent(
                "webhook_endpoint.disabled",
                "webhook_endpoint",
                claim.endpoint_id,
                {"reason": "gone", "delivery_id": claim.delivery_id},
            )
        )
    return outcome
