"""Worker use cases: claim due notifications under a lease (rendering each the first
time), then record what its attempt did."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from switchyard.config import Settings
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.clock import utcnow
from switchyard.kernel.events import DomainEvent
from switchyard.kernel.ids import new_id
from switchyard.notifications import domain as d
from switchyard.notifications.content import READY, compose, preload
from switchyard.notifications.repository import NotificationRepository

log = logging.getLogger(__name__)
TEXT_LIMIT = 500


@dataclass(frozen=True, slots=True)
class Claim:
    """One notification a worker holds until ``lease_until``, ready to hand to SMTP."""

    notification_id: str
    token: str
    attempt_id: str
    attempt: int
    trigger: str
    order_id: str
    channel_id: str | None
    message_id: str
    recipient: str
    sender: str
    reply_to: str | None
    subject: str
    text: str
    html: str
    retry_from: datetime
    lease_until: datetime


def _cut(text: str | None) -> str | None:
    return None if text is None else text[:TEXT_LIMIT]


def event(row: dict[str, Any], type_: str, data: dict[str, Any]) -> DomainEvent:
    """An event of the notification, on its order's timeline."""
    return DomainEvent(
        type_,
        "notification",
        row["id"],
        {"trigger": row["trigger"], **data},
        order_id=row["order_id"],
        channel_id=row["channel_id"],
    )


def _resolve(
    uow: UnitOfWork, row: dict[str, Any], token: str, status: str, reason: str, now: datetime
) -> None:
    """Close a notification that will not be sent (no email, switched off, unrenderable)."""
    uow.repo(NotificationRepository).settle(
        row["id"],
        token,
        {
            "status": status,
            "next_attempt_at": None,
            "last_error": _cut(reason),
            "completed_at": now,
            "updated_at": now,
        },
    )
    if status == d.SKIPPED:
        uow.emit(event(row, "notification.skipped", {"reason": reason}))
    elif status == d.FAILED:
        uow.emit(
            event(
                row,
                "notification.failed",
                {"recipient": row["recipient"], "smtp_code": None, "error": _cut(reason) or ""},
            )
        )


def claim_due(
    uow: UnitOfWork,
    settings: Settings,
    *,
    worker_id: str,
    limit: int,
    lease_seconds: float,
    channel_ids: Sequence[str] = (),
) -> list[Claim]:
    """Take up to ``limit`` due notifications; no other worker can take them until the
    lease ends. PostgreSQL: candidates are locked FOR UPDATE SKIP LOCKED, so concurrent
    workers take disjoint sets; SQLite write transactions are exclusive. Either way the
    conditional UPDATE in ``take`` only succeeds on a notification still due.

    A notification is rendered on its first claim and its content kept, so every retry
    sends the same message; one that will not be sent is closed here (skipped with the
    reason on the order's timeline, or suppressed when its channel switched it off)."""
    now = utcnow()
    lease_until = now + timedelta(seconds=lease_seconds)
    repo = uow.repo(NotificationRepository)
    token = new_id("clm")
    taken = repo.take(repo.due_ids(now, limit, channel_ids), token, now, lease_until)
    rows = repo.claimed(taken)
    repo.close_abandoned_attempts([r["id"] for r in rows if r["attempts"]], now)
    preload(uow, [r["order_id"] for r in rows if r["subject"] is None])
    claims = []
    started: list[dict[str, Any]] = []
    for row in rows:
        content: dict[str, Any] = {}
        if row["subject"] is None:
            try:
                decision = compose(uow, row, settings)
            except Exception as exc:  # a template that fails must not block the queue
                log.exception("notification %s could not be rendered", row["id"])
                _resolve(uow, row, token, d.FAILED, f"could not render: {exc}", now)
                continue
            if decision.status != READY or decision.message is None:
                _resolve(uow, row, token, decision.status, decision.reason or "", now)
                continue
            m = decision.message
            content = {
                "recipient": m.recipient,
                "sender": m.sender,
                "reply_to": m.reply_to,
                "locale": m.locale,
                "subject": m.subject[:500],
                "text_body": m.text,
                "html_body": m.html,
            }
            row = {**row, **content}
        attempt_id = new_id("nat")
        number = row["attempts"] + 1  # the lease makes this worker the only one counting
        started.append(
            {
                "id": row["id"],
                "content": content,
                "attempt": {
                    "id": attempt_id,
                    "number": number,
                    "worker_id": worker_id,
                    "started_at": now,
                },
            }
        )
        claims.append(
            Claim(
                notification_id=row["id"],
                token=token,
                attempt_id=attempt_id,
                attempt=number,
                trigger=row["trigger"],
                order_id=row["order_id"],
                channel_id=row["channel_id"],
                message_id=row["message_id"],
                recipient=row["recipient"],
                sender=row["sender"],
                reply_to=row["reply_to"],
                subject=row["subject"],
                text=row["text_body"],
                html=row["html_body"],
                retry_from=row["retry_from"],
                lease_until=lease_until,
            )
        )
    repo.start_attempts(token, started)
    return claims


def record_attempts(
    uow: UnitOfWork,
    results: Sequence[tuple[Claim, d.AttemptResult]],
    policy: d.RetryPolicy,
    rands: Sequence[float],
) -> list[d.Outcome | None]:
    """Log each attempt and move its notification on; None where the lease was lost."""
    now = utcnow()
    repo = uow.repo(NotificationRepository)
    decided = [
        d.decide(
            result,
            attempts=claim.attempt,
            retry_from=claim.retry_from,
            now=now,
            policy=policy,
            rand=rand,
        )
        for (claim, result), rand in zip(results, rands, strict=True)
    ]
    repo.finish_attempts(
        [
            {
                "id": claim.attempt_id,
                "finished_at": now,
                "outcome": outcome.attempt_outcome,
                "smtp_code": result.smtp_code,
                "reply": _cut(result.reply),
                "error": _cut(result.error),
            }
            for (claim, result), outcome in zip(results, decided, strict=True)
        ]
    )
    sent = {
        c.notification_id for (c, _), o in zip(results, decided, strict=True) if o.status == d.SENT
    }
    by_token: dict[str, list[str]] = {}
    for claim, _ in results:
        if claim.notification_id in sent:
            by_token.setdefault(claim.token, []).append(claim.notification_id)
    settled_sent: set[str] = set()
    for token, ids in by_token.items():
        settled_sent |= repo.settle_sent(ids, token, now)
    outcomes: list[d.Outcome | None] = []
    for (claim, result), outcome in zip(results, decided, strict=True):
        if outcome.status == d.SENT:
            settled = claim.notification_id in settled_sent
        else:
            settled = repo.settle(
                claim.notification_id,
                claim.token,
                {
                    "status": outcome.status,
                    "next_attempt_at": outcome.next_attempt_at,
                    "last_smtp_code": result.smtp_code,
                    "last_reply": _cut(result.reply),
                    "last_error": _cut(outcome.error),
                    "completed_at": now if outcome.status in d.RESOLVED else None,
                    "updated_at": now,
                },
            )
        if not settled:
            outcomes.append(None)
            continue
        row = {
            "id": claim.notification_id,
            "trigger": claim.trigger,
            "order_id": claim.order_id,
            "channel_id": claim.channel_id,
        }
        data: dict[str, Any] = {"recipient": claim.recipient}
        if outcome.status == d.SENT:
            data |= {"message_id": claim.message_id, "attempts": claim.attempt}
            uow.emit(event(row, "notification.sent", data))
        elif outcome.status == d.FAILED:
            data |= {"smtp_code": result.smtp_code, "error": outcome.error or ""}
            uow.emit(event(row, "notification.failed", data))
        outcomes.append(outcome)
    return outcomes
