"""Greedy strategies and the optimiser on a small hand-made network with known answers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from switchyard.kernel.errors import Conflict, ValidationFailed
from switchyard.sourcing.costs import default_cost_model
from switchyard.sourcing.engine import source_order
from switchyard.sourcing.ledger import Ledger
from switchyard.sourcing.model import Location, OrderLine, OrderRequest, StockLevel
from switchyard.sourcing.profile import SourcingProfile
from switchyard.sourcing.sequential import source_sequentially

BERLIN = (52.520, 13.405)
FAR = Location("far", "WH-FAR", "warehouse", 48.137, 11.575, priority=1)  # Munich, 504 km
NEAR = Location("near", "WH-NEAR", "warehouse", 51.340, 12.375, priority=2)  # Leipzig, 149 km
STORE = Location(
    "st", "ST-POTS", "store", 52.391, 13.065, capabilities=frozenset({"ship_from_store"}),
    priority=3,
)  # fmt: skip
NETWORK = (FAR, NEAR, STORE)
COSTS = default_cost_model()


def ledger(**stock: dict[str, int]) -> Ledger:
    levels = [StockLevel(sku, loc, q) for sku, by_loc in stock.items() for loc, q in by_loc.items()]
    return Ledger.from_levels(levels, NETWORK)


def order(*lines: tuple[str, int], **kw: object) -> OrderRequest:
    return OrderRequest(
        id="o1",
        lines=tuple(
            OrderLine(f"l{n}", sku, qty, Decimal("1.0")) for n, (sku, qty) in enumerate(lines)
        ),
        latitude=BERLIN[0],
        longitude=BERLIN[1],
        **kw,  # type: ignore[arg-type]
    )


STOCK = ledger(A={"far": 10, "near": 20, "st": 2}, B={"far": 10, "near": 1})
BASKET = order(("A", 2), ("B", 1))


def where(strategy: str, request: OrderRequest = BASKET, book: Ledger = STOCK, **kw: object):
    profile = SourcingProfile(**kw)  # type: ignore[arg-type]
    d = source_order(request, NETWORK, book, profile, COSTS, strategy=strategy)
    return d, {(a.line_id, a.location_id, a.quantity) for a in d.allocations}


def test_priority_takes_the_top_priority_location_even_when_far():
    d, got = where("priority")
    assert got == {("l0", "far", 2), ("l1", "far", 1)}
    assert d.total_cost == Decimal("10.20")  # 1.20 + 3 * 0.25 + 6.90 + 3 kg * 0.45


def test_nearest_fills_from_the_nearest_store_then_the_next_location():
    d, got = where("nearest")
    assert got == {("l0", "st", 2), ("l1", "near", 1)}
    assert len(d.shipments) == 2
    assert d.cost_breakdown["split_penalty"] == Decimal("1.0000")


def test_highest_stock_picks_per_line_the_location_with_most_units():
    _, got = where("highest_stock")
    assert got == {("l0", "near", 2), ("l1", "far", 1)}


def test_fewest_shipments_prefers_one_location_that_covers_everything():
    d, got = where("fewest_shipments")
    assert got == {("l0", "near", 2), ("l1", "near", 1)}  # ties on units: cheaper fixed cost
    assert len(d.shipments) == 1


def test_lowest_cost_finds_the_cheapest_plan_with_exact_breakdown():
    d, got = where("lowest_cost")
    assert got == {("l0", "near", 2), ("l1", "near", 1)}
    assert d.total_cost == Decimal("7.60")
    assert d.shipments[0].cost_breakdown == {
        "handling_per_shipment": Decimal("1.2000"),
        "handling_per_unit": Decimal("0.7500"),
        "carrier_base": Decimal("4.9000"),
        "carrier_weight": Decimal("0.7500"),
    }
    assert d.status == "sourced" and d.unsourced == {}


@pytest.mark.parametrize(
    "strategy", ["priority", "nearest", "highest_stock", "fewest_shipments", "lowest_cost"]
)
def test_max_splits_zero_keeps_every_strategy_to_one_shipment(strategy):
    book = ledger(A={"st": 5}, B={"far": 5})
    d, _ = where(strategy, book=book, max_splits=0)
    assert len(d.shipments) == 1
    assert d.status == "partial" and d.unsourced_units > 0


def test_ship_complete_sources_all_or_nothing_and_ship_available_ships_what_it_can():
    book = ledger(A={"near": 5})
    complete, _ = where("nearest", book=book, fulfilment="ship_complete")
    assert complete.status == "unsourced" and complete.unsourced == {"l0": 2, "l1": 1}
    assert complete.total_cost == 0
    available, got = where("nearest", book=book, fulfilment="ship_available")
    assert available.status == "partial" and available.unsourced == {"l1": 1}
    assert got == {("l0", "near", 2)}


@pytest.mark.parametrize("strategy", ["priority", "nearest", "highest_stock", "lowest_cost"])
def test_kit_components_ship_together_from_one_location(strategy):
    book = ledger(A={"st": 5, "far": 5}, B={"far": 5, "near": 5})
    kit = order(("A", 1), ("B", 1), kits=(("l0", "l1"),))
    _, got = where(strategy, request=kit, book=book)
    assert got == {("l0", "far", 1), ("l1", "far", 1)}


def test_kits_may_split_when_the_profile_allows_it():
    book = ledger(A={"st": 5, "far": 5}, B={"far": 5, "near": 5})
    kit = order(("A", 1), ("B", 1), kits=(("l0", "l1"),))
    _, got = where("nearest", request=kit, book=book, keep_kits_together=False)
    assert got == {("l0", "st", 1), ("l1", "near", 1)}


def test_a_kit_no_location_can_complete_is_unsourced_whole():
    book = ledger(A={"st": 5}, B={"far": 5})
    d, got = where(
        "lowest_cost", request=order(("A", 1), ("B", 1), kits=(("l0", "l1"),)), book=book
    )
    assert got == set() and d.unsourced == {"l0": 1, "l1": 1}


@pytest.mark.parametrize(
    "strategy", ["priority", "nearest", "highest_stock", "fewest_shipments", "lowest_cost"]
)
def test_sequential_runs_never_exceed_capacity_or_stock(strategy):
    small = Location("near", "WH-NEAR", "warehouse", 51.34, 12.375, capacity_left=2)
    network = (FAR, small, STORE)
    book = Ledger.from_levels(
        [StockLevel("A", "near", 3), StockLevel("A", "far", 100), StockLevel("A", "st", 1)],
        network,
    )
    orders = [OrderRequest(f"o{n}", (OrderLine("l0", "A", 1),), *BERLIN) for n in range(6)]
    decisions = source_sequentially(
        orders, network, book, SourcingProfile(), COSTS, strategy=strategy
    )
    from_near = sum(1 for d in decisions for s in d.shipments if s.location_id == "near")
    from_store = sum(a.quantity for d in decisions for a in d.allocations if a.location_id == "st")
    assert from_near <= 2 and from_store <= 1
    assert all(d.status == "sourced" for d in decisions)
    assert book.capacity_left("near") == 2  # the caller's ledger is untouched


def test_ledger_refuses_to_overdraw():
    d, _ = where("lowest_cost")
    book = ledger(A={"near": 1}, B={"near": 1})
    with pytest.raises(Conflict):
        book.apply(d)


def test_unknown_strategy_is_a_validation_error():
    with pytest.raises(ValidationFailed) as err:
        where("cheapest_please")
    assert err.value.errors[0].field == "strategy"
