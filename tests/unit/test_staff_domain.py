"""Staff users' rules without a database: lockout, sessions, emails, passwords, roles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from switchyard.auth.domain import SCOPES
from switchyard.kernel.errors import ValidationFailed
from switchyard.staff import passwords
from switchyard.staff.domain import (
    DEFAULT_ROLES,
    IDLE_TIMEOUT,
    LOCKOUT,
    MAX_FAILED_SIGN_INS,
    MAX_SESSION,
    User,
    UserPrincipal,
    check_password,
    failed_attempt,
    normalise_email,
    session_ends,
)

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def _user(**over) -> User:
    values = {
        "id": "usr_1",
        "email": "bea@example.com",
        "name": "Bea",
        "role": "store_associate",
        "location_ids": ("loc_ber",),
        "time_zone": "Europe/Berlin",
        "failed_sign_ins": 0,
        "locked_until": None,
        "disabled_at": None,
    }
    return User(**(values | over))


def test_the_fifth_wrong_password_locks_and_restarts_the_count():
    counts = []
    failed = 0
    for _ in range(MAX_FAILED_SIGN_INS):
        failed, lock = failed_attempt(failed, NOW)
        counts.append((failed, lock))
    assert [c for c, _ in counts[:-1]] == list(range(1, MAX_FAILED_SIGN_INS))
    assert all(lock is None for _, lock in counts[:-1])
    assert counts[-1] == (0, NOW + LOCKOUT)


def test_a_lock_holds_until_its_time():
    user = _user(locked_until=NOW + timedelta(minutes=1))
    assert user.locked(NOW)
    assert not user.locked(NOW + timedelta(minutes=1))
    assert not _user().locked(NOW)


def test_a_session_ends_when_idle_or_after_a_shift_whichever_first():
    start = NOW
    assert session_ends(start, start) == start + IDLE_TIMEOUT
    late = start + MAX_SESSION - timedelta(minutes=5)
    assert session_ends(start, late) == start + MAX_SESSION


@pytest.mark.parametrize("raw", ["", "no-at.example.com", "a@b", "a b@example.com", "@example.com"])
def test_an_invalid_email_is_a_field_error(raw):
    with pytest.raises(ValidationFailed) as err:
        normalise_email(raw)
    assert err.value.errors[0].field == "email"


def test_emails_are_compared_in_lower_case_without_spaces():
    assert normalise_email("  Bea.Berlin@Example.COM ") == "bea.berlin@example.com"


def test_a_short_password_is_refused():
    with pytest.raises(ValidationFailed) as err:
        check_password("short")
    assert err.value.code == "weak_password" and err.value.errors[0].field == "password"
    assert check_password("ten chars!") == "ten chars!"


def test_passwords_are_stored_as_argon2id_and_verify_only_themselves():
    stored = passwords.hash_password("correct horse battery")
    assert stored.startswith("$argon2id$") and "correct" not in stored
    assert passwords.verify(stored, "correct horse battery")
    assert not passwords.verify(stored, "correct horse batterY")
    assert not passwords.verify(None, "switchyard-no-such-user")  # the dummy never matches
    assert not passwords.verify("not a hash", "anything")


def test_every_default_role_grants_known_scopes_and_the_bound_ones_are_the_floor_roles():
    for role in DEFAULT_ROLES:
        assert set(role.scopes) <= SCOPES, role.name
    bound = {r.name for r in DEFAULT_ROLES if r.location_bound}
    assert bound == {"store_associate", "warehouse"}
    viewer = next(r for r in DEFAULT_ROLES if r.name == "viewer")
    assert all(s.endswith(":read") for s in viewer.scopes)


def test_a_user_acts_with_the_role_s_scopes_at_the_user_s_locations():
    role = next(r for r in DEFAULT_ROLES if r.name == "store_associate")
    principal = UserPrincipal.of(_user(), role)
    assert principal.has("fulfillment:write") and principal.has("orders:read")
    assert not principal.has("orders:write") and not principal.has("admin")
    assert principal.restricted and principal.can_access_location("loc_ber")
    assert not principal.can_access_location("loc_muc")
    assert principal.actor.kind == "user" and principal.actor.id == "usr_1"
    assert principal.actor.name == "Bea"
