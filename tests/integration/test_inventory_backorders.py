"""Backorders, preorders against purchase orders, and the policy lookup."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from switchyard.events.tables import events
from switchyard.inventory import rules, supply
from switchyard.inventory import service as inventory
from switchyard.inventory.backorders import reserve_with_policy
from switchyard.inventory.service import ReservationRequest
from switchyard.inventory.tables import reservations
from switchyard.inventory.verify import verify
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import Conflict
from tests.helpers import ref
from tests.integration.test_inventory_fixtures import (
    level,
    make_channel,
    make_locations,
    make_skus,
    run,
)


def _statuses(database, sku):
    return run(
        database,
        lambda uow: sorted(
            (r.order_id, r.status, r.quantity)
            for r in uow.conn.execute(select(reservations).where(reservations.c.sku_id == sku))
        ),
    )


def _allocated(database, sku):
    return run(
        database,
        lambda uow: [
            (r.data["order_id"], r.data["quantity"], r.data.get("source", "backorder"))
            for r in uow.conn.execute(
                select(events.c.data)
                .where(events.c.type == "inventory.backorder_allocated")
                .order_by(events.c.seq)
            )
            if r.data["sku_id"] == sku
        ],
    )


def test_backorders_wait_and_are_allocated_oldest_first(database):
    (sku,) = make_skus(database)
    (loc,) = make_locations(database)
    run(database, lambda uow: inventory.receive(uow, sku, loc, 1))
    first = run(
        database,
        lambda uow: reserve_with_policy(
            uow, [ReservationRequest(sku, loc, 3, "o1", "l1")], "backorder"
        ),
    )
    assert (first[0].reserved, first[0].backordered) == (1, 2)
    run(
        database,
        lambda uow: reserve_with_policy(
            uow, [ReservationRequest(sku, loc, 2, "o2", "l2")], "backorder"
        ),
    )
    assert level(database, sku, loc)["reserved"] == 1  # waiting units are not reserved
    run(database, lambda uow: inventory.receive(uow, sku, loc, 3))
    assert _allocated(database, sku) == [("o1", 2, "backorder"), ("o2", 1, "backorder")]
    assert _statuses(database, sku) == [
        ("o1", "open", 1),
        ("o1", "open", 2),
        ("o2", "open", 1),
        ("o2", "waiting", 1),
    ]
    assert level(database, sku, loc)["reserved"] == 4
    # cancelling the waiting order releases its waiting units too
    assert run(database, lambda uow: inventory.release_for_order(uow, "o2")) == 2
    assert run(database, lambda uow: verify(uow, [sku])) == []


def test_deny_policy_creates_nothing(database):
    (sku,) = make_skus(database)
    (loc,) = make_locations(database)
    run(database, lambda uow: inventory.receive(uow, sku, loc, 1))
    with pytest.raises(Conflict):
        run(
            database,
            lambda uow: reserve_with_policy(uow, [ReservationRequest(sku, loc, 2, "o")], "deny"),
        )
    assert _statuses(database, sku) == []


def test_preorders_are_promised_from_supply_and_served_on_receipt(database):
    (sku,) = make_skus(database)
    (loc,) = make_locations(database)
    soon, later = utcnow() + timedelta(days=3), utcnow() + timedelta(days=10)
    po1 = run(
        database, lambda uow: supply.create_purchase_order(uow, loc, ref("PO"), later, [(sku, 5)])
    )
    run(database, lambda uow: supply.create_purchase_order(uow, loc, ref("PO"), soon, [(sku, 2)]))
    out = run(
        database,
        lambda uow: reserve_with_policy(
            uow, [ReservationRequest(sku, loc, 4, "p1", "x")], "preorder"
        ),
    )
    assert (out[0].reserved, out[0].preordered) == (0, 4)
    assert out[0].expected_at == later  # two from the early PO, two from the later one
    with pytest.raises(Conflict) as caught:
        run(
            database,
            lambda uow: reserve_with_policy(
                uow, [ReservationRequest(sku, loc, 4, "p2", "y")], "preorder"
            ),
        )
    assert caught.value.code == "insufficient_supply"
    assert caught.value.errors[0].field == "lines.0"
    assert [s for s in _statuses(database, sku) if s[0] == "p2"] == []
    run(database, lambda uow: supply.receive_purchase_order(uow, po1["id"], [(sku, 1)]))
    assert _allocated(database, sku) == [("p1", 1, "preorder")]
    assert level(database, sku, loc)["reserved"] == 1
    done = run(
        database, lambda uow: supply.receive_purchase_order(uow, po1["reference"], close=True)
    )
    assert done["status"] == "received"
    assert run(database, lambda uow: verify(uow, [sku])) == []


def test_cancelled_supply_turns_preorders_into_backorders(database):
    (sku,) = make_skus(database)
    (loc,) = make_locations(database)
    po = run(
        database,
        lambda uow: supply.create_purchase_order(
            uow, loc, ref("PO"), utcnow() + timedelta(days=1), [(sku, 3)]
        ),
    )
    run(
        database,
        lambda uow: reserve_with_policy(
            uow, [ReservationRequest(sku, loc, 2, "p", "l")], "preorder"
        ),
    )
    run(database, lambda uow: supply.cancel_purchase_order(uow, po["id"]))
    assert _statuses(database, sku) == [("p", "waiting", 2)]
    assert run(database, lambda uow: verify(uow, [sku])) == []


def test_policy_for_sku_override_wins(database):
    (sku,) = make_skus(database)
    channel = make_channel(database, policy="backorder")
    assert run(database, lambda uow: inventory.policy_for(uow, channel, sku)) == "backorder"
    run(database, lambda uow: rules.set_sku_policy(uow, sku, "preorder"))
    assert run(database, lambda uow: inventory.policy_for(uow, channel, sku)) == "preorder"
    run(database, lambda uow: rules.set_sku_policy(uow, sku, None))
    assert run(database, lambda uow: inventory.policy_for(uow, None, sku)) == "deny"
