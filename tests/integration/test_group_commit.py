"""Group commit keeps every use case atomic and exactly-once, on both databases."""

from __future__ import annotations

import concurrent.futures as cf

import pytest
from sqlalchemy import func, select

from switchyard.channels.repository import ChannelRepository
from switchyard.channels.service import create_channel
from switchyard.db.group_commit import GroupCommitter
from switchyard.db.uow import UnitOfWork
from switchyard.events.tables import events
from switchyard.kernel.errors import Conflict, SwitchyardError
from switchyard.kernel.events import Actor
from tests.helpers import ref

ACTOR = Actor.system("tests")


def test_batches_isolate_failures_and_races(database):
    committer = GroupCommitter(database, max_batch=16, max_wait=0.01, threads=2)
    prefix = ref("gc")
    # 120 creates over 60 codes: every code is created once, its twin gets channel_code_taken;
    # every 7th item is invalid and fails on its own.
    codes = [f"{prefix}-{i % 60}" for i in range(120)]

    def submit(i: int) -> str:
        currency = "eur" if i % 7 == 0 else "EUR"
        values = {"code": codes[i], "name": "n", "type": "web", "currency": currency}
        try:
            return committer.run(ACTOR, lambda uow: create_channel(uow, dict(values))["id"])
        except SwitchyardError as exc:
            return exc.code

    try:
        with cf.ThreadPoolExecutor(24) as pool:
            outcomes = list(pool.map(submit, range(120)))
    finally:
        committer.close()
    assert committer.batches < 120  # batching happened
    created = [o for o in outcomes if o.startswith("chn_")]
    assert set(outcomes) - set(created) <= {"channel_code_taken", "invalid_channel"}

    def stored(uow: UnitOfWork) -> tuple[int, int]:
        found = sum(uow.repo(ChannelRepository).get(c) is not None for c in set(codes))
        event_count = uow.conn.execute(
            select(func.count()).select_from(events).where(events.c.aggregate_id.in_(created))
        ).scalar_one()
        return found, event_count

    found, event_count = database.run(ACTOR, stored, read_only=True)
    # each code that had at least one valid attempt exists exactly once, with one event
    valid_codes = {codes[i] for i in range(120) if i % 7 != 0}
    assert found == len(valid_codes) == len(created)
    assert event_count == len(created)


def test_domain_error_reaches_the_caller(database):
    committer = GroupCommitter(database, max_batch=4, max_wait=0.001)

    def fail(uow: UnitOfWork) -> None:
        raise Conflict("nope", "refused")

    try:
        with pytest.raises(Conflict):
            committer.run(ACTOR, fail)
        assert committer.run(ACTOR, lambda uow: 42) == 42
    finally:
        committer.close()
