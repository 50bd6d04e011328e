"""Housekeeping releases expired cart holds, on both databases."""

from __future__ import annotations

import time
from datetime import timedelta

from switchyard.housekeeping import Housekeeper, Job, run_once
from switchyard.inventory import holds
from switchyard.inventory import service as inventory
from switchyard.kernel.clock import utcnow
from switchyard.kernel.events import Actor
from tests.e2e.skeleton import make_channel, make_location, make_sku, stock

ACTOR = Actor.system("tests")


def _expiring_hold(client, database, seconds: float) -> tuple[dict, dict]:
    channel, loc = make_channel(client), make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, loc, 5)
    expires = utcnow() + timedelta(seconds=seconds)
    database.run(ACTOR, lambda uow: holds.create_hold(uow, [(sku["id"], loc["id"], 3)], expires))
    return sku, loc


def reserved(database, sku, loc) -> int:
    levels = database.run(
        ACTOR, lambda uow: inventory.available(uow, [sku["id"]], [loc["id"]]), read_only=True
    )
    return 5 - levels.get((sku["id"], loc["id"]), 0)


def test_run_once_releases_expired_holds(client, database):
    sku, loc = _expiring_hold(client, database, 0.2)
    time.sleep(0.3)
    # availability already ignores the expired hold; housekeeping frees it in the ledger
    results = run_once(database)
    assert results["expire cart holds"] >= 1
    assert reserved(database, sku, loc) == 0
    problems = database.run(ACTOR, lambda uow: inventory_verify(uow, sku), read_only=True)
    assert problems == []


def inventory_verify(uow, sku):
    from switchyard.inventory.verify import verify

    return verify(uow, [sku["id"]])


def test_background_housekeeper_runs_jobs_until_stopped(database):
    calls: list[int] = []
    keeper = Housekeeper(database, [Job("count", 0.05, lambda uow: calls.append(1))])
    keeper.start()
    time.sleep(0.3)
    keeper.stop()
    seen = len(calls)
    assert seen >= 3
    time.sleep(0.15)
    assert len(calls) == seen
