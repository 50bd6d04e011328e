"""Use cases for staff users: create, sign in and out, the session behind a cookie,
password reset by an admin, role and location changes, disabling."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import available_timezones

from switchyard.db.uow import UnitOfWork
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import Conflict, FieldError, ValidationFailed, not_found
from switchyard.kernel.events import DomainEvent
from switchyard.kernel.ids import new_id
from switchyard.locations.repository import LocationRepository
from switchyard.staff import passwords
from switchyard.staff.domain import (
    TOUCH_EVERY,
    Role,
    User,
    UserPrincipal,
    check_password,
    failed_attempt,
    new_session_token,
    normalise_email,
    session_ends,
    session_id,
)
from switchyard.staff.repository import RoleRepository, SessionRepository, UserRepository

DEFAULT_TIME_ZONE = "Europe/Berlin"


def _role(uow: UnitOfWork, name: str) -> Role:
    role = uow.repo(RoleRepository).get(name)
    if role is None:
        known = ", ".join(r.name for r in uow.repo(RoleRepository).list())
        raise ValidationFailed(
            "unknown_role",
            f"no role '{name}'; roles: {known}",
            [FieldError("role", "unknown_role", f"choose one of: {known}")],
        )
    return role


def _locations(uow: UnitOfWork, role: Role, codes: list[str] | None) -> list[str] | None:
    if role.location_bound and not codes:
        raise ValidationFailed(
            "locations_required",
            f"a {role.name} works at named locations: give at least one",
            [FieldError("locations", "locations_required", "choose the locations they work at")],
        )
    if not codes:
        return None
    return uow.repo(LocationRepository).require_ids(codes, "locations")


def _time_zone(name: str) -> str:
    if name not in available_timezones():
        raise ValidationFailed(
            "unknown_time_zone",
            f"unknown time zone '{name}'",
            [FieldError("time_zone", "unknown_time_zone", "an IANA name such as Europe/Berlin")],
        )
    return name


def create_user(
    uow: UnitOfWork,
    email: str,
    password: str,
    role: str,
    *,
    name: str = "",
    locations: list[str] | None = None,
    time_zone: str = DEFAULT_TIME_ZONE,
) -> User:
    address = normalise_email(email)
    the_role = _role(uow, role)
    location_ids = _locations(uow, the_role, locations)
    check_password(password)
    repo = uow.repo(UserRepository)
    if repo.by_email(address) is not None:
        raise Conflict(
            "user_exists",
            f"a user with the email {address} exists",
            [FieldError("email", "user_exists", "this email already has an account")],
        )
    now = utcnow()
    user_id = new_id("usr")
    repo.add(
        {
            "id": user_id,
            "email": address,
            "name": name.strip()[:200],
            "role": the_role.name,
            "location_ids": location_ids,
            "password_hash": passwords.hash_password(password),
            "time_zone": _time_zone(time_zone),
            "failed_sign_ins": 0,
            "locked_until": None,
            "created_at": now,
            "password_changed_at": now,
            "last_sign_in_at": None,
            "disabled_at": None,
        }
    )
    uow.emit(DomainEvent("user.created", "user", user_id, {"email": address, "role": role}))
    user = repo.get(user_id)
    assert user is not None
    return user


@dataclass(frozen=True, slots=True)
class SignIn:
    """What a sign-in attempt came to: a session token, or why not."""

    token: str | None = None
    error: str | None = None  # "wrong_credentials" | "locked" | "disabled"
    locked_until: datetime | None = None


def sign_in(uow: UnitOfWork, email: str, password: str, user_agent: str = "") -> SignIn:
    """Check the password; count a failure (locking after too many); else open a session.

    Returns instead of raising so that a failure's count is committed."""
    now = utcnow()
    repo = uow.repo(UserRepository)
    found = repo.by_email(email.strip().lower())
    if found is None:
        passwords.verify(None, password)  # as slow as a real check: no hint the email exists
        return SignIn(error="wrong_credentials")
    user, stored = found
    if user.disabled_at is not None:
        passwords.verify(None, password)
        return SignIn(error="disabled")
    if user.locked(now):
        return SignIn(error="locked", locked_until=user.locked_until)
    if not passwords.verify(stored, password):
        failed = repo.count_failure(user.id)
        counter, lock = failed_attempt(failed - 1, now)
        if lock is not None:
            repo.update(user.id, failed_sign_ins=counter, locked_until=lock)
            uow.emit(DomainEvent("user.locked", "user", user.id, {"until": lock.isoformat()}))
            return SignIn(error="locked", locked_until=lock)
        return SignIn(error="wrong_credentials")
    values: dict[str, Any] = {"failed_sign_ins": 0, "locked_until": None, "last_sign_in_at": now}
    if passwords.needs_rehash(stored):
        values["password_hash"] = passwords.hash_password(password)
    repo.update(user.id, **values)
    raw, sid = new_session_token()
    uow.repo(SessionRepository).add(
        {
            "id": sid,
            "user_id": user.id,
            "csrf_token": secrets.token_urlsafe(32),
            "created_at": now,
            "last_seen_at": now,
            "ended_at": None,
            "user_agent": user_agent[:300] or None,
        }
    )
    return SignIn(token=raw)


@dataclass(frozen=True, slots=True)
class StaffSession:
    """The signed-in user behind a cookie, and what their requests need."""

    id: str
    user: User
    principal: UserPrincipal
    csrf_token: str


def current_session(uow: UnitOfWork, raw_token: str) -> StaffSession | None:
    """The live session of the cookie's token (its last-seen time refreshed), or None when
    unknown, signed out, expired or the user was disabled."""
    sid = session_id(raw_token)
    sessions = uow.repo(SessionRepository)
    row = sessions.live(sid)
    if row is None:
        return None
    now = utcnow()
    if session_ends(row["created_at"], row["last_seen_at"]) <= now:
        sessions.end(sid, now)
        return None
    user = uow.repo(UserRepository).get(row["user_id"])
    if user is None or user.disabled_at is not None:
        sessions.end(sid, now)
        return None
    role = _role(uow, user.role)
    if now - row["last_seen_at"] >= TOUCH_EVERY:
        sessions.touch(sid, now)
    return StaffSession(sid, user, UserPrincipal.of(user, role), row["csrf_token"])


def sign_out(uow: UnitOfWork, raw_token: str) -> None:
    uow.repo(SessionRepository).end(session_id(raw_token), utcnow())


def _require_user(uow: UnitOfWork, user_id: str) -> User:
    user = uow.repo(UserRepository).get(user_id)
    if user is None:
        raise not_found("user", user_id)
    return user


def reset_password(uow: UnitOfWork, user_id: str, password: str) -> User:
    """An admin sets a new password: the lock is lifted and every session ends."""
    _require_user(uow, user_id)
    check_password(password)
    now = utcnow()
    uow.repo(UserRepository).update(
        user_id,
        password_hash=passwords.hash_password(password),
        password_changed_at=now,
        failed_sign_ins=0,
        locked_until=None,
    )
    uow.repo(SessionRepository).end_all(user_id, now)
    uow.emit(DomainEvent("user.password_reset", "user", user_id))
    return _require_user(uow, user_id)


def change_user(
    uow: UnitOfWork,
    user_id: str,
    *,
    role: str,
    locations: list[str] | None,
    name: str,
    time_zone: str,
) -> User:
    _require_user(uow, user_id)
    the_role = _role(uow, role)
    location_ids = _locations(uow, the_role, locations)
    uow.repo(UserRepository).update(
        user_id,
        role=the_role.name,
        location_ids=location_ids,
        name=name.strip()[:200],
        time_zone=_time_zone(time_zone),
    )
    uow.emit(DomainEvent("user.changed", "user", user_id, {"role": the_role.name}))
    return _require_user(uow, user_id)


def set_disabled(uow: UnitOfWork, user_id: str, disabled: bool) -> User:
    """Disable (every session ends at once) or enable an account."""
    _require_user(uow, user_id)
    now = utcnow()
    uow.repo(UserRepository).update(user_id, disabled_at=now if disabled else None)
    if disabled:
        uow.repo(SessionRepository).end_all(user_id, now)
    uow.emit(DomainEvent("user.disabled" if disabled else "user.enabled", "user", user_id))
    return _require_user(uow, user_id)
