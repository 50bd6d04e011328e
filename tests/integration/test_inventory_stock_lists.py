"""StockListRepository: a location's balances by stock health, and a SKU's ledger newest
first, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from typing import Any

from switchyard.inventory import operations
from switchyard.inventory.stock_list_repository import StockListRepository
from switchyard.kernel.events import Actor
from tests.e2e.skeleton import make_channel, make_location, make_sku, stock

SYSTEM = Actor.system("tests")


def _balances(database, **kw: Any) -> list[dict[str, Any]]:
    args = {"location_id": None, "health": [], "q": None, "after": None, "limit": 50} | kw
    return database.run(
        SYSTEM, lambda uow: uow.repo(StockListRepository).balances(**args), read_only=True
    )


def test_balances_by_location_health_text_and_cursor(client, database):
    channel = make_channel(client)
    here, there = make_location(client), make_location(client)
    plenty, none_free, eaten, zero = (make_sku(client, channel) for _ in range(4))
    stock(database, plenty, here, 9)
    stock(database, none_free, here, 3)
    stock(database, eaten, here, 5)
    stock(database, zero, here, 1)
    stock(database, plenty, there, 2)

    def settings(uow):
        operations.set_stock_settings(uow, none_free["id"], here["id"], safety_stock=3)
        operations.set_stock_settings(uow, eaten["id"], here["id"], safety_stock=8)
        operations.adjust(uow, zero["id"], here["id"], -1, "lost")

    database.run(SYSTEM, settings)
    ids = lambda rows: [r["sku_id"] for r in rows]  # noqa: E731
    everything = sorted(s["id"] for s in (plenty, none_free, eaten, zero))
    assert ids(_balances(database, location_id=here["id"])) == everything
    out = _balances(database, location_id=here["id"], health=["out_of_stock"])
    assert ids(out) == [zero["id"]]  # 3 free of a safety stock of 3 are still on the shelf
    below = _balances(database, location_id=here["id"], health=["below_safety"])
    assert ids(below) == [eaten["id"]]  # 5 free of a safety stock of 8; 3 of 3 is not below
    assert below[0]["sku"] == eaten["sku"] and below[0]["name"] == "Merino sweater"
    found = _balances(database, q=plenty["sku"].lower())
    assert [(r["sku_id"], r["location_id"]) for r in found] == sorted(
        [(plenty["id"], here["id"]), (plenty["id"], there["id"])]
    )
    page = _balances(database, location_id=here["id"], limit=2)
    assert ids(page) == everything[:3]  # limit + 1: the caller sees there is more
    rest = _balances(database, location_id=here["id"], after=(everything[1], here["id"]))
    assert ids(rest) == everything[2:]
    assert _balances(database, q="100%_") == []  # wildcards are text, not patterns


def test_movements_newest_first_by_location_and_before_a_cursor(client, database):
    channel = make_channel(client)
    here, there = make_location(client), make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, here, 10)
    time.sleep(0.002)  # ids order movements by the millisecond they were made in
    stock(database, sku, there, 5)
    for quantity in (-1, -2, -3):
        time.sleep(0.002)
        database.run(
            SYSTEM, lambda uow, q=quantity: operations.adjust(uow, sku["id"], here["id"], q, "x")
        )

    def moves(**kw: Any) -> list[dict[str, Any]]:
        args = {"sku_id": sku["id"], "location_id": None, "before_id": None, "limit": 10} | kw
        return database.run(
            SYSTEM, lambda uow: uow.repo(StockListRepository).movements(**args), read_only=True
        )

    assert [m["quantity"] for m in moves()] == [-3, -2, -1, 5, 10]
    assert [m["quantity"] for m in moves(location_id=here["id"])] == [-3, -2, -1, 10]
    newest = moves(limit=1)
    assert len(newest) == 2  # limit + 1
    assert [m["quantity"] for m in moves(before_id=newest[0]["id"], limit=2)] == [-2, -1, 5]
