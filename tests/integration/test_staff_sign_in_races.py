"""Wrong passwords sent at once from many threads: the lockout still happens, and no
wrong password is forgotten (the count is kept in the database, not read then written)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from switchyard.kernel.events import Actor
from switchyard.staff.domain import MAX_FAILED_SIGN_INS
from switchyard.staff.repository import UserRepository
from switchyard.staff.service import sign_in
from tests.console.staff import PASSWORD, make_user

pytestmark = pytest.mark.postgres


def test_wrong_passwords_at_once_lock_the_account(database):
    if database.dialect != "postgresql":
        pytest.skip("SQLite serialises writers: there is no race to lose there")
    user = make_user(database, "viewer")
    attempts = MAX_FAILED_SIGN_INS - 1

    def wrong(_: int) -> str | None:
        return database.run(Actor.system("t"), lambda uow: sign_in(uow, user.email, "guess")).error

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        results = list(pool.map(wrong, range(attempts)))
    assert results == ["wrong_credentials"] * attempts
    after = database.run(
        Actor.system("t"), lambda uow: uow.repo(UserRepository).get(user.id), read_only=True
    )
    assert after is not None and after.failed_sign_ins == attempts  # none lost
    # one more locks it, and then even the right password is refused
    assert (
        database.run(Actor.system("t"), lambda uow: sign_in(uow, user.email, "x")).error == "locked"
    )
    right = database.run(Actor.system("t"), lambda uow: sign_in(uow, user.email, PASSWORD))
    assert right.error == "locked" and right.token is None
