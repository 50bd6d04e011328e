"""What every console page uses: the signed-in staff member, CSRF, running a use case as
them, rendering a template, and errors shown in words.

A page handler is ``async``; it reads its form with ``await request.form()`` (the CSRF
check has already read and verified it) and runs database work with ``await run(...)``,
which calls ``Database.run`` in a worker thread as the user: the same use cases, scopes
and location checks as the API, with the user on the order's timeline.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from switchyard.auth.domain import LocationAccess, default_location_access
from switchyard.console import formatting
from switchyard.console.formatting import words
from switchyard.db.uow import Database, UnitOfWork
from switchyard.kernel.errors import Forbidden, SwitchyardError
from switchyard.kernel.events import Actor
from switchyard.staff.service import StaffSession, current_session

T = TypeVar("T")
SESSION_COOKIE = "sy_session"
LOGIN_CSRF_COOKIE = "sy_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    # htmx and the console's script are files of the package; styles may be inline
    # (htmx adds its indicator style at run time).
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
    ),
}

templates = Environment(
    loader=PackageLoader("switchyard.console", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
formatting.install(templates)


class SignInRequired(Exception):
    """No live session: the page answers with the sign-in page (keeping where it was)."""


class CsrfRejected(Exception):
    """A form or htmx request without the session's CSRF token."""


def _cookie_token(request: Request) -> str | None:
    token = request.cookies.get(SESSION_COOKIE)
    return token if token and len(token) < 200 else None


async def load_session(request: Request) -> StaffSession | None:
    token = _cookie_token(request)
    if token is None:
        return None
    db: Database = request.app.state.db
    session: StaffSession | None = await run_in_threadpool(
        db.run, Actor.system("console"), lambda uow: current_session(uow, token)
    )
    return session


async def check_csrf(request: Request, expected: str) -> None:
    """Unsafe methods must carry the token: in the X-CSRF-Token header (htmx sends it from
    the page's ``hx-headers``) or in the form's ``csrf_token`` field."""
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not secrets.compare_digest(sent, expected):
        raise CsrfRejected()


async def signed_in(request: Request) -> StaffSession:
    session = await load_session(request)
    if session is None:
        raise SignInRequired()
    await check_csrf(request, session.csrf_token)
    request.state.staff = session
    return session


Staff = Annotated[StaffSession, Depends(signed_in)]


def allowed(staff: StaffSession, scope: str, access: LocationAccess | None = None) -> bool:
    """Whether the user's role grants ``scope`` (and, for an operation for the whole
    business, whether they are not bound to locations): the API's rule."""
    return staff.principal.permits(scope, access)


def require(staff: StaffSession, scope: str, access: LocationAccess | None = None) -> None:
    """Refuse (403 page) what the API would refuse this user's role."""
    staff.principal.require(scope)
    if (access or default_location_access(scope)) is LocationAccess.UNRESTRICTED:
        staff.principal.require_unrestricted()


async def run(
    request: Request,
    staff: StaffSession,
    use_case: Callable[[UnitOfWork], T],
    *,
    read_only: bool = False,
) -> T:
    """The use case in one transaction as the signed-in user (in a worker thread)."""
    db: Database = request.app.state.db
    result: T = await run_in_threadpool(
        db.run, staff.principal.actor, use_case, read_only=read_only
    )
    return result


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


@dataclass
class FormErrors:
    """An error from a use case, as a form shows it: a sentence at the top and, where the
    error names fields, a message beside each (keyed by the form's field name)."""

    message: str = ""
    code: str = ""
    fields: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.message or self.fields)

    @classmethod
    def of(cls, exc: SwitchyardError, names: Mapping[str, str] | None = None) -> FormErrors:
        """``names`` maps an error's field path (``lines.0.quantity``) to the form field."""
        fields: dict[str, str] = {}
        for e in exc.errors:
            key = (names or {}).get(e.field, e.field)
            fields.setdefault(key, e.message)
        return cls(formatting.error_sentence(exc), exc.code, fields)


def render(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    staff: StaffSession | None = getattr(request.state, "staff", None)
    page = templates.get_template(template).render(
        request=request,
        staff=staff,
        csrf_token=staff.csrf_token if staff else "",
        nav=navigation(staff, request.url.path) if staff else [],
        tz=formatting.time_zone(request, staff),
        **context,
    )
    return HTMLResponse(page, status_code=status, headers=HEADERS)


def redirect(request: Request, url: str) -> Response:
    """After a successful form post: a 303 to ``url``, or for htmx an HX-Redirect."""
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url, **HEADERS})
    return RedirectResponse(url, status_code=303, headers=HEADERS)


def sign_in_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/console/login?next={quote(target, safe='')}"


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    scope: str
    access: LocationAccess | None = None


# The sections, in the order of the menu; a section shows to users whose role may read it.
NAV = (
    NavItem("Home", "/console", "orders:read", LocationAccess.ANY),
    NavItem("Orders", "/console/orders", "orders:read"),
    NavItem("New order", "/console/orders/new", "orders:write"),
    NavItem("Exceptions", "/console/exceptions", "orders:read"),
    NavItem("Inventory", "/console/inventory", "inventory:read"),
    NavItem("Workbench", "/console/workbench", "fulfillment:write"),
    NavItem("Settings", "/console/settings", "admin"),
)


def navigation(staff: StaffSession, path: str) -> list[dict[str, Any]]:
    """The menu the user's role may see; the item whose address is the longest prefix of
    the page's is the current one (``/console/orders/new`` is "New order", not "Orders")."""
    shown = [item for item in NAV if allowed(staff, item.scope, item.access)]
    matching = [i for i in shown if path == i.href or path.startswith(i.href + "/")]
    current = max(matching, key=lambda i: len(i.href), default=None)
    return [{"label": i.label, "href": i.href, "current": i is current} for i in shown]


def error_page(
    request: Request, status: int, title: str, message: str, code: str = ""
) -> HTMLResponse:
    """A page that says why the request was refused as a whole. Asked for by htmx, it
    replaces the page's <main> rather than the small part the request meant to update."""
    page = render(request, "error.html", status=status, title=title, message=message, code=code)
    if is_htmx(request):
        page.headers.update(
            {"HX-Retarget": "#main", "HX-Reswap": "outerHTML", "HX-Reselect": "#main"}
        )
    return page


def forbidden_page(request: Request, exc: Forbidden) -> HTMLResponse:
    """The API's refusal, said to a person about their role rather than an API key."""
    staff: StaffSession | None = getattr(request.state, "staff", None)
    role = words(staff.principal.role).lower() if staff else "your"
    needed = re.search(r"'([a-z_]+(?::[a-z]+)?)'", exc.detail)
    messages = {
        "missing_scope": f"Your role ({role}) does not allow this"
        + (f": it needs the '{needed.group(1)}' permission." if needed else "."),
        "location_forbidden": "This belongs to a location you are not assigned to.",
        "location_restricted_key": (
            "This acts for the whole business: it needs an account that is not bound to locations."
        ),
    }
    message = messages.get(exc.code) or formatting.error_sentence(exc)
    return error_page(request, 403, "Not allowed", message, exc.code)
