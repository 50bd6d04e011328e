"""What no handler should see, refused before anything parses it: bodies over the size
limit (413) and text no database can store (422 ``invalid_text``).

JSON may carry NUL characters (``"\\u0000"``) and unpaired UTF-16 surrogates
(``"\\ud800"``), and a query string or path may carry ``%00``; PostgreSQL refuses NUL in
text and neither database can encode a lone surrogate. One guard here covers every
operation, present and future, so no schema can forget it. A body is parsed a second
time only when its bytes contain such an escape (an emoji written as a surrogate pair
also does; it passes).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from switchyard.api.problems import RequestRefused as _Refused

_SUSPECT = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
_INVALID_TEXT = "NUL characters and lone surrogates are not allowed"


def _walk(value: Any, path: tuple[Any, ...]) -> Iterator[str]:
    """The dotted paths under ``value`` holding text that cannot be stored (for a bad key,
    the object holding it: the key itself could not be written into the answer)."""
    if isinstance(value, str):
        if _BAD_TEXT.search(value):
            yield ".".join(str(p) for p in path)
    elif isinstance(value, dict):
        for key, item in value.items():
            if _BAD_TEXT.search(key):
                yield ".".join(str(p) for p in path)
            else:
                yield from _walk(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, (*path, i))


def _text_errors(fields: Iterator[str]) -> list[dict[str, Any]]:
    return [{"field": f, "code": "invalid_text", "message": _INVALID_TEXT} for f in fields]


def _check_url(scope: Scope) -> None:
    errors: list[dict[str, Any]] = []
    if _BAD_TEXT.search(scope.get("path", "")):
        errors += _text_errors(iter(["path"]))
    query: bytes = scope.get("query_string", b"")
    if b"%00" in query or b"\x00" in query:
        pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
        errors += _text_errors(f"query.{k}" for k, v in pairs if "\x00" in k + v)
    if errors:
        raise _Refused(422, "invalid_text", "some fields cannot be stored", errors)


def _check_body(body: bytes) -> None:
    if not _SUSPECT.search(body):
        return
    try:
        data = json.loads(body)
    except ValueError:
        return  # not JSON: the handler answers that
    errors = _text_errors(_walk(data, ()))
    if errors:
        raise _Refused(422, "invalid_text", "some fields cannot be stored", errors)


class RequestGuardMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_large = _Refused(
            413, "payload_too_large", f"request bodies are limited to {self.max_bytes} bytes", []
        )
        try:
            _check_url(scope)
            for name, value in scope.get("headers", []):
                if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                    raise too_large
        except _Refused as refused:
            await self._refuse(scope, receive, send, refused)
            return
        chunks: list[bytes] = []
        seen = 0
        started = False

        async def guarded_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                seen += len(chunk)
                if seen > self.max_bytes:
                    raise too_large
                chunks.append(chunk)
                if not message.get("more_body", False):
                    _check_body(chunks[0] if len(chunks) == 1 else b"".join(chunks))
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, guarded_receive, tracking_send)
        except _Refused as refused:
            if not started:
                await self._refuse(scope, receive, send, refused)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, refused: _Refused) -> None:
        await refused.response(scope.get("path", ""))(scope, receive, send)
