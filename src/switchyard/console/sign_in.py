"""Sign in and out. The sign-in form has no session yet: its CSRF token is a cookie the
form repeats (double submit); the session cookie is HttpOnly and SameSite=Lax."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from switchyard.console.formatting import time_zone, when
from switchyard.console.routing import ConsoleRoute
from switchyard.console.web import (
    CSRF_FIELD,
    HEADERS,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    Staff,
    load_session,
    render,
)
from switchyard.db.uow import Database
from switchyard.kernel.events import Actor
from switchyard.staff.domain import MAX_SESSION
from switchyard.staff.service import SignIn, sign_in, sign_out

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only a path of the console: never another site (no open redirect)."""
    if target and target.startswith("/console") and not target.startswith("//"):
        return target
    return "/console"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _login_page(
    request: Request, *, email: str = "", error: str = "", status: int = 200
) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "sign_in.html",
        status=status,
        login_csrf=token,
        email=email,
        error=error,
        next=_safe_next(request.query_params.get("next")),
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        path="/console/login",
    )
    return response


@router.get("/login")
async def login_form(request: Request) -> Response:
    if await load_session(request) is not None:
        return RedirectResponse(_safe_next(request.query_params.get("next")), status_code=303)
    return _login_page(request)


def _message(result: SignIn, tz: str) -> str:
    if result.error == "locked":
        until = f" until {when(result.locked_until, tz, 'time')}" if result.locked_until else ""
        return (
            f"Too many wrong passwords: this account is locked{until}. An admin can reset "
            "the password to unlock it now."
        )
    if result.error == "disabled":
        return "This account is disabled. Ask an admin."
    return "The email or the password is wrong."


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    email = str(form.get("email", ""))[:254]
    password = str(form.get("password", ""))[:500]
    sent, expected = str(form.get(CSRF_FIELD, "")), request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(sent, expected):
        return _login_page(
            request,
            email=email,
            error="The sign-in form expired. Please try again.",
            status=403,
        )
    db: Database = request.app.state.db
    agent = request.headers.get("user-agent", "")
    result: SignIn = await run_in_threadpool(
        db.run, Actor.system("console"), lambda uow: sign_in(uow, email, password, agent)
    )
    if result.token is None:
        return _login_page(
            request, email=email, error=_message(result, time_zone(request, None)), status=401
        )
    response = RedirectResponse(
        _safe_next(str(form.get("next", ""))), status_code=303, headers=HEADERS
    )
    response.set_cookie(
        SESSION_COOKIE,
        result.token,
        max_age=int(MAX_SESSION.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/console/login")
    return response


@router.post("/logout")
async def logout(request: Request, staff: Staff) -> Response:
    token = request.cookies.get(SESSION_COOKIE, "")
    db: Database = request.app.state.db
    await run_in_threadpool(db.run, staff.principal.actor, lambda uow: sign_out(uow, token))
    response = RedirectResponse("/console/login", status_code=303, headers=HEADERS)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
