"""Console test helpers: staff users and a browser-like client signed in as one.

``Console(app, email, password)`` keeps the session cookie like a browser and reads the
CSRF token from each page it gets, so a test posts forms as a person would.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from switchyard.db.uow import Database
from switchyard.kernel.events import Actor
from switchyard.staff.domain import User
from switchyard.staff.service import create_user

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_user(
    database: Database, role: str, locations: list[str] | None = None, **over: Any
) -> User:
    email = over.pop("email", f"{role}-{secrets.token_hex(4)}@staff.example")
    return database.run(
        Actor.system("tests"),
        lambda uow: create_user(
            uow, email, over.pop("password", PASSWORD), role, locations=locations, **over
        ),
    )


def csrf_in(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


class Console:
    """A staff member at a browser: signs in on creation."""

    def __init__(self, app: Any, email: str, password: str = PASSWORD) -> None:
        self.http = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
        self.csrf = ""
        r = self.sign_in(email, password)
        assert r.status_code == 303, (r.status_code, r.text[:500])
        self.get("/console")

    def sign_in(self, email: str, password: str, next: str = "/console") -> Response:
        page = self.http.get("/console/login")
        return self.http.post(
            "/console/login",
            data={
                "email": email,
                "password": password,
                "csrf_token": csrf_in(page.text),
                "next": next,
            },
        )

    def get(self, url: str, **kw: Any) -> Response:
        r = self.http.get(url, **kw)
        found = _CSRF.search(r.text)
        if found:
            self.csrf = found.group(1)
        return r

    def post(
        self, url: str, data: dict[str, Any] | None = None, *, htmx: bool = False, **kw: Any
    ) -> Response:
        """A form post carrying the CSRF token (as htmx sends it, in the header, with
        ``htmx=True``)."""
        headers = dict(kw.pop("headers", {}))
        body = dict(data or {})
        if htmx:
            headers |= {"HX-Request": "true", "X-CSRF-Token": self.csrf}
        else:
            body.setdefault("csrf_token", self.csrf)
        return self.http.post(url, data=body, headers=headers, **kw)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Console:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
