"""Simulating profiles on planned and stored orders (read-only), and re-sourcing called
with an order id, on both databases."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from switchyard.catalog.sku_creation import create_skus
from switchyard.channels.service import create_channel
from switchyard.db.uow import Database, UnitOfWork
from switchyard.inventory import service as inventory
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import NotFound, ValidationFailed
from switchyard.kernel.events import Actor
from switchyard.locations.service import create_location
from switchyard.orders.repository import OrderRepository
from switchyard.orders.schemas import OrderCreate
from switchyard.placement.place import place_order
from switchyard.placement.resourcing import resource_lines
from switchyard.sourcing.profiles import create_profile
from switchyard.sourcing.repository import SourcingRepository
from switchyard.sourcing.service import order_sourcing
from switchyard.sourcing.simulation import simulate_orders
from tests.helpers import ref

ACTOR = Actor.system("sourcing-tests")
HAMBURG, MUNICH = (53.55, 10.0), (48.14, 11.58)


def run(database: Database, use_case: Any) -> Any:
    return database.run(ACTOR, use_case)


def world(database: Database) -> dict[str, Any]:
    """Two warehouses of one channel, two SKUs: A in Hamburg, B in Hamburg and Munich."""

    def build(uow: UnitOfWork) -> dict[str, Any]:
        locs = [
            create_location(uow, {
                "code": ref("WH"), "name": "WH", "type": "warehouse", "latitude": lat,
                "longitude": lon, "timezone": "Europe/Berlin",
                "address": {"line1": "x", "city": "x", "country_code": "DE"},
            })
            for lat, lon in (HAMBURG, MUNICH)
        ]  # fmt: skip
        channel = create_channel(uow, {
            "code": ref("web"), "name": "Web", "type": "web", "currency": "EUR",
            "location_ids": [loc["id"] for loc in locs],
        })  # fmt: skip
        skus = create_skus(uow, [
            {"sku": ref("SKU"), "product_name": "P", "weight_grams": 500,
             "prices": [{"channel": channel["code"], "currency": "EUR", "amount": Decimal(10)}]}
            for _ in range(2)
        ])  # fmt: skip
        inventory.receive(uow, skus[0]["id"], locs[0]["id"], 10, reference="t")
        inventory.receive(uow, skus[1]["id"], locs[0]["id"], 10, reference="t")
        inventory.receive(uow, skus[1]["id"], locs[1]["id"], 10, reference="t")
        return {"channel": channel, "locations": locs, "skus": skus}

    return run(database, build)


STREETS = {"Hamburg": "Neuer Wall 3", "München": "Leopoldstrasse 44"}


def body(w: dict[str, Any], city: str, postal: str, *lines: tuple[int, int]) -> dict[str, Any]:
    return {
        "channel": w["channel"]["code"],
        "external_id": ref("EXT"),
        "customer": {"email": f"{ref('c')}@example.com", "name": "Anna Müller"},
        "shipping_address": {"name": "Anna Müller", "line1": STREETS[city], "city": city,
                             "postal_code": postal, "country_code": "DE"},
        "lines": [{"sku": w["skus"][i]["sku"], "quantity": q} for i, q in lines],
    }  # fmt: skip


def test_simulation_compares_profiles_and_changes_nothing(database):
    w = world(database)
    bodies = [
        body(w, "München", "80331", (1, 1)),
        body(w, "München", "80331", (0, 1), (1, 1)),
        body(w, "Hamburg", "20354", (0, 2)),
    ]
    channel = w["channel"]["code"]
    cheapest = run(database, lambda uow: simulate_orders(uow, channel, bodies=bodies))
    assert (cheapest.orders, cheapest.strategy, cheapest.unsourced_units) == (3, "lowest_cost", 0)
    assert cheapest.shipments == 3 and cheapest.split_rate == 0.0
    munich = w["locations"][1]["code"]
    assert cheapest.location_load[munich]["shipments"] == 1
    nearest = run(
        database, lambda uow: simulate_orders(uow, channel, bodies=bodies, strategy="nearest")
    )
    assert nearest.shipments == 4 and nearest.split_rate == pytest.approx(1 / 3)
    assert nearest.total_cost > cheapest.total_cost
    draft = run(database, lambda uow: create_profile(uow, {"channel": channel, "name": "s",
                                                          "fulfilment": "ship_complete",
                                                          "max_splits": 0}))  # fmt: skip
    batch = run(
        database, lambda uow: simulate_orders(uow, draft["id"], bodies=bodies, mode="batch")
    )
    assert batch.strategy == "batch" and batch.orders == 3

    def untouched(uow: UnitOfWork) -> tuple[int, int]:
        stock = inventory.available(uow, [w["skus"][0]["id"]], [w["locations"][0]["id"]])
        decisions = uow.repo(SourcingRepository).decisions_for(bodies[0]["external_id"])
        return stock[(w["skus"][0]["id"], w["locations"][0]["id"])], len(decisions)

    assert run(database, untouched) == (10, 0)
    with pytest.raises(ValidationFailed) as bad:
        run(database, lambda uow: simulate_orders(uow, channel, bodies=[{"lines": [{"sku": "?"}]}]))
    assert bad.value.errors[0].field == "orders.0.lines.0.sku"
    with pytest.raises(NotFound):
        run(database, lambda uow: simulate_orders(uow, "no-such-profile", bodies=bodies))


def test_simulating_stored_orders_replays_them_oldest_first(database):
    w = world(database)
    since = utcnow() - timedelta(seconds=1)
    for b in (body(w, "Hamburg", "20354", (0, 1)), body(w, "München", "80331", (1, 3))):
        run(database, lambda uow, b=b: place_order(uow, OrderCreate.model_validate(b)))
    report = run(
        database, lambda uow: simulate_orders(uow, w["channel"]["id"], since=since, mode="batch")
    )
    assert report.orders == 2 and report.shipped_units == 4 and report.unsourced_units == 0


def test_resource_lines_takes_an_order_id(database):
    w = world(database)
    order = run(database, lambda uow: place_order(uow, OrderCreate.model_validate(
        body(w, "München", "80331", (1, 2)))))  # fmt: skip
    line = order.lines[0]
    munich = w["locations"][1]["id"]
    assert {f["location_id"] for f in run(database, lambda uow: order_sourcing(
        uow, order.id))["fulfillments"]} == {munich}  # fmt: skip

    def hand_back(uow: UnitOfWork) -> None:
        inventory.release_for_order(uow, order.id)
        found = uow.repo(OrderRepository)
        current = found.get(order.id, lock=True)
        assert current is not None
        current.line(line.id).qty_allocated -= 2
        found.save(current)
        resource_lines(uow, order.id, {line.id: 2}, [munich])

    run(database, hand_back)
    view = run(database, lambda uow: order_sourcing(uow, order.id))
    assert [d["cause"] for d in view["decisions"]] == ["placement", "excluded"]
    second = view["decisions"][1]["decision"]
    assert second["shipments"][0]["location_id"] == w["locations"][0]["id"]
    with pytest.raises(NotFound):
        run(database, lambda uow: resource_lines(uow, "ord_missing", {}, []))
