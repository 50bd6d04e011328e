"""Bulk snapshot and delta sync from an external system; the verify audit."""

from __future__ import annotations

from dataclasses import asdict

import pytest
from sqlalchemy import func, select, update

from switchyard.events.tables import events
from switchyard.inventory import service as inventory
from switchyard.inventory.service import ReservationRequest
from switchyard.inventory.snapshot import CHANGES_SHOWN
from switchyard.inventory.sync import sync_stock
from switchyard.inventory.tables import reservations, stock_levels, stock_movements
from switchyard.inventory.verify import verify
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import Conflict, ValidationFailed
from tests.integration.test_inventory_fixtures import (
    ACTOR,
    level,
    make_locations,
    make_skus,
    run,
    sku_code,
)


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
        database,
        lambda uow: sync_stock(
            uow, loc, [(a, 7), (b, 10)], mode="full", scope="location", as_of=as_of
        ),
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
        run(
            database,
            lambda uow: sync_stock(uow, loc, [(a, -1), (a, 2)], mode="full", scope="listed"),
        )
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
        result = run(
            database, lambda uow: sync_stock(uow, loc, items, mode="full", scope="location")
        )
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
    assert result.created == sum(1 for _, q in items if q)
    assert len(statements) < 30, statements[:40]
    assert level(database, skus[6], loc)["on_hand"] == 6
    again = run(database, lambda uow: sync_stock(uow, loc, items, scope="location"))
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


# Issue 13, defect 5: a partial full snapshot wiped a warehouse.


def _stock_many(database, count=20, each=10):
    skus = make_skus(database, count)
    (loc,) = make_locations(database)
    run(database, lambda uow: [inventory.receive(uow, s, loc, each) for s in skus])
    return skus, loc


def _state(database, loc):
    """Everything a sync could write: the location's balances and movements, the
    reservations, and the event log."""

    def read(uow):
        balances = uow.conn.execute(
            select(stock_levels.c.sku_id, stock_levels.c.on_hand, stock_levels.c.reserved)
            .where(stock_levels.c.location_id == loc)
            .order_by(stock_levels.c.sku_id)
        ).all()
        moves = uow.conn.execute(
            select(func.count()).where(stock_movements.c.location_id == loc)
        ).scalar_one()
        held = uow.conn.execute(
            select(reservations.c.id, reservations.c.status, reservations.c.quantity)
            .where(reservations.c.location_id == loc)
            .order_by(reservations.c.id)
        ).all()
        logged = uow.conn.execute(select(func.count()).select_from(events)).scalar_one()
        return [tuple(r) for r in balances], moves, [tuple(r) for r in held], logged

    return database.run(ACTOR, read, read_only=True)


def test_a_two_row_full_snapshot_does_not_zero_the_other_skus(database):
    skus, loc = _stock_many(database, count=40)
    two = [(skus[0], 3), (skus[1], 12)]
    before = _state(database, loc)
    # no scope: refused, not silently taken as the whole location
    with pytest.raises(ValidationFailed) as caught:
        run(database, lambda uow: sync_stock(uow, loc, two, mode="full"))
    assert caught.value.code == "invalid_sync"
    assert [(e.field, e.code) for e in caught.value.errors] == [("scope", "scope_required")]
    # scope location: the 38 SKUs it omits would become 0, so the guard refuses it
    with pytest.raises(Conflict) as refused:
        run(database, lambda uow: sync_stock(uow, loc, two, mode="full", scope="location"))
    assert refused.value.code == "snapshot_removes_too_much"
    assert refused.value.extra == {
        "units_removed": 387,  # 38 x 10 zeroed, 7 off the first
        "units_on_hand": 400,
        "units_ratio": 0.9675,
        "skus_zeroed": 38,
        "skus_in_stock": 40,
        "skus_ratio": 0.95,
        "max_removal_ratio": 0.5,
    }
    assert _state(database, loc) == before  # nothing partial
    # scope listed: the two rows change, the others are left alone
    result = run(database, lambda uow: sync_stock(uow, loc, two, mode="full", scope="listed"))
    assert (result.changed, result.unchanged, result.created) == (2, 0, 0)
    assert (result.units_added, result.units_removed, result.skus_zeroed) == (2, 7, 0)
    assert [level(database, s, loc)["on_hand"] for s in skus[:3]] == [3, 12, 10]
    assert all(level(database, s, loc)["on_hand"] == 10 for s in skus[2:])
    assert run(database, lambda uow: verify(uow, skus)) == []


def test_a_whole_location_snapshot_applies_with_force(database):
    skus, loc = _stock_many(database, count=10)
    result = run(
        database,
        lambda uow: sync_stock(uow, loc, [(skus[0], 4)], scope="location", force=True),
    )
    assert (result.changed, result.units_removed, result.skus_zeroed) == (10, 96, 9)
    assert result.units_on_hand == 100 and result.scope == "location"
    assert [level(database, s, loc)["on_hand"] for s in skus] == [4] + [0] * 9
    assert run(database, lambda uow: verify(uow, skus)) == []


def test_the_guard_threshold_is_per_request_and_counts_units_and_skus(database):
    skus, loc = _stock_many(database, count=4, each=10)
    half = [(skus[0], 0), (skus[1], 0), (skus[2], 10), (skus[3], 10)]
    # exactly half of the units and of the SKUs: allowed at the default 0.5 (dry run)
    assert run(database, lambda uow: sync_stock(uow, loc, half, scope="location", dry_run=True))
    with pytest.raises(Conflict):
        run(
            database,
            lambda uow: sync_stock(
                uow, loc, half, scope="location", dry_run=True, max_removal_ratio=0.49
            ),
        )
    # one SKU of four zeroed but few units (a big SKU elsewhere): the SKU share trips it
    run(database, lambda uow: inventory.receive(uow, skus[3], loc, 960))  # 1,000 units in all
    few = [(skus[0], 0), (skus[1], 0), (skus[2], 0)]
    with pytest.raises(Conflict) as caught:
        run(database, lambda uow: sync_stock(uow, loc, few, scope="listed"))
    assert (caught.value.extra["units_ratio"], caught.value.extra["skus_ratio"]) == (0.03, 0.75)
    assert level(database, skus[0], loc)["on_hand"] == 10
    done = run(
        database,
        lambda uow: sync_stock(uow, loc, few, scope="listed", max_removal_ratio=0.8),
    )
    assert done.skus_zeroed == 3 and level(database, skus[0], loc)["on_hand"] == 0


def test_a_dry_run_answers_the_same_and_changes_nothing(database):
    skus, loc = _stock_many(database, count=5, each=10)
    (new,) = make_skus(database)
    run(
        database,
        lambda uow: inventory.reserve(uow, [ReservationRequest(skus[0], loc, 6, "o", "l")]),
    )
    rows = [(skus[0], 2), (skus[1], 10), (skus[2], 15), (new, 7)]  # skus 3, 4 omitted
    before = _state(database, loc)

    def sync(dry_run):
        return lambda uow: sync_stock(
            uow, loc, rows, scope="location", reference="WMS-7", dry_run=dry_run, force=True
        )

    dry = database.run(ACTOR, sync(True), read_only=True)  # the endpoint's way: read-only
    assert dry.dry_run and _state(database, loc) == before
    assert (dry.changed, dry.created, dry.unchanged) == (5, 1, 1)
    assert (dry.units_added, dry.units_removed, dry.shorted) == (12, 28, [skus[0]])
    codes = {s: sku_code(database, s) for s in [*skus, new]}
    zeroed = sorted(skus[3:])  # equal changes: by SKU id
    expected = [(zeroed[0], 10, 0), (zeroed[1], 10, 0), (skus[0], 10, 2), (new, 0, 7)]
    expected.append((skus[2], 10, 15))  # biggest change first
    assert [(c.sku, c.before, c.after) for c in dry.changes] == [
        (codes[s], b, a) for s, b, a in expected
    ]
    real = run(database, sync(False))
    assert not real.dry_run and {**asdict(real), "dry_run": True} == asdict(dry)
    assert _state(database, loc) != before
    assert level(database, skus[0], loc)["reserved"] == 2  # the real one shorted it
    assert run(database, lambda uow: verify(uow, [*skus, new])) == []


def test_a_refused_dry_run_is_refused_like_the_real_one(database):
    _, loc = _stock_many(database, count=3)
    before = _state(database, loc)
    for dry_run in (True, False):
        with pytest.raises(Conflict) as caught:
            run(
                database,
                lambda uow, d=dry_run: sync_stock(uow, loc, [], scope="location", dry_run=d),
            )
        assert caught.value.extra["units_removed"] == 30
    assert _state(database, loc) == before


def test_scope_and_ratio_are_checked(database):
    (a,) = make_skus(database)
    (loc,) = make_locations(database)

    def fields(**kw):
        with pytest.raises(ValidationFailed) as caught:
            run(database, lambda uow: sync_stock(uow, loc, [(a, 1)], **kw))
        return {(e.field, e.code) for e in caught.value.errors}

    assert fields(mode="full", scope="everything") == {("scope", "invalid_choice")}
    assert fields(mode="delta", scope="location") == {("scope", "not_for_delta")}
    assert fields(scope="listed", max_removal_ratio=1.5) == {("max_removal_ratio", "out_of_range")}
    result = run(database, lambda uow: sync_stock(uow, loc, [(a, 2)], mode="delta", scope="listed"))
    assert result.scope is None and result.created == 1


def test_the_change_list_is_capped_biggest_first(database):
    skus = make_skus(database, CHANGES_SHOWN + 5)
    (loc,) = make_locations(database)
    items = [(s, i + 1) for i, s in enumerate(skus)]
    result = run(database, lambda uow: sync_stock(uow, loc, items, scope="listed"))
    assert result.changed == len(skus) and result.changes_truncated
    assert len(result.changes) == CHANGES_SHOWN
    assert [c.after for c in result.changes[:2]] == [len(skus), len(skus) - 1]
    assert result.changes[0].sku == sku_code(database, skus[-1])
