"""A secret a settings page shows once (a new API key, a webhook endpoint's signing
secret), kept between the POST that made it and the page its 303 leads to.

The POST's use case stores the secret in the same transaction that made it, under a
random id that only the redirect's URL carries (the table keeps its SHA-256), bound to
the signed-in session and to what it is (``kind``). The page takes it: the row is
deleted as it is read, so a reload, the back button or another session finds nothing,
and the POST is never sent again by a reload. An entry not shown within ``TTL`` is
worthless and purged by the next one stored.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from switchyard.db.uow import UnitOfWork
from switchyard.kernel.clock import utcnow
from switchyard.staff.repository import StashRepository

TTL = timedelta(minutes=10)
MAX_REF = 64


def _stored_id(ref: str) -> str:
    return hashlib.sha256(ref.encode()).hexdigest()


def put(uow: UnitOfWork, session_id: str, kind: str, payload: dict[str, Any]) -> str:
    """Keep ``payload`` for the session's next page; the reference for its URL."""
    now = utcnow()
    repo = uow.repo(StashRepository)
    repo.purge_expired(now)
    ref = secrets.token_urlsafe(24)
    repo.add(
        {
            "id": _stored_id(ref),
            "session_id": session_id,
            "kind": kind,
            "payload": payload,
            "created_at": now,
            "expires_at": now + TTL,
        }
    )
    return ref


def take(uow: UnitOfWork, session_id: str, kind: str, ref: str) -> dict[str, Any] | None:
    """The payload, once: None if shown before, expired, another session's or unknown."""
    if not ref or len(ref) > MAX_REF or not ref.isascii():
        return None
    return uow.repo(StashRepository).take(_stored_id(ref), session_id, kind, utcnow())
