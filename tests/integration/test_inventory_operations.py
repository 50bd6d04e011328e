"""Adjustments, cycle counts, transfers and shortfalls, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from switchyard.events.tables import events
from switchyard.inventory import operations, transfers
from switchyard.inventory import service as inventory
from switchyard.inventory.service import ReservationRequest
from switchyard.inventory.tables import reservations
from switchyard.inventory.verify import verify
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import Conflict, ValidationFailed
from tests.integration.test_inventory_fixtures import level, make_locations, make_skus, run


def test_adjust_needs_a_reason_and_cannot_go_negative(database):
    (sku,) = make_skus(database)
    (loc,) = make_locations(database)
    run(database, lambda uow: inventory.receive(uow, sku, loc, 3))
    with pytest.raises(ValidationFailed) as caught:
        run(database, lambda uow: operations.adjust(uow, sku, loc, -1, " "))
    assert caught.value.errors[0].field == "reason"
    with pytest.raises(Conflict) as too_many:
        run(database, lambda uow: operations.adjust(uow, sku, loc, -4, "damaged"))
    assert too_many.value.code == "insufficient_on_hand"
    run(database, lambda uow: operations.adjust(uow, sku, loc, -2, "damaged"))
    assert level(database, sku, loc)["on_hand"] == 1
    assert run(database, lambda uow: verify(uow, [sku])) == []


def test_count_below_reserved_pushes_newest_reservation_back_to_waiting(database):
    (sku,) = make_skus(database)
    (loc,) = make_locations(database)
    run(database, lambda uow: inventory.receive(uow, sku, loc, 5))
    run(
        database,
        lambda uow: inventory.reserve(uow, [ReservationRequest(sku, loc, 2, "o-old", "a")]),
    )
    run(
        database,
        lambda uow: inventory.reserve(uow, [ReservationRequest(sku, loc, 3, "o-new", "b")]),
    )
    _, diff = run(database, lambda uow: operations.cycle_count(uow, sku, loc, 3))
    assert diff == -2
    assert (level(database, sku, loc)["on_hand"], level(database, sku, loc)["reserved"]) == (3, 3)
    rows = run(
        database,
        lambda uow: sorted(
            (r.order_id, r.status, r.quantity)
            for r in uow.conn.execute(select(reservations).where(reservations.c.sku_id == sku))
        ),
    )
    assert rows == [("o-new", "open", 1), ("o-new", "waiting", 2), ("o-old", "open", 2)]
    shorted = run(
        database,
        lambda uow: uow.conn.execute(
            select(events.c.data).where(
                events.c.type == "inventory.reservation_shorted", events.c.order_id == "o-new"
            )
        ).scalar_one(),
    )
    assert shorted["quantity"] == 2 and shorted["order_line_id"] == "b"
    assert run(database, lambda uow: verify(uow, [sku])) == []
    # stock comes back: the waiting units are allocated again
    run(database, lambda uow: inventory.receive(uow, sku, loc, 2))
    assert level(database, sku, loc)["reserved"] == 5


def test_count_taken_earlier_keeps_later_movements(database):
    (sku,) = make_skus(database)
    (loc,) = make_locations(database)
    run(database, lambda uow: inventory.receive(uow, sku, loc, 10))
    counted_at = utcnow()
    run(database, lambda uow: inventory.receive(uow, sku, loc, 4))  # after the count
    level_, diff = run(
        database, lambda uow: operations.cycle_count(uow, sku, loc, 8, counted_at=counted_at)
    )
    assert (level_.on_hand, diff) == (12, -2)
    assert run(database, lambda uow: verify(uow, [sku])) == []


def test_transfer_is_in_transit_until_received(database):
    sku1, sku2 = make_skus(database, 2)
    src, dst = make_locations(database, 2)
    run(database, lambda uow: [inventory.receive(uow, s, src, 5) for s in (sku1, sku2)])
    run(database, lambda uow: inventory.reserve(uow, [ReservationRequest(sku1, src, 4)]))
    with pytest.raises(Conflict) as caught:
        run(database, lambda uow: transfers.create_transfer(uow, src, dst, [(sku1, 2), (sku2, 1)]))
    assert [e.field for e in caught.value.errors] == ["lines.0"]
    eta = utcnow() + timedelta(days=2)
    t = run(
        database,
        lambda uow: transfers.create_transfer(uow, src, dst, [(sku1, 1), (sku2, 3)], eta=eta),
    )
    assert t["status"] == "in_transit"
    assert level(database, sku2, src)["on_hand"] == 2
    assert level(database, sku2, dst) is None
    t = run(database, lambda uow: transfers.receive_transfer(uow, t["id"], [(sku2, 2)]))
    assert t["status"] == "in_transit" and level(database, sku2, dst)["on_hand"] == 2
    with pytest.raises(ValidationFailed):
        run(database, lambda uow: transfers.receive_transfer(uow, t["id"], [(sku2, 2)]))
    t = run(database, lambda uow: transfers.receive_transfer(uow, t["id"]))
    assert t["status"] == "received"
    assert level(database, sku2, dst)["on_hand"] == 3 and level(database, sku1, dst)["on_hand"] == 1
    with pytest.raises(Conflict):
        run(database, lambda uow: transfers.receive_transfer(uow, t["id"]))
    assert run(database, lambda uow: verify(uow, [sku1, sku2])) == []


def test_low_stock_event_crosses_the_reorder_point(database):
    (sku,) = make_skus(database)
    (loc,) = make_locations(database)
    run(database, lambda uow: inventory.receive(uow, sku, loc, 10))
    run(database, lambda uow: operations.set_stock_settings(uow, sku, loc, reorder_point=5))
    run(database, lambda uow: inventory.reserve(uow, [ReservationRequest(sku, loc, 5)]))
    run(database, lambda uow: inventory.reserve(uow, [ReservationRequest(sku, loc, 1)]))
    run(database, lambda uow: inventory.reserve(uow, [ReservationRequest(sku, loc, 1)]))
    lows = run(
        database,
        lambda uow: uow.conn.execute(
            select(events.c.data).where(
                events.c.type == "inventory.low", events.c.aggregate_id == sku
            )
        ).all(),
    )
    assert [row[0]["available"] for row in lows] == [4]
