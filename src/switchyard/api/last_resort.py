"""Every request gets an id, and an error nobody expected still gets an answer.

The id comes from the client's ``X-Request-Id`` (when it is a short token) or is made
here; it is sent back in the ``X-Request-Id`` header of every answer, in every problem
document (``request_id``) and in the log line of an unexpected error, so a report from a
client leads to the log.

Starlette's own last handler answers 500 and then raises the error again, and the server
then drops the connection: a client that sent its next request on it sees a reset and
cannot know whether its POST happened. Here the error is logged and answered as a
problem document, and the connection stays usable.
"""

from __future__ import annotations

import logging
import re
import secrets

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from switchyard.api.problems import problem_response, request_id

log = logging.getLogger(__name__)

_CLIENT_ID = re.compile(rb"[A-Za-z0-9._:-]{1,64}")


def _incoming_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id" and _CLIENT_ID.fullmatch(value):
            return str(value.decode())
    return secrets.token_hex(8)


class LastResortMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = _incoming_id(scope)
        token = request_id.set(rid)
        header = (b"x-request-id", rid.encode())
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception(
                "unhandled error on %s %s (request %s)",
                scope.get("method"),
                scope.get("path"),
                rid,
            )
            if started:  # part of an answer is out: only closing the connection is honest
                raise
            response = problem_response(
                500,
                "internal_error",
                "Internal error",
                f"an unexpected error occurred; quote request id {rid} when reporting it",
                instance=scope.get("path", ""),
            )
            await response(scope, receive, send_with_id)
        finally:
            request_id.reset(token)
