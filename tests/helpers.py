"""Small helpers shared by tests."""

from __future__ import annotations

import secrets

from switchyard.auth.service import create_api_key
from switchyard.db.uow import Database
from switchyard.kernel.events import Actor


def ref(prefix: str = "T") -> str:
    """A random reference, so tests need no clean-up and never collide."""
    return f"{prefix}-{secrets.token_hex(5)}"


def make_key(database: Database, scopes: list[str], locations: list[str] | None = None) -> str:
    _, raw = database.run(
        Actor.system("tests"),
        lambda uow: create_api_key(uow, f"test {secrets.token_hex(3)}", scopes, locations),
    )
    return raw


def assert_null_refused(response: object, field: str) -> None:
    """An explicit null on a field that cannot be emptied: 422 naming the field."""
    body = assert_problem(response, 422, "invalid_request")
    assert [(e["field"], e["code"]) for e in body["errors"]] == [(field, "null_not_allowed")]


def assert_problem(response: object, status: int, code: str) -> dict:
    """The response is RFC 9457 problem+json with this status and stable code."""
    r = response  # httpx.Response
    assert r.status_code == status, (r.status_code, r.text)  # type: ignore[attr-defined]
    assert r.headers["content-type"].startswith("application/problem+json")  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert body["code"] == code, body
    assert body["status"] == status
    return body
