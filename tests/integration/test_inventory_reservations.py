"""reserve / available / release_for_order / consume / receive, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from switchyard.events.tables import events
from switchyard.inventory import operations
from switchyard.inventory import service as inventory
from switchyard.inventory.service import ReservationRequest
from switchyard.inventory.tables import reservations, stock_movements
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import Conflict, ValidationFailed
from tests.helpers import ref
from tests.integration.test_inventory_fixtures import level, make_locations, make_skus, run


@pytest.fixture()
def stocked(database):
    """Two SKUs at two locations: 5 of each at A, 2 of each at B."""
    sku1, sku2 = make_skus(database, 2)
    loc_a, loc_b = make_locations(database, 2)

    def receive_all(uow):
        for sku in (sku1, sku2):
            inventory.receive(uow, sku, loc_a, 5, reference="opening")
            inventory.receive(uow, sku, loc_b, 2)

    run(database, receive_all)
    return sku1, sku2, loc_a, loc_b


def test_reserve_returns_ids_in_request_order_and_counts_reserved(database, stocked):
    sku1, sku2, loc_a, _ = stocked
    order = ref("ord")
    requests = [
        ReservationRequest(sku2, loc_a, 2, order, "l1"),
        ReservationRequest(sku1, loc_a, 3, order, "l2"),
        ReservationRequest(sku2, loc_a, 1, order, "l3"),
    ]
    ids = run(database, lambda uow: inventory.reserve(uow, requests))
    assert len(ids) == 3 and len(set(ids)) == 3
    rows = run(
        database,
        lambda uow: {
            r.id: r
            for r in uow.conn.execute(select(reservations).where(reservations.c.id.in_(ids)))
        },
    )
    assert [(rows[i].order_line_id, rows[i].quantity) for i in ids] == [
        ("l1", 2),
        ("l2", 3),
        ("l3", 1),
    ]
    assert level(database, sku2, loc_a)["reserved"] == 3
    got = run(database, lambda uow: inventory.available(uow, [sku1, sku2], [loc_a]))
    assert got == {(sku1, loc_a): 2, (sku2, loc_a): 2}


def test_reserve_is_all_or_nothing_and_names_every_failing_line(database, stocked):
    sku1, sku2, loc_a, loc_b = stocked
    requests = [
        ReservationRequest(sku1, loc_a, 1, "o1", "a"),
        ReservationRequest(sku2, loc_b, 3, "o1", "b"),  # only 2 at B
        ReservationRequest(sku1, loc_b, 9, "o1", "c"),
    ]
    with pytest.raises(Conflict) as caught:
        run(database, lambda uow: inventory.reserve(uow, requests))
    assert caught.value.code == "insufficient_stock"
    assert sorted(e.field for e in caught.value.errors) == ["lines.1", "lines.2"]
    assert level(database, sku1, loc_a)["reserved"] == 0

    def caught_in_transaction(uow):
        with pytest.raises(Conflict):
            inventory.reserve(uow, requests)
        return inventory.available(uow, [sku1], [loc_a])

    # a caller that catches the conflict sees balances exactly as before
    assert run(database, caught_in_transaction) == {(sku1, loc_a): 5}


def test_unstocked_pair_and_bad_quantity(database, stocked):
    sku1, _, _, _ = stocked
    (elsewhere,) = make_locations(database)
    with pytest.raises(Conflict):
        run(database, lambda uow: inventory.reserve(uow, [ReservationRequest(sku1, elsewhere, 1)]))
    with pytest.raises(ValidationFailed):
        run(database, lambda uow: inventory.reserve(uow, [ReservationRequest(sku1, elsewhere, 0)]))
    assert run(database, lambda uow: inventory.reserve(uow, [])) == []


def test_safety_stock_is_not_sold(database, stocked):
    sku1, _, loc_a, _ = stocked
    run(database, lambda uow: operations.set_stock_settings(uow, sku1, loc_a, safety_stock=2))
    assert run(database, lambda uow: inventory.available(uow, [sku1], [loc_a])) == {
        (sku1, loc_a): 3
    }
    with pytest.raises(Conflict):
        run(database, lambda uow: inventory.reserve(uow, [ReservationRequest(sku1, loc_a, 4)]))
    run(database, lambda uow: inventory.reserve(uow, [ReservationRequest(sku1, loc_a, 3)]))


def test_release_for_order_whole_and_by_line(database, stocked):
    sku1, sku2, loc_a, _ = stocked
    order = ref("ord")
    run(
        database,
        lambda uow: inventory.reserve(
            uow,
            [
                ReservationRequest(sku1, loc_a, 2, order, "x"),
                ReservationRequest(sku2, loc_a, 1, order, "y"),
            ],
        ),
    )
    assert run(database, lambda uow: inventory.release_for_order(uow, order, ["y"])) == 1
    assert level(database, sku2, loc_a)["reserved"] == 0
    assert level(database, sku1, loc_a)["reserved"] == 2
    assert run(database, lambda uow: inventory.release_for_order(uow, order)) == 2
    assert run(database, lambda uow: inventory.release_for_order(uow, order)) == 0
    assert level(database, sku1, loc_a)["reserved"] == 0


def test_consume_partial_then_rest(database, stocked):
    sku1, _, loc_a, _ = stocked
    order = ref("ord")
    run(
        database,
        lambda uow: inventory.reserve(uow, [ReservationRequest(sku1, loc_a, 3, order, "ln")]),
    )
    run(database, lambda uow: inventory.consume(uow, "ln", loc_a, 1, "ful_1"))
    assert (level(database, sku1, loc_a)["on_hand"], level(database, sku1, loc_a)["reserved"]) == (
        4,
        2,
    )
    with pytest.raises(Conflict) as caught:
        run(database, lambda uow: inventory.consume(uow, "ln", loc_a, 3, "ful_2"))
    assert caught.value.code == "not_reserved"
    run(database, lambda uow: inventory.consume(uow, "ln", loc_a, 2, "ful_2"))
    assert (level(database, sku1, loc_a)["on_hand"], level(database, sku1, loc_a)["reserved"]) == (
        2,
        0,
    )
    kinds = run(
        database,
        lambda uow: [
            (r.kind, r.quantity, r.reference)
            for r in uow.conn.execute(
                select(stock_movements)
                .where(stock_movements.c.sku_id == sku1, stock_movements.c.location_id == loc_a)
                .order_by(stock_movements.c.id)
            )
        ],
    )
    assert kinds == [
        ("receipt", 5, "opening"),
        ("shipment", -1, "ful_1"),
        ("shipment", -2, "ful_2"),
    ]
    assert run(database, lambda uow: inventory.release_for_order(uow, order)) == 0


def test_receive_emits_changed_and_back_in_stock(database):
    (sku,) = make_skus(database)
    (loc,) = make_locations(database)
    run(database, lambda uow: inventory.receive(uow, sku, loc, 4, reference="po-1"))
    types = run(
        database,
        lambda uow: [
            r.type
            for r in uow.conn.execute(
                select(events.c.type).where(events.c.aggregate_id == sku).order_by(events.c.seq)
            )
        ],
    )
    assert types == ["inventory.changed", "inventory.back_in_stock"]
    run(database, lambda uow: inventory.reserve(uow, [ReservationRequest(sku, loc, 4)]))
    types = run(
        database,
        lambda uow: [
            r.type
            for r in uow.conn.execute(
                select(events.c.type).where(events.c.aggregate_id == sku).order_by(events.c.seq)
            )
        ],
    )
    assert types[-2:] == ["inventory.changed", "inventory.out_of_stock"]


def test_expired_reservations_are_ignored_and_taken_over(database, stocked):
    sku1, _, _, loc_b = stocked
    past = utcnow() - timedelta(seconds=1)
    run(
        database,
        lambda uow: inventory.reserve(uow, [ReservationRequest(sku1, loc_b, 2, expires_at=past)]),
    )
    assert level(database, sku1, loc_b)["reserved"] == 2
    assert run(database, lambda uow: inventory.available(uow, [sku1], [loc_b])) == {
        (sku1, loc_b): 2
    }
    run(
        database, lambda uow: inventory.reserve(uow, [ReservationRequest(sku1, loc_b, 2, "o", "l")])
    )
    assert level(database, sku1, loc_b)["reserved"] == 2
