"""The Idempotency-Key store keeps each API key's keys apart and only ever takes over,
completes or releases a claim that is its own and still in progress (both databases)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from switchyard.api.idempotency_store import IdempotencyRepository
from switchyard.db.uow import Database, UnitOfWork
from switchyard.kernel.clock import utcnow
from switchyard.kernel.events import Actor
from tests.helpers import ref

ACTOR = Actor.system("idempotency-store-tests")


def _claim(
    principal: str, key: str, *, locked_for: float = 60, owner: str = "h/1/1"
) -> dict[str, Any]:
    now = utcnow()
    return {
        "principal_id": principal,
        "key": key,
        "request_hash": f"hash-of-{principal}",
        "state": "in_progress",
        "locked_until": now + timedelta(seconds=locked_for),
        "owner": owner,
        "created_at": now,
    }


def _run(database: Database, step: Any) -> Any:
    return database.run(ACTOR, lambda uow: step(uow.repo(IdempotencyRepository)))


def test_each_api_key_has_its_own_keys(database: Database):
    key, mine, theirs = ref("k"), ref("p"), ref("p")
    assert _run(database, lambda r: r.claim(_claim(mine, key))) is True
    assert _run(database, lambda r: r.claim(_claim(mine, key))) is False
    assert _run(database, lambda r: r.claim(_claim(theirs, key))) is True
    assert _run(database, lambda r: r.get(mine, key))["request_hash"] == f"hash-of-{mine}"
    assert _run(database, lambda r: r.get(theirs, key))["request_hash"] == f"hash-of-{theirs}"
    assert _run(database, lambda r: r.get(ref("p"), key)) is None

    _run(database, lambda r: r.complete(theirs, key, 201, {"id": "theirs"}))
    assert _run(database, lambda r: r.get(mine, key))["state"] == "in_progress"
    done = _run(database, lambda r: r.get(theirs, key))
    assert (done["state"], done["response_status"], done["response_body"]) == (
        "completed",
        201,
        {"id": "theirs"},
    )

    third = ref("p")
    _run(database, lambda r: r.claim(_claim(third, key)))
    _run(database, lambda r: r.release(third, key))
    assert _run(database, lambda r: r.get(third, key)) is None
    assert _run(database, lambda r: r.get(mine, key)) is not None


def test_release_frees_only_the_key_it_names(database: Database):
    principal, first, second = ref("p"), ref("k"), ref("k")
    _run(database, lambda r: r.claim(_claim(principal, first)))
    _run(database, lambda r: r.claim(_claim(principal, second)))
    _run(database, lambda r: r.release(principal, first))
    assert _run(database, lambda r: r.get(principal, first)) is None
    assert _run(database, lambda r: r.get(principal, second))["state"] == "in_progress"


def test_release_leaves_a_completed_key(database: Database):
    key, principal = ref("k"), ref("p")
    _run(database, lambda r: r.claim(_claim(principal, key)))
    _run(database, lambda r: r.complete(principal, key, 200, {"ok": True}))
    _run(database, lambda r: r.release(principal, key))
    assert _run(database, lambda r: r.get(principal, key))["response_body"] == {"ok": True}


def test_take_over_only_a_stale_claim_of_its_own_in_progress(database: Database):
    now = utcnow()
    until = now + timedelta(seconds=60)
    key, stale, fresh, other = ref("k"), ref("p"), ref("p"), ref("p")
    _run(database, lambda r: r.claim(_claim(stale, key, locked_for=-5)))
    _run(database, lambda r: r.claim(_claim(fresh, key, locked_for=60)))
    _run(database, lambda r: r.claim(_claim(other, key, locked_for=60)))

    def take(principal: str, **kw: Any) -> bool:
        return _run(
            database,
            lambda r: r.take_over(principal, key, now=utcnow(), until=until, owner="h/2/2", **kw),
        )

    assert take(fresh) is False  # its lock still runs and its owner is not known gone
    assert take(fresh, dead_owner="h/9/9") is False  # another owner died, not this one
    assert take(stale) is True
    assert _run(database, lambda r: r.get(stale, key))["owner"] == "h/2/2"
    assert _run(database, lambda r: r.get(other, key))["owner"] == "h/1/1"  # untouched
    assert take(fresh, dead_owner="h/1/1") is True

    _run(database, lambda r: r.complete(other, key, 200, {}))
    assert take(other, dead_owner="h/1/1") is False  # completed: nothing to take over
    assert _run(database, lambda r: r.get(other, key))["state"] == "completed"


def test_uow_sees_its_own_claim(database: Database):
    key, principal = ref("k"), ref("p")

    def claim_and_read(uow: UnitOfWork) -> dict[str, Any] | None:
        repo = uow.repo(IdempotencyRepository)
        repo.claim(_claim(principal, key))
        return repo.get(principal, key)

    assert database.run(ACTOR, claim_and_read)["key"] == key
