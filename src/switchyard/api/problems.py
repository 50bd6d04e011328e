"""RFC 9457 problem details for every error, with a stable ``code`` and the fields at fault."""

from __future__ import annotations

import contextvars
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from switchyard.kernel.errors import SwitchyardError

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"

# The id of the request being answered (set by ``api.last_resort``; None outside one).
request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


def problem_response(
    status: int,
    code: str,
    title: str,
    detail: str,
    *,
    instance: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"urn:switchyard:problem:{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    if extra:  # extension members never replace the standard ones
        body = {**extra, **body}
    rid = request_id.get()
    if rid:
        body["request_id"] = rid
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


class RequestRefused(StarletteHTTPException):
    """A request refused at the edge, before a handler ran (an HTTPException, so FastAPI's
    body reading passes it on instead of answering 400)."""

    TITLES = {413: "Payload too large", 422: "Validation failed"}

    def __init__(self, status: int, code: str, detail: str, errors: list[dict[str, Any]]):
        super().__init__(status, detail)
        self.code = code
        self.errors = errors

    def response(self, instance: str) -> JSONResponse:
        title = self.TITLES.get(self.status_code, str(self.detail))
        return problem_response(
            self.status_code,
            self.code,
            title,
            str(self.detail),
            instance=instance,
            errors=self.errors,
        )


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header"):
        source = parts.pop(0)
        if not parts:
            return source if source != "body" else ""
        if source in ("query", "path", "header"):
            return f"{source}.{'.'.join(str(p) for p in parts)}"
    return ".".join(str(p) for p in parts)


def install(app: FastAPI) -> None:
    @app.exception_handler(SwitchyardError)
    async def _domain_error(request: Request, exc: SwitchyardError) -> JSONResponse:
        return problem_response(
            exc.status,
            exc.code,
            exc.title,
            exc.detail,
            instance=request.url.path,
            errors=[e.as_dict() for e in exc.errors],
            extra=exc.extra,
            # a problem that says when to retry says it in the header too (RFC 9110)
            headers={"Retry-After": str(exc.extra["retry_after"])}
            if "retry_after" in exc.extra
            else None,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        raw = exc.errors()
        if any(e.get("type") == "json_invalid" for e in raw):
            return problem_response(
                400,
                "malformed_json",
                "Malformed JSON",
                "the request body is not valid JSON",
                instance=request.url.path,
                errors=[
                    {"field": "", "code": "json_invalid", "message": str(e.get("msg", ""))}
                    for e in raw
                ],
            )
        errors = [
            {
                "field": _field_path(e.get("loc", ())),
                "code": e.get("type", "invalid"),
                "message": str(e.get("msg", "")),
            }
            for e in raw
        ]
        return problem_response(
            422,
            "invalid_request",
            "Validation failed",
            f"{len(errors)} field(s) are invalid",
            instance=request.url.path,
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(exc, RequestRefused):
            return exc.response(request.url.path)
        codes = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}
        code = codes.get(exc.status_code, f"http_{exc.status_code}")
        return problem_response(
            exc.status_code,
            code,
            str(exc.detail),
            str(exc.detail),
            instance=request.url.path,
            headers=dict(exc.headers) if exc.headers else None,
        )

    @app.exception_handler(DataError)
    async def _unstorable(request: Request, exc: DataError) -> JSONResponse:
        # Schemas bound what a client sends; this is the net under them (a value out of a
        # column's range or format that no schema foresaw): nothing was committed.
        log.warning("value refused by the database on %s: %s", request.url.path, exc.orig)
        return problem_response(
            422,
            "unstorable_value",
            "Value cannot be stored",
            "a value is out of the range or format the database can store",
            instance=request.url.path,
        )
