"""Available to promise: network, per location, per channel, kits, future, the feed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, insert, update

from switchyard.catalog.tables import kit_components, skus
from switchyard.db import ttl_cache
from switchyard.inventory import operations, rules, supply
from switchyard.inventory import service as inventory
from switchyard.inventory.availability import availability, feed
from switchyard.inventory.holds import create_hold
from switchyard.kernel.clock import utcnow
from tests.helpers import ref
from tests.integration.test_inventory_fixtures import (
    make_channel,
    make_kit,
    make_locations,
    make_skus,
    run,
    sku_code,
)


def test_network_channel_and_protection(database):
    (sku,) = make_skus(database)
    a, b, c = make_locations(database, 3)
    run(database, lambda uow: [inventory.receive(uow, sku, loc, 5) for loc in (a, b, c)])
    run(database, lambda uow: operations.set_stock_settings(uow, sku, c, safety_stock=1))
    code = sku_code(database, sku)
    (net,) = run(database, lambda uow: availability(uow, [code], location_ids=[a, b, c]))
    assert net["available"] == 14 and net["on_hand"] == 15
    assert {loc["location_id"]: loc["available"] for loc in net["locations"]} == {a: 5, b: 5, c: 4}
    channel = make_channel(database, [a, c])
    run(database, lambda uow: rules.set_protection(uow, channel, None, 2))
    (seen,) = run(database, lambda uow: availability(uow, [sku], channel_id=channel))
    assert {loc["location_id"] for loc in seen["locations"]} == {a, c}
    assert (seen["available_total"], seen["protection"], seen["available"]) == (9, 2, 7)
    run(database, lambda uow: rules.set_protection(uow, channel, sku, 4))
    (seen,) = run(database, lambda uow: availability(uow, [sku], channel_id=channel))
    assert seen["available"] == 5


def test_kits_are_limited_by_their_scarcest_component(database):
    frame, wheel = make_skus(database, 2)
    a, b = make_locations(database, 2)
    kit = make_kit(database, {frame: 1, wheel: 2})
    run(
        database,
        lambda uow: [
            inventory.receive(uow, frame, a, 3),
            inventory.receive(uow, wheel, a, 5),
            inventory.receive(uow, frame, b, 4),
        ],
    )
    (item,) = run(database, lambda uow: availability(uow, [kit], location_ids=[a, b]))
    assert item["is_kit"] and item["available"] == 2  # 5 wheels make 2 bikes at A, none at B
    assert [loc["location_id"] for loc in item["locations"]] == [a]


def test_future_availability_from_incoming_supply(database):
    (sku,) = make_skus(database)
    (loc,) = make_locations(database)
    run(database, lambda uow: inventory.receive(uow, sku, loc, 2))
    d1, d2 = utcnow() + timedelta(days=2), utcnow() + timedelta(days=9)
    run(database, lambda uow: supply.create_purchase_order(uow, loc, ref("PO"), d2, [(sku, 10)]))
    run(database, lambda uow: supply.create_purchase_order(uow, loc, ref("PO"), d1, [(sku, 3)]))
    (item,) = run(database, lambda uow: availability(uow, [sku], location_ids=[loc]))
    assert [(f["date"], f["available"]) for f in item["future"]] == [(d1, 5), (d2, 15)]
    assert sorted(i["quantity"] for i in item["locations"][0]["incoming"]) == [3, 10]


def test_expired_holds_do_not_count(database):
    (sku,) = make_skus(database)
    (loc,) = make_locations(database)
    run(database, lambda uow: inventory.receive(uow, sku, loc, 4))
    hold = run(
        database, lambda uow: create_hold(uow, [(sku, loc, 3)], utcnow() + timedelta(seconds=30))
    )
    assert run(database, lambda uow: inventory.available(uow, [sku])) == {(sku, loc): 1}
    # push the hold's expiry into the past, as if time had passed
    from sqlalchemy import update

    from switchyard.inventory.tables import reservations

    run(
        database,
        lambda uow: uow.conn.execute(
            update(reservations)
            .where(reservations.c.hold_id == hold["id"])
            .values(expires_at=utcnow() - timedelta(seconds=1))
        ),
    )
    assert run(database, lambda uow: inventory.available(uow, [sku])) == {(sku, loc): 4}
    (item,) = run(database, lambda uow: availability(uow, [sku], location_ids=[loc]))
    assert item["available"] == 4
    assert run(database, lambda uow: inventory.expire_holds(uow)) >= 1
    assert run(database, lambda uow: inventory.available(uow, [sku])) == {(sku, loc): 4}


@pytest.fixture
def cached() -> Iterator[None]:
    ttl_cache.configure(60.0)
    yield
    ttl_cache.configure(None)


def test_one_select_for_a_known_sku_with_its_stock_and_supply(database, cached):
    (sku,) = make_skus(database)
    a, b, c = sorted(make_locations(database, 3))
    run(database, lambda uow: [inventory.receive(uow, sku, loc, 3) for loc in (b, a)])
    eta = utcnow() + timedelta(days=3)
    run(database, lambda uow: supply.create_purchase_order(uow, c, ref("PO"), eta, [(sku, 4)]))
    code = sku_code(database, sku)
    run(database, lambda uow: availability(uow, [code]))  # the SKU is cached from here on
    selects: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    event.listen(database.engine, "before_cursor_execute", seen)
    try:
        (item,) = run(database, lambda uow: availability(uow, [code], location_ids=[a, b, c]))
    finally:
        event.remove(database.engine, "before_cursor_execute", seen)
    assert len(selects) == 1, selects
    assert [loc["location_id"] for loc in item["locations"]] == [a, b]
    assert [(i["location_id"], i["quantity"]) for i in item["incoming"]] == [(c, 4)]
    assert [(f["date"], f["available"]) for f in item["future"]] == [(eta, 10)]


def test_a_sku_made_a_kit_is_one_at_once_despite_the_cache(database, cached):
    frame, bike = make_skus(database, 2)
    (loc,) = make_locations(database)
    run(database, lambda uow: inventory.receive(uow, frame, loc, 4))
    (before,) = run(database, lambda uow: availability(uow, [bike], location_ids=[loc]))
    assert not before["is_kit"] and before["available"] == 0

    def make_kit_of(uow):
        uow.conn.execute(update(skus).where(skus.c.id == bike).values(is_kit=True))
        uow.conn.execute(
            insert(kit_components).values(kit_sku_id=bike, component_sku_id=frame, quantity=2)
        )

    run(database, make_kit_of)
    (after,) = run(database, lambda uow: availability(uow, [bike], location_ids=[loc]))
    assert after["is_kit"] and after["available"] == 2


def test_feed_pages_through_every_active_sku(database):
    skus = make_skus(database, 7)
    (loc,) = make_locations(database)
    (other,) = make_locations(database)
    kit = make_kit(database, {skus[0]: 2})
    run(database, lambda uow: [inventory.receive(uow, s, loc, i + 1) for i, s in enumerate(skus)])
    run(database, lambda uow: inventory.receive(uow, skus[1], other, 50))
    channel = make_channel(database, [loc])
    seen: dict[str, int] = {}
    mine = sorted([*skus, kit])
    after = mine[0][:-1]  # sorts just before our first SKU; stop once past our last
    while after < mine[-1]:
        page = run(database, lambda uow, after=after: feed(uow, channel, after, 3))
        seen.update({r["sku_id"]: r["available"] for r in page[:3]})
        if len(page) <= 3:
            break
        after = page[2]["sku_id"]
    assert {s: seen[s] for s in skus} == {s: i + 1 for i, s in enumerate(skus)}
    assert seen[kit] == 0  # one frame, two needed
