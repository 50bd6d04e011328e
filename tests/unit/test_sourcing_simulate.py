"""Simulation replays orders against a profile without side effects."""

from __future__ import annotations

import json

from switchyard.sourcing.costs import default_cost_model
from switchyard.sourcing.ledger import Ledger
from switchyard.sourcing.network import synthetic_network, synthetic_orders
from switchyard.sourcing.profile import SourcingProfile
from switchyard.sourcing.simulate import simulate

COSTS = default_cost_model()
NET = synthetic_network(seed=1, skus=150, expected_units=900)
ORDERS = synthetic_orders(NET, count=150, seed=2)


def test_simulation_compares_profiles_and_changes_nothing():
    book = Ledger.from_levels(NET.stock, NET.locations)
    before = book.copy()
    nearest = simulate(ORDERS, NET.locations, book, SourcingProfile(strategy="nearest"), COSTS)
    cheapest = simulate(ORDERS, NET.locations, book, SourcingProfile(), COSTS)
    batch = simulate(ORDERS, NET.locations, book, SourcingProfile(), COSTS, mode="batch")
    assert book.stock == before.stock and book.capacity == before.capacity
    assert cheapest.total_cost < nearest.total_cost
    assert cheapest.shipments_per_order < nearest.shipments_per_order
    assert batch.strategy == "batch" and cheapest.strategy == "lowest_cost"
    for r in (nearest, cheapest, batch):
        assert r.orders == len(ORDERS)
        assert r.capacity_violations == 0 and r.stock_violations == 0
        assert sum(v["shipments"] for v in r.location_load.values()) == r.shipments
        assert 0 <= r.split_rate <= 1 and 0 < r.on_time_rate <= 1
        assert r.shipments_per_order >= 1 - r.unsourced_units / len(ORDERS)
        assert 0 < r.average_distance_km < 1000
    data = json.loads(json.dumps(cheapest.as_dict()))
    assert data["total_cost"] == str(cheapest.total_cost)


def test_on_time_rate_follows_the_target():
    book = Ledger.from_levels(NET.stock, NET.locations)
    strict = simulate(ORDERS, NET.locations, book, SourcingProfile(), COSTS, target_days=0)
    lenient = simulate(ORDERS, NET.locations, book, SourcingProfile(), COSTS, target_days=7)
    assert strict.on_time_rate < lenient.on_time_rate
    assert lenient.on_time_rate > 0.9
