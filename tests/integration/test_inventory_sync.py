"""Bulk snapshot and delta sync from an external system; the verify audit."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from switchyard.inventory import service as inventory
from switchyard.inventory.service import ReservationRequest
from switchyard.inventory.sync import sync_stock
from switchyard.inventory.tables import stock_levels
from switchyard.inventory.verify import verify
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import ValidationFailed
from tests.integration.test_inventory_fixtures import level, make_locations, make_skus, run


def test_full_snapshot_keeps_what_happened_after_its_timestamp(database):
    a, b, c = make_skus(database, 3)
    (loc,) = make_locations(database)
    run(database, lambda uow: [inventory.receive(uow, s, loc, 10) for s in (a, b, c)])
    as_of = utcnow()
    # after the WMS took its snapshot: a reservation, a shipment and a receipt
    run(database, lambda uow: inventory.reserve(uow, [ReservationRequest(a, loc, 3, "o", "l")]))
    run(database, lambda uow: inventory.consume(uow, "l", loc, 1, "ful"))
    run(database, lambda uow: inventory.receive(uow, b, loc, 5))
    result = run(
        database, lambda uow: sync_stock(uow, loc, [(a, 7), (b, 10)], mode="full", as_of=as_of)
    )
    assert level(database, a, loc)["on_hand"] == 6  # 7 counted, 1 shipped since
    assert level(database, a, loc)["reserved"] == 2  # the reservation survives
    assert level(database, b, loc)["on_hand"] == 15  # 10 counted + 5 received since
    assert level(database, c, loc)["on_hand"] == 0  # absent from a full snapshot: none
    assert (result.changed, result.unchanged) == (2, 1)
    assert run(database, lambda uow: verify(uow, [a, b, c])) == []


def test_delta_sync_and_validation(database):
    a, b = make_skus(database, 2)
    (loc,) = make_locations(database)
    run(database, lambda uow: inventory.receive(uow, a, loc, 4))
    result = run(database, lambda uow: sync_stock(uow, loc, [(a, -1), (b, 3)], mode="delta"))
    assert (result.created, result.changed) == (1, 2)
    assert level(database, a, loc)["on_hand"] == 3 and level(database, b, loc)["on_hand"] == 3
    with pytest.raises(ValidationFailed) as caught:
        run(database, lambda uow: sync_stock(uow, loc, [(a, -1), (a, 2)], mode="full"))
    assert {e.field for e in caught.value.errors} == {"items.0.quantity", "items.1.sku"}


def test_thousands_of_rows_in_one_request(database):
    skus = make_skus(database, 3000)
    (loc,) = make_locations(database)
    items = [(s, i % 7) for i, s in enumerate(skus)]
    statements = []

    def count(*args):
        statements.append(args[2])

    from sqlalchemy import event

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        result = run(database, lambda uow: sync_stock(uow, loc, items, mode="full"))
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
    assert result.created == sum(1 for _, q in items if q)
    assert len(statements) < 30, statements[:40]
    assert level(database, skus[6], loc)["on_hand"] == 6
    again = run(database, lambda uow: sync_stock(uow, loc, items, mode="full"))
    assert again.changed == 0


def test_verify_reports_a_tampered_balance(database):
    (sku,) = make_skus(database)
    (loc,) = make_locations(database)
    run(database, lambda uow: inventory.receive(uow, sku, loc, 5))
    run(database, lambda uow: inventory.reserve(uow, [ReservationRequest(sku, loc, 2)]))
    assert run(database, lambda uow: verify(uow, [sku])) == []
    run(
        database,
        lambda uow: uow.conn.execute(
            update(stock_levels).where(stock_levels.c.sku_id == sku).values(on_hand=9, reserved=1)
        ),
    )
    found = run(database, lambda uow: verify(uow, [sku]))
    assert sorted((d["check"], d["expected"], d["actual"]) for d in found) == [
        ("on_hand", 5, 9),
        ("reserved", 2, 1),
    ]
    run(
        database,
        lambda uow: uow.conn.execute(
            update(stock_levels).where(stock_levels.c.sku_id == sku).values(on_hand=5, reserved=2)
        ),
    )
    assert run(database, lambda uow: verify(uow, [sku])) == []
