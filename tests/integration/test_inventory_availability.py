"""Available to promise: network, per location, per channel, kits, future, the feed."""

from __future__ import annotations

from datetime import timedelta

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
