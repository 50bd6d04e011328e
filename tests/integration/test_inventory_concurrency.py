"""Zero oversell under concurrency: many threads and several processes reserving at once.

Each test ends by checking the ledger: reserved never above on_hand, successes exactly
equal to the stock, reserved equal to the open reservations (``verify`` clean).
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import random
from collections import Counter

import pytest

from switchyard.db.engine import make_engine
from switchyard.db.uow import Database
from switchyard.inventory import service as inventory
from switchyard.inventory.service import ReservationRequest
from switchyard.inventory.verify import verify
from switchyard.kernel.errors import Conflict
from switchyard.kernel.events import Actor
from switchyard.kernel.ids import new_id
from tests.integration.test_inventory_fixtures import level, make_locations, make_skus, run

ACTOR = Actor.system("race")


def _drain(database: Database, sku: str, loc: str, limit: int) -> int:
    """Reserve one unit at a time until told there is none left; the successes."""
    won = 0
    for _ in range(limit):
        order = new_id("ord")
        try:
            database.run(
                ACTOR,
                lambda uow, order=order: inventory.reserve(
                    uow, [ReservationRequest(sku, loc, 1, order, order + "-1")]
                ),
            )
        except Conflict:
            return won
        won += 1
    return won


def _drain_in_process(url: str, sku: str, loc: str, threads: int) -> int:
    """A separate process with its own engine and connection pool."""
    engine = make_engine(url, pool_size=threads)
    database = Database(engine)
    try:
        with cf.ThreadPoolExecutor(threads) as pool:
            return sum(pool.map(lambda _: _drain(database, sku, loc, 10_000), range(threads)))
    finally:
        engine.dispose()


def _assert_clean(database, skus):
    assert run(database, lambda uow: verify(uow, skus)) == []


def test_threads_on_one_sku_sell_exactly_the_stock(database):
    (sku,) = make_skus(database)
    (loc,) = make_locations(database)
    stock = 60
    run(database, lambda uow: inventory.receive(uow, sku, loc, stock))
    with cf.ThreadPoolExecutor(12) as pool:
        won = sum(pool.map(lambda _: _drain(database, sku, loc, 1000), range(12)))
    assert won == stock
    row = level(database, sku, loc)
    assert row["reserved"] == row["on_hand"] == stock
    _assert_clean(database, [sku])


def test_processes_on_one_sku_sell_exactly_the_stock(database):
    if database.dialect != "postgresql":
        pytest.skip("several processes writing at once is the PostgreSQL deployment")
    (sku,) = make_skus(database)
    (loc,) = make_locations(database)
    stock = 200
    run(database, lambda uow: inventory.receive(uow, sku, loc, stock))
    url = database.engine.url.render_as_string(hide_password=False)
    ctx = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(4, mp_context=ctx) as pool:
        futures = [pool.submit(_drain_in_process, url, sku, loc, 4) for _ in range(4)]
        won = sum(f.result(timeout=120) for f in futures)
    assert won == stock
    row = level(database, sku, loc)
    assert row["reserved"] == row["on_hand"] == stock
    _assert_clean(database, [sku])


def _shop(database: Database, pairs: list[tuple[str, str]], seed: int) -> Counter:
    """Place random multi-line orders in random line order; release some again.

    Returns units still reserved per pair by this shopper's surviving orders.
    """
    rng = random.Random(seed)
    held: Counter = Counter()
    for _ in range(40):
        order = new_id("ord")
        lines = rng.sample(pairs, rng.randint(1, 4))
        requests = [
            ReservationRequest(s, loc, rng.randint(1, 3), order, f"{order}-{i}")
            for i, (s, loc) in enumerate(lines)
        ]
        try:
            database.run(ACTOR, lambda uow, r=requests: inventory.reserve(uow, r))
        except Conflict:
            continue
        if rng.random() < 0.3:
            database.run(ACTOR, lambda uow, o=order: inventory.release_for_order(uow, o))
            continue
        for r in requests:
            held[(r.sku_id, r.location_id)] += r.quantity
    return held


def test_threads_on_many_skus_in_random_order_never_oversell(database):
    skus = make_skus(database, 6)
    locs = make_locations(database, 2)
    pairs = [(s, loc) for s in skus for loc in locs]
    run(database, lambda uow: [inventory.receive(uow, s, loc, 25) for s, loc in pairs])
    with cf.ThreadPoolExecutor(10) as pool:
        results = list(pool.map(lambda seed: _shop(database, pairs, seed), range(10)))
    held = sum(results, Counter())
    for s, loc in pairs:
        row = level(database, s, loc)
        assert row["reserved"] == held[(s, loc)] <= row["on_hand"] == 25
    assert sum(held.values()) > 0
    _assert_clean(database, skus)


def _shop_in_process(url: str, pairs: list[tuple[str, str]], seed: int) -> dict:
    engine = make_engine(url, pool_size=4)
    database = Database(engine)
    try:
        with cf.ThreadPoolExecutor(3) as pool:
            results = list(
                pool.map(lambda s: _shop(database, pairs, s), [seed, seed + 1, seed + 2])
            )
        return dict(sum(results, Counter()))
    finally:
        engine.dispose()


def test_processes_on_many_skus_never_oversell(database):
    if database.dialect != "postgresql":
        pytest.skip("several processes writing at once is the PostgreSQL deployment")
    skus = make_skus(database, 5)
    locs = make_locations(database, 2)
    pairs = [(s, loc) for s in skus for loc in locs]
    run(database, lambda uow: [inventory.receive(uow, s, loc, 30) for s, loc in pairs])
    url = database.engine.url.render_as_string(hide_password=False)
    ctx = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(3, mp_context=ctx) as pool:
        futures = [pool.submit(_shop_in_process, url, pairs, seed * 10) for seed in range(3)]
        held: Counter = Counter()
        for f in futures:
            held.update(f.result(timeout=120))
    for s, loc in pairs:
        row = level(database, s, loc)
        assert row["reserved"] == held[(s, loc)] <= row["on_hand"] == 30
    assert sum(held.values()) > 0, "the shoppers reserved nothing"
    _assert_clean(database, skus)
