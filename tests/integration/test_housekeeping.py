"""Housekeeping releases expired cart holds, on both databases."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from switchyard.housekeeping import Housekeeper, Job, run_once
from switchyard.inventory import holds
from switchyard.inventory.verify import verify
from switchyard.kernel.clock import utcnow
from switchyard.kernel.events import Actor
from tests.e2e.skeleton import make_channel, make_location, make_sku, stock
from tests.integration.test_inventory_fixtures import level

ACTOR = Actor.system("tests")


def _expiring_hold(client, database, seconds: float) -> tuple[dict, dict, str]:
    channel, loc = make_channel(client), make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, loc, 5)
    expires = utcnow() + timedelta(seconds=seconds)
    made = database.run(
        ACTOR, lambda uow: holds.create_hold(uow, [(sku["id"], loc["id"], 3)], expires)
    )
    return sku, loc, made["id"]


def _ledger(database, sku, loc) -> tuple[int, int]:
    """The balance's on_hand and reserved as stored (availability already leaves expired
    holds out, so it cannot tell whether housekeeping freed them)."""
    row = level(database, sku["id"], loc["id"])
    assert row is not None, "no balance for the hold's SKU and location"
    return row["on_hand"], row["reserved"]


def _hold(database, hold_id: str) -> dict[str, Any]:
    return database.run(ACTOR, lambda uow: holds.get_hold(uow, hold_id), read_only=True)


def test_run_once_releases_expired_holds(client, database):
    sku, loc, hold_id = _expiring_hold(client, database, 0.2)
    kept, _, kept_id = _expiring_hold(client, database, 3600)
    time.sleep(0.3)
    assert _ledger(database, sku, loc) == (5, 3)  # expired, still in the ledger
    assert _hold(database, hold_id)["status"] == "expired"
    results = run_once(database)
    assert results["expire cart holds"] >= 1
    assert _ledger(database, sku, loc) == (5, 0)
    assert {line["status"] for line in _hold(database, hold_id)["lines"]} != {"open"}
    assert _hold(database, kept_id)["status"] == "open"  # a live hold stays
    assert database.run(ACTOR, lambda uow: verify(uow, [sku["id"], kept["id"]])) == []


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
