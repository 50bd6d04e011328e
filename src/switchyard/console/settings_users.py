"""``/console/settings/users`` and ``/roles``: staff accounts (admin only).

Create, change role, locations, name and time zone, reset a password (which lifts a
lockout and ends every session), disable and enable: the ``staff.service`` use cases.
Roles are data; they are shown with their scopes, read-only.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from switchyard.console.formatting import words
from switchyard.console.routing import ConsoleRoute
from switchyard.console.settings_forms import flash, text, words_list
from switchyard.console.web import FormErrors, Staff, redirect, render, require, run
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import Conflict, SwitchyardError, not_found
from switchyard.locations.repository import LocationRepository
from switchyard.staff.domain import Role, User
from switchyard.staff.repository import RoleRepository, UserRepository
from switchyard.staff.service import (
    DEFAULT_TIME_ZONE,
    change_user,
    create_user,
    reset_password,
    set_disabled,
)

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)
SCOPE = "admin"  # staff accounts, like API keys, are the admin's
FIELDS = ("email", "name", "role", "locations", "password", "time_zone")
PAGE_SIZE = 50  # users a page of the list shows, by email


def _codes(uow: UnitOfWork, users: list[User]) -> dict[str, str]:
    """Location id -> code for the locations these users are bound to."""
    repo = uow.repo(LocationRepository)
    ids = {i for u in users for i in (u.location_ids or ())}
    found = (repo.get(i) for i in sorted(ids))
    return {row["id"]: row["code"] for row in found if row}


def _roles(uow: UnitOfWork) -> list[Role]:
    return uow.repo(RoleRepository).list()


def role_options(roles: list[Role]) -> list[tuple[str, str]]:
    return [(r.name, words(r.name)) for r in roles]


def _user(uow: UnitOfWork, user_id: str) -> User:
    user = uow.repo(UserRepository).get(user_id)
    if user is None:
        raise not_found("user", user_id)
    return user


def _list(uow: UnitOfWork, after: str | None) -> dict[str, Any]:
    found = uow.repo(UserRepository).page(after_email=after, limit=PAGE_SIZE)
    users, more = found[:PAGE_SIZE], len(found) > PAGE_SIZE
    return {
        "users": users,
        "codes": _codes(uow, users),
        "roles": _roles(uow),
        "next_after": users[-1].email if more else None,
    }


def _after(request: Request) -> str | None:
    """The page's start: the email of the previous page's last user."""
    raw = request.query_params.get("after", "").strip()
    return raw[:254] if raw else None


@router.get("/settings/users")
async def users(request: Request, staff: Staff) -> Response:
    require(staff, SCOPE)
    after = _after(request)
    data = await run(request, staff, lambda uow: _list(uow, after), read_only=True)
    return render(
        request, "settings/users.html", now=utcnow(), flash=flash(request), after=after, **data
    )


def _new_page(
    request: Request,
    roles: list[Role],
    values: dict[str, str],
    errors: FormErrors | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "settings/user_new.html",
        roles=roles,
        role_options=role_options(roles),
        values=values,
        errors=errors,
        status=status,
    )


@router.get("/settings/users/new")
async def new_user(request: Request, staff: Staff) -> Response:
    require(staff, SCOPE)
    roles = await run(request, staff, _roles, read_only=True)
    return _new_page(request, roles, {"role": "viewer", "time_zone": DEFAULT_TIME_ZONE})


@router.post("/settings/users")
async def create(request: Request, staff: Staff) -> Response:
    require(staff, SCOPE)
    form = await request.form()
    values = {name: text(form, name, 300) for name in FIELDS}
    password = form.get("password")
    password = password if isinstance(password, str) else ""  # not stripped
    try:
        user = await run(
            request,
            staff,
            lambda uow: create_user(
                uow,
                values["email"],
                password[:500],
                values["role"],
                name=values["name"],
                locations=words_list(form, "locations") or None,
                time_zone=values["time_zone"] or DEFAULT_TIME_ZONE,
            ),
        )
    except SwitchyardError as exc:
        roles = await run(request, staff, _roles, read_only=True)
        values["password"] = ""
        return _new_page(request, roles, values, FormErrors.of(exc), exc.status)
    return redirect(request, f"/console/settings/users/{user.id}?done=user_created")


def _detail(uow: UnitOfWork, user_id: str) -> dict[str, Any]:
    user = _user(uow, user_id)
    return {"user": user, "codes": _codes(uow, [user]), "roles": _roles(uow)}


def _detail_page(
    request: Request,
    staff: Staff,
    data: dict[str, Any],
    *,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    password_errors: FormErrors | None = None,
    status: int = 200,
) -> Response:
    user: User = data["user"]
    codes: dict[str, str] = data["codes"]
    current = {
        "name": user.name,
        "role": user.role,
        "locations": ", ".join(codes.get(i, i) for i in user.location_ids or ()),
        "time_zone": user.time_zone,
    }
    return render(
        request,
        "settings/user.html",
        status=status,
        now=utcnow(),
        values=values or current,
        errors=errors,
        password_errors=password_errors,
        myself=user.id == staff.user.id,
        role_options=role_options(data["roles"]),
        flash=flash(request),
        **data,
    )


@router.get("/settings/users/{user_id}")
async def user(request: Request, staff: Staff, user_id: str) -> Response:
    require(staff, SCOPE)
    data = await run(request, staff, lambda uow: _detail(uow, user_id), read_only=True)
    return _detail_page(request, staff, data)


@router.post("/settings/users/{user_id}")
async def change(request: Request, staff: Staff, user_id: str) -> Response:
    require(staff, SCOPE)
    form = await request.form()
    values = {name: text(form, name, 300) for name in ("name", "role", "locations", "time_zone")}
    try:
        await run(
            request,
            staff,
            lambda uow: change_user(
                uow,
                user_id,
                role=values["role"],
                locations=words_list(form, "locations") or None,
                name=values["name"],
                time_zone=values["time_zone"],
            ),
        )
    except SwitchyardError as exc:
        data = await run(request, staff, lambda uow: _detail(uow, user_id), read_only=True)
        return _detail_page(
            request, staff, data, values=values, errors=FormErrors.of(exc), status=exc.status
        )
    return redirect(request, f"/console/settings/users/{user_id}?done=user_changed")


@router.post("/settings/users/{user_id}/password")
async def new_password(request: Request, staff: Staff, user_id: str) -> Response:
    require(staff, SCOPE)
    form = await request.form()
    password = form.get("password")
    password = password[:500] if isinstance(password, str) else ""
    try:
        await run(request, staff, lambda uow: reset_password(uow, user_id, password))
    except SwitchyardError as exc:
        data = await run(request, staff, lambda uow: _detail(uow, user_id), read_only=True)
        return _detail_page(
            request, staff, data, password_errors=FormErrors.of(exc), status=exc.status
        )
    return redirect(request, f"/console/settings/users/{user_id}?done=password_reset")


@router.post("/settings/users/{user_id}/disabled")
async def disable(request: Request, staff: Staff, user_id: str) -> Response:
    require(staff, SCOPE)
    form = await request.form()
    disabled = text(form, "disabled") == "true"
    if disabled and user_id == staff.user.id:
        raise Conflict("cannot_disable_self", "you cannot disable your own account")
    await run(request, staff, lambda uow: set_disabled(uow, user_id, disabled))
    done = "user_disabled" if disabled else "user_enabled"
    return redirect(request, f"/console/settings/users/{user_id}?done={done}")


@router.get("/settings/roles")
async def roles(request: Request, staff: Staff) -> Response:
    require(staff, SCOPE)
    found = await run(request, staff, _roles, read_only=True)
    return render(request, "settings/roles.html", roles=found)
