"""Idempotency-Key handling for every creating POST.

* first request with a key: claimed in a short transaction, then the use case runs and
  the response is stored in the *same* transaction as the use case's effects;
* replay of a completed key with the same body: the stored response, with
  ``Idempotent-Replayed: true``;
* the same key with a different body: 422 ``idempotency_key_reused``;
* the same key while the first request is still running: 409 ``idempotency_key_in_progress``
  with ``Retry-After`` (and ``retry_after`` in the body): the seconds until its lock runs
  out;
* a use case that fails releases the claim, so the client may retry with the same key;
  a claim whose holder died is taken over at once when the holder was a process of this
  host (``api.claim_owner``), else when its lock runs out (``idempotency_lock_seconds``,
  ``SWITCHYARD_IDEMPOTENCY_LOCK_SECONDS``, 60 by default).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from switchyard.api import claim_owner
from switchyard.api.idempotency_store import IdempotencyRepository
from switchyard.auth.domain import Principal
from switchyard.db.uow import Database, UnitOfWork
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import Conflict, FieldError, ValidationFailed

HEADER = "idempotency-key"


def _request_hash(request: Request, body: Any) -> str:
    canonical = json.dumps(jsonable_encoder(body), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{request.method} {request.url.path}\n{canonical}".encode()).hexdigest()


def _plain(result: Any) -> Any:
    """The JSON-ready form of a use case's result (a Pydantic model dumps itself faster
    than ``jsonable_encoder`` walks it)."""
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json")
    return jsonable_encoder(result)


def create(
    request: Request,
    db: Database,
    principal: Principal,
    body: Any,
    use_case: Callable[[UnitOfWork], Any],
    *,
    status_code: int = 201,
    headers: Callable[[Any], dict[str, str]] | None = None,
) -> JSONResponse:
    """Run a creating use case under the request's Idempotency-Key (if it has one)."""
    key = request.headers.get(HEADER)
    actor = principal.actor
    if key is None:
        result = _plain(db.run(actor, use_case))
        return JSONResponse(result, status_code, headers=headers(result) if headers else None)
    if not 1 <= len(key) <= 255:
        raise ValidationFailed(
            "invalid_idempotency_key",
            "Idempotency-Key must be 1 to 255 characters",
            [FieldError("header.idempotency-key", "invalid_idempotency_key", "bad length")],
        )
    request_hash = _request_hash(request, body)
    lock = timedelta(seconds=request.app.state.settings.idempotency_lock_seconds)

    owner = claim_owner.current()

    def claim(uow: UnitOfWork) -> dict[str, Any] | None:
        repo = uow.repo(IdempotencyRepository)
        now = utcnow()
        row = {
            "principal_id": principal.key_id,
            "key": key,
            "request_hash": request_hash,
            "state": "in_progress",
            "locked_until": now + lock,
            "created_at": now,
            "owner": owner,
        }
        if repo.claim(row):
            return None
        existing = repo.get(principal.key_id, key)
        if existing is None:  # released between our insert and select: try once more
            return None if repo.claim(row) else repo.get(principal.key_id, key)
        if (
            existing["request_hash"] == request_hash
            and existing["state"] == "in_progress"
            and repo.take_over(
                principal.key_id,
                key,
                now=now,
                until=now + lock,
                owner=owner,
                dead_owner=existing["owner"] if claim_owner.is_gone(existing["owner"]) else None,
            )
        ):
            return None
        return existing

    existing = db.run(actor, claim)
    if existing is not None:
        return _answer_existing(existing, request_hash)

    def run_and_store(uow: UnitOfWork) -> Any:
        result = _plain(use_case(uow))
        uow.repo(IdempotencyRepository).complete(principal.key_id, key, status_code, result)
        return result

    try:
        result = db.run(actor, run_and_store)
    except BaseException:
        db.run(actor, lambda uow: uow.repo(IdempotencyRepository).release(principal.key_id, key))
        raise
    return JSONResponse(result, status_code, headers=headers(result) if headers else None)


def _answer_existing(existing: dict[str, Any], request_hash: str) -> JSONResponse:
    if existing["request_hash"] != request_hash:
        raise ValidationFailed(
            "idempotency_key_reused",
            "this Idempotency-Key was used with a different request body",
            [FieldError("header.idempotency-key", "idempotency_key_reused", "different body")],
        )
    if existing["state"] != "completed":
        wait = (existing["locked_until"] - utcnow()).total_seconds()
        raise Conflict(
            "idempotency_key_in_progress",
            "a request with this Idempotency-Key is still being processed; retry shortly",
            extra={"retry_after": max(1, math.ceil(wait))},
        )
    return JSONResponse(
        existing["response_body"],
        existing["response_status"],
        headers={"Idempotent-Replayed": "true"},
    )
