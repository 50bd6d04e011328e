"""A console form sent twice does its work once.

Every form that books something renders a hidden ``form_token`` (``{{ form_token() }}``
in a template: a new random token each time the form is drawn). The handler runs its use
case through the API's own Idempotency-Key machinery (``api.idempotency.create``) with
that token as the key, for the signed-in user: a double click, a retry after a timeout or
a reload of the POST answers with what the first submit did instead of doing it again. A
second submit while the first is still running waits for it. A form without a token (an
old page) runs its use case once per submit, as before.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from switchyard.api import idempotency
from switchyard.console.web import templates
from switchyard.db.uow import Database, UnitOfWork
from switchyard.kernel.errors import Conflict, FieldError, ValidationFailed
from switchyard.staff.service import StaffSession

FIELD = "form_token"
WAIT_FOR_FIRST_CLICK = 40  # x 0.25 s: a double click's second post waits for the first
_STAFF_HEADER = b"x-switchyard-user"


def new_token() -> str:
    return "frm_" + secrets.token_urlsafe(18)


templates.globals["form_token"] = new_token


def token_of(form: FormData) -> str | None:
    """The form's token, if it sent a usable one (1 to 255 printable ASCII characters)."""
    value = form.get(FIELD)
    if not isinstance(value, str):
        return None
    value = value.strip()
    ok = 0 < len(value) <= 255 and value.isascii() and value.isprintable()
    return value if ok else None


def keyed(request: Request, key: str | None) -> Request:
    """The request as the idempotency machinery reads it: the form's token as its
    Idempotency-Key header (none without a token), and no staff header."""
    drop = (idempotency.HEADER.encode(), _STAFF_HEADER)
    headers = [(k, v) for k, v in request.scope["headers"] if k not in drop]
    if key is not None:
        headers.append((idempotency.HEADER.encode(), key.encode()))
    return Request(dict(request.scope, headers=headers))


async def once(
    request: Request,
    staff: StaffSession,
    token: str | None,
    body: Mapping[str, Any],
    use_case: Callable[[UnitOfWork], Any],
) -> Any:
    """The use case's result (as JSON data), from this submit or from the first one that
    sent ``token`` with the same ``body``. Errors of the use case are raised as they are
    (and release the token, so the form may be sent again)."""
    db: Database = request.app.state.db
    target = keyed(request, token)
    for attempt in range(WAIT_FOR_FIRST_CLICK + 1):
        try:
            response = await run_in_threadpool(
                idempotency.create,
                target,
                db,
                staff.principal,
                dict(body),
                use_case,
                status_code=200,
            )
        except Conflict as exc:
            if exc.code != "idempotency_key_in_progress" or attempt == WAIT_FOR_FIRST_CLICK:
                raise
            await asyncio.sleep(0.25)
            continue
        except ValidationFailed as exc:
            if exc.code != "idempotency_key_reused":
                raise
            raise ValidationFailed(
                "form_sent_before",
                "this form was already sent with other values: check what it did, "
                "then fill in the form again",
                [FieldError(FIELD, "form_sent_before", "already sent")],
            ) from None
        return json.loads(bytes(response.body))
    raise AssertionError("unreachable")
