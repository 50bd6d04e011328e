"""Single-order placement reserves stock at commit (``inventory.late``): the balance row is
locked for the commit only. Stock taken meanwhile makes the placement run again against
the stock as it is then; never an oversell, never a reservation without its units."""

from __future__ import annotations

import concurrent.futures as cf
import random
import threading
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event

from switchyard.catalog.pricing import set_prices
from switchyard.catalog.sku_creation import create_skus
from switchyard.channels.service import create_channel
from switchyard.db.uow import Database, UnitOfWork
from switchyard.inventory import service as inventory
from switchyard.inventory.operations import set_stock_settings
from switchyard.inventory.repository import StockRepository
from switchyard.inventory.service import ReservationRequest
from switchyard.inventory.verify import verify
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import Conflict, Unavailable
from switchyard.kernel.events import Actor
from switchyard.locations.service import create_location
from switchyard.orders.schemas import OrderCreate
from switchyard.placement.place import place_order
from tests.helpers import ref
from tests.integration.test_inventory_fixtures import level

ACTOR = Actor.system("late-tests")


def _shop(database: Database, units: int) -> dict[str, Any]:
    def build(uow: UnitOfWork) -> dict[str, Any]:
        channel = create_channel(
            uow, {"code": ref("CH"), "name": "Shop", "type": "web", "currency": "EUR"}
        )
        loc = create_location(
            uow,
            {
                "code": ref("LOC"),
                "name": "Warehouse",
                "type": "warehouse",
                "address": {"line1": "1 Dock St", "city": "Hamburg", "country_code": "DE"},
            },
        )
        (sku,) = create_skus(
            uow,
            [
                {
                    "sku": ref("HOT"),
                    "product_name": "Hot item",
                    "prices": [
                        {"channel": channel["code"], "currency": "EUR", "amount": Decimal(5)}
                    ],
                }
            ],
        )
        inventory.receive(uow, sku["id"], loc["id"], units)
        return {"channel": channel, "location": loc, "sku": sku}

    return database.run(ACTOR, build)


def _body(shop: dict[str, Any], n: int) -> OrderCreate:
    return OrderCreate.model_validate(
        {
            "channel": shop["channel"]["code"],
            "external_id": ref(f"o{n}-"),
            "customer": {"email": f"fan{n}@example.com", "name": "Fan"},
            "shipping_address": {
                "line1": "Invalidenstrasse 12",
                "city": "Berlin",
                "postal_code": "10115",
                "country_code": "DE",
            },
            "lines": [{"sku": shop["sku"]["sku"], "quantity": 1}],
        }
    )


def _place_at_commit(uow: UnitOfWork, cmd: OrderCreate) -> Any:
    return place_order(uow, cmd)


def test_stock_taken_before_commit_makes_the_placement_run_again(database):
    if database.dialect != "postgresql":
        pytest.skip("SQLite's single writer cannot take stock in the middle of a transaction")
    shop = _shop(database, 1)
    sku, loc = shop["sku"]["id"], shop["location"]["id"]
    attempts = []

    def take_the_last_unit(other: UnitOfWork) -> None:
        # Not blocked: the placement has not locked the balance (if it had, this would
        # wait for it forever; the timeout turns that regression into an error).
        other.conn.exec_driver_sql("SET LOCAL lock_timeout = '5s'")
        inventory.reserve(other, [ReservationRequest(sku, loc, 1, "x", "y")])

    def placement(uow: UnitOfWork) -> Any:
        attempts.append(len(attempts) + 1)
        order = _place_at_commit(uow, _body(shop, 1))
        if len(attempts) == 1:  # someone else takes the last unit before this commits
            database.run(ACTOR, take_the_last_unit)
        return order

    with pytest.raises(Conflict) as refused:
        database.run(ACTOR, placement)
    assert refused.value.code == "insufficient_stock"
    assert attempts == [1, 2]  # the second run sourced against the stock as it was
    row = level(database, sku, loc)
    assert row is not None and (row["on_hand"], row["reserved"]) == (1, 1)
    assert database.run(ACTOR, lambda uow: verify(uow, [sku])) == []


def test_a_placement_that_loses_the_stock_at_every_attempt_is_503_contended(database):
    """Every attempt runs the same algorithm (reserve at commit); one that finds its units
    taken each time, up to ``max_attempts``, gives up with nothing saved."""
    if database.dialect != "postgresql":
        pytest.skip("SQLite's single writer cannot take stock in the middle of a transaction")
    shop = _shop(database, 1)
    sku, loc = shop["sku"]["id"], shop["location"]["id"]
    attempts = []

    def take_the_last_unit(other: UnitOfWork) -> None:
        other.conn.exec_driver_sql("SET LOCAL lock_timeout = '5s'")
        inventory.reserve(other, [ReservationRequest(sku, loc, 1, "x", "y")])

    def placement(uow: UnitOfWork) -> Any:
        attempts.append(len(attempts) + 1)
        order = _place_at_commit(uow, _body(shop, 1))
        database.run(ACTOR, take_the_last_unit)
        return order

    database.max_attempts, before = 1, database.max_attempts
    try:
        with pytest.raises(Unavailable) as gave_up:
            database.run(ACTOR, placement)
    finally:
        database.max_attempts = before
    assert gave_up.value.code == "contended"
    assert gave_up.value.extra == {"retry_after": 1}
    assert attempts == [1]
    row = level(database, sku, loc)
    assert row is not None and (row["on_hand"], row["reserved"]) == (1, 1)  # the other's
    assert database.run(ACTOR, lambda uow: verify(uow, [sku])) == []


def test_many_threads_on_one_hot_sku_sell_exactly_the_stock(database):
    units, threads = 40, 12
    shop = _shop(database, units)
    counter = iter(range(10_000))

    start = threading.Barrier(threads)

    def customer(_: int) -> tuple[int, int]:
        won = 0
        start.wait(timeout=30)
        while True:
            n = next(counter)
            try:
                database.run(ACTOR, lambda uow, n=n: _place_at_commit(uow, _body(shop, n)))
            except Conflict as exc:
                assert exc.code == "insufficient_stock"
                return won, 1
            won += 1

    with cf.ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(customer, range(threads)))
    assert sum(w for w, _ in results) == units
    row = level(database, shop["sku"]["id"], shop["location"]["id"])
    assert row is not None and row["reserved"] == row["on_hand"] == units
    assert database.run(ACTOR, lambda uow: verify(uow, [shop["sku"]["id"]])) == []


def test_orders_of_several_hot_skus_in_any_order_never_deadlock_or_oversell(database):
    """Each order reserves 2 or 3 of the same few SKUs, listed in random order: the
    balances are locked in one order at commit, so threads never deadlock each other out
    of the retries, and the units sold equal what was reserved."""
    units, threads = 30, 10
    shops = [_shop(database, units) for _ in range(3)]
    channel = shops[0]["channel"]["code"]

    def add_prices(uow: UnitOfWork) -> None:  # every SKU sellable on the first shop's channel
        for shop in shops[1:]:
            price = {"channel": channel, "currency": "EUR", "amount": Decimal(5)}
            set_prices(uow, shop["sku"]["id"], [price])

    database.run(ACTOR, add_prices)
    counter = iter(range(10_000))
    rng = random.Random(5)
    baskets = [rng.sample(shops, rng.choice([2, 3])) for _ in range(2_000)]
    start = threading.Barrier(threads)

    def customer(_: int) -> Counter[str]:
        sold = Counter[str]()  # this thread's: a Counter shared by threads loses updates
        start.wait(timeout=30)
        while True:
            n = next(counter)
            basket = baskets[n]
            cmd = OrderCreate.model_validate(
                {
                    **_body(shops[0], n).model_dump(mode="json"),
                    "lines": [{"sku": s["sku"]["sku"], "quantity": 1} for s in basket],
                }
            )
            try:
                database.run(ACTOR, lambda uow, cmd=cmd: _place_at_commit(uow, cmd))
            except Conflict as exc:
                assert exc.code == "insufficient_stock"
                return sold
            for s in basket:
                sold[s["sku"]["id"]] += 1

    with cf.ThreadPoolExecutor(threads) as pool:
        sold = sum(pool.map(customer, range(threads)), Counter[str]())
    ids = [s["sku"]["id"] for s in shops]
    for shop in shops:
        row = level(database, shop["sku"]["id"], shop["location"]["id"])
        assert row is not None and row["reserved"] == sold[shop["sku"]["id"]] <= units
    assert max(sold.values()) == units  # the stock of some SKU ran out
    assert database.run(ACTOR, lambda uow: verify(uow, ids)) == []


def test_reserving_in_turn_stops_at_the_first_balance_short_of_units(database):
    shops = [_shop(database, units) for units in (5, 1, 5)]
    pairs = [(s["sku"]["id"], s["location"]["id"]) for s in shops]
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    def attempt(uow: UnitOfWork) -> list[Any]:
        stock = uow.repo(StockRepository)
        event.listen(database.engine, "before_cursor_execute", count)
        try:
            levels = stock.try_reserve_in_turn([(p, 2) for p in pairs], utcnow())
        finally:
            event.remove(database.engine, "before_cursor_execute", count)
        # Within the transaction: the first reserved, the short one and the one after it
        # untouched (not even locked on PostgreSQL: its update never ran).
        seen = [stock.lock(*p) for p in pairs]
        raise _Seen([levels, seen])

    with pytest.raises(_Seen) as outcome:
        database.run(ACTOR, attempt)
    levels, seen = outcome.value.args[0]
    assert levels[0] is not None and levels[0].reserved == 2 and levels[1:] == [None, None]
    assert [lv.reserved for lv in seen] == [2, 0, 0]
    assert len(statements) == (1 if database.dialect == "postgresql" else 2)
    assert [level(database, *p)["reserved"] for p in pairs] == [0, 0, 0]  # rolled back


class _Seen(Exception):
    """Carries what a unit of work saw out of it, rolling it back."""


def test_a_balance_held_by_lapsed_cart_holds_is_freed_at_commit(database):
    shop = _shop(database, 2)
    sku, loc = shop["sku"]["id"], shop["location"]["id"]
    past = utcnow() - timedelta(minutes=5)
    database.run(
        ACTOR,
        lambda uow: inventory.reserve(uow, [ReservationRequest(sku, loc, 2, expires_at=past)]),
    )
    assert level(database, sku, loc)["reserved"] == 2  # still counted until expired

    order = database.run(ACTOR, lambda uow: _place_at_commit(uow, _body(shop, 3)))

    assert order.status == "allocated"
    assert level(database, sku, loc)["reserved"] == 1  # the hold expired, the order reserved
    assert database.run(ACTOR, lambda uow: verify(uow, [sku])) == []


def test_safety_stock_raised_before_commit_is_kept_by_a_several_line_order(database):
    """PostgreSQL reserves a several-balance order at commit in one chained statement
    (``StockRepository.try_reserve_in_turn``); it must keep the safety stock as it is then,
    set meanwhile by a planner, not as sourcing saw it."""
    if database.dialect != "postgresql":
        pytest.skip("SQLite's single writer cannot change stock in the middle of a transaction")
    shop = _shop(database, 5)
    loc = shop["location"]["id"]

    def second_sku(uow: UnitOfWork) -> dict[str, Any]:
        price = {"channel": shop["channel"]["code"], "currency": "EUR", "amount": Decimal(5)}
        (sku,) = create_skus(uow, [{"sku": ref("COLD"), "product_name": "Cold", "prices": [price]}])
        inventory.receive(uow, sku["id"], loc, 5)
        return sku

    cold = database.run(ACTOR, second_sku)
    hot = shop["sku"]["id"]
    body = _body(shop, 3).model_dump(mode="json", exclude_none=True)
    body["lines"] = [
        {"sku": shop["sku"]["sku"], "quantity": 3},
        {"sku": cold["sku"], "quantity": 1},
    ]
    cmd = OrderCreate.model_validate(body)
    attempts = []

    def keep_three(other: UnitOfWork) -> None:
        other.conn.exec_driver_sql("SET LOCAL lock_timeout = '5s'")
        set_stock_settings(other, hot, loc, safety_stock=3)

    def placement(uow: UnitOfWork) -> Any:
        attempts.append(len(attempts) + 1)
        order = _place_at_commit(uow, cmd)
        if len(attempts) == 1:  # sourced against 5 free units; only 2 may be sold now
            database.run(ACTOR, keep_three)
        return order

    with pytest.raises(Conflict) as refused:
        database.run(ACTOR, placement)
    assert refused.value.code == "insufficient_stock"
    assert len(attempts) == 2
    for sku_id in (hot, cold["id"]):
        row = level(database, sku_id, loc)
        assert row is not None and (row["on_hand"], row["reserved"]) == (5, 0), row
