"""Staff users, their roles and sign-in rules. Pure Python: no framework, no database.

A role is data (the ``roles`` table): the API scopes it grants and whether its users are
bound to locations. A signed-in user acts through a ``Principal`` like an API key does,
so the console checks the same scopes and location restrictions as the API: one
permission model, not two.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from switchyard.auth.domain import ADMIN, RESOURCES, Principal, validate_scopes
from switchyard.kernel.errors import FieldError, ValidationFailed
from switchyard.kernel.events import Actor

# Failed sign-ins in a row that lock an account, and for how long.
MAX_FAILED_SIGN_INS = 5
LOCKOUT = timedelta(minutes=15)
# A session ends after this long without a request, and in any case after a shift.
IDLE_TIMEOUT = timedelta(hours=4)
MAX_SESSION = timedelta(hours=12)
# A session's last-seen time is written at most this often (not on every page).
TOUCH_EVERY = timedelta(minutes=1)
MIN_PASSWORD = 10
MAX_PASSWORD = 200


def _reads() -> list[str]:
    return [f"{r}:read" for r in RESOURCES]


@dataclass(frozen=True, slots=True)
class Role:
    name: str
    description: str
    scopes: tuple[str, ...]
    location_bound: bool  # its users must name the locations they work at


# The roles a new database starts with (migration 0006 writes them; admins may edit).
DEFAULT_ROLES = (
    Role("admin", "Everything, including settings and users", (ADMIN,), False),
    Role(
        "customer_service",
        "Orders and customers on behalf of the customer: capture, amend, cancel, hold",
        tuple(
            sorted(
                {*_reads(), "orders:write", "customers:write", "payments:write"}
                - {"rules:read", "compliance:read"}
            )
        ),
        False,
    ),
    Role(
        "store_associate",
        "Fulfilment and stock at their stores: accept, pick, pack, hand over pickups",
        (
            "catalog:read",
            "customers:read",
            "fulfillment:write",
            "inventory:write",
            "locations:read",
            "orders:read",
        ),
        True,
    ),
    Role(
        "warehouse",
        "Fulfilment and stock at their warehouses: waves, pick, pack, ship, counts",
        (
            "carriers:read",
            "catalog:read",
            "fulfillment:write",
            "inventory:write",
            "locations:read",
            "orders:read",
        ),
        True,
    ),
    Role(
        "merchandiser",
        "Catalog, stock and planning across the network",
        (
            "catalog:write",
            "channels:read",
            "inventory:write",
            "locations:read",
            "orders:read",
            "sourcing:read",
        ),
        False,
    ),
    Role("viewer", "Reads everything, changes nothing", tuple(_reads()), False),
)


def check_role(role: Role) -> Role:
    validate_scopes(list(role.scopes))
    return role


def normalise_email(raw: str) -> str:
    email = raw.strip().lower()
    local, at, domain = email.partition("@")
    if not at or not local or "." not in domain or len(email) > 254 or " " in email:
        raise ValidationFailed(
            "invalid_email",
            "the email address is not valid",
            [FieldError("email", "invalid_email", "enter an address like name@example.com")],
        )
    return email


def check_password(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise ValidationFailed(
            "weak_password",
            f"a password needs {MIN_PASSWORD} to {MAX_PASSWORD} characters",
            [
                FieldError(
                    "password",
                    "weak_password",
                    f"use at least {MIN_PASSWORD} characters (a phrase of a few words works)",
                )
            ],
        )
    return password


@dataclass(frozen=True, slots=True)
class User:
    id: str
    email: str
    name: str
    role: str
    location_ids: tuple[str, ...] | None  # None: every location
    time_zone: str
    failed_sign_ins: int
    locked_until: datetime | None
    disabled_at: datetime | None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now

    @property
    def display(self) -> str:
        return self.name or self.email


def failed_attempt(failed_so_far: int, now: datetime) -> tuple[int, datetime | None]:
    """The counter after one more wrong password, and the lock it earns (if any)."""
    failed = failed_so_far + 1
    return (0, now + LOCKOUT) if failed >= MAX_FAILED_SIGN_INS else (failed, None)


@dataclass(frozen=True, slots=True)
class UserPrincipal(Principal):
    """A signed-in staff member: the role's scopes and the user's locations."""

    user_id: str = ""
    display: str = ""
    role: str = ""

    @property
    def actor(self) -> Actor:
        return Actor("user", self.user_id, self.display[:200])

    @classmethod
    def of(cls, user: User, role: Role) -> UserPrincipal:
        locations = frozenset(user.location_ids) if user.location_ids is not None else None
        return cls(
            key_id=user.id,
            name=user.email,
            scopes=frozenset(role.scopes),
            location_ids=locations,
            user_id=user.id,
            display=user.display,
            role=role.name,
        )


def new_session_token() -> tuple[str, str]:
    """A raw session token for the cookie and the hash that is stored."""
    raw = secrets.token_urlsafe(32)
    return raw, session_id(raw)


def session_id(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def session_ends(created_at: datetime, last_seen_at: datetime) -> datetime:
    return min(created_at + MAX_SESSION, last_seen_at + IDLE_TIMEOUT)
