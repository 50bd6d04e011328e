"""Why a basket gets no promise option: each cause with its stable code, from the
screening the engine sources with."""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal
from typing import get_args

from switchyard.sourcing.costs import default_cost_model
from switchyard.sourcing.ledger import Ledger
from switchyard.sourcing.model import IncomingSupply, Location, OrderLine, OrderRequest, StockLevel
from switchyard.sourcing.no_option import REASON_CODES, reasons_for_no_option
from switchyard.sourcing.options import promise_options
from switchyard.sourcing.profile import HardFilters, SourcingProfile
from switchyard.sourcing.schemas import PromiseReason

COSTS = default_cost_model()
TZ = "Europe/Berlin"
NOW = datetime(2026, 6, 17, 8, 0, tzinfo=UTC)
HAMBURG = (53.551, 9.994)
NEAR = Location("near", "WH-HH", "warehouse", 53.60, 10.05, timezone=TZ, cutoff=time(15, 0))
FAR = Location("far", "WH-MUC", "warehouse", 48.137, 11.575, timezone=TZ, cutoff=time(15, 0))
NETWORK = (NEAR, FAR)
NAMES = {"A": "SKU-A", "B": "SKU-B"}


def book(**stock: dict[str, int]) -> Ledger:
    return Ledger.from_levels(
        [StockLevel(s, loc, q) for s, m in stock.items() for loc, q in m.items()], NETWORK
    )


def request(*lines: tuple[str, int]) -> OrderRequest:
    return OrderRequest(
        "o",
        tuple(OrderLine(f"l{n}", sku, q, Decimal("1")) for n, (sku, q) in enumerate(lines)),
        *HAMBURG,
        placed_at=NOW,
    )


def why(order, stock, profile=SourcingProfile(), supplies=()):
    assert promise_options(order, NETWORK, stock, profile, COSTS, NOW, supplies=supplies) == []
    return reasons_for_no_option(order, NETWORK, stock, profile, COSTS, supplies, NAMES)


def test_no_stock_anywhere_names_the_skus():
    (reason,) = why(request(("A", 1), ("B", 1)), book(B={}))
    assert reason["code"] == "no_stock"
    assert reason["skus"] == ["SKU-A", "SKU-B"]
    assert "SKU-A, SKU-B" in reason["detail"]


def test_stock_only_beyond_the_distance_limit_does_not_serve_the_destination():
    only_near = SourcingProfile(filters=HardFilters(max_distance_km=100))
    (reason,) = why(request(("A", 1)), book(A={"far": 5}), only_near)
    assert reason["code"] == "destination_not_served"
    assert reason["skus"] == ["SKU-A"]
    assert reason["max_distance_km"] == 100
    assert 600 < reason["nearest_km"] < 650


def test_stock_only_where_filters_fail_lists_each_location_and_filter():
    stores_only = SourcingProfile(filters=HardFilters(location_types=frozenset({"store"})))
    (reason,) = why(request(("A", 1)), book(A={"near": 5, "far": 1}), stores_only)
    assert reason["code"] == "all_locations_filtered"
    assert {
        loc["code"]: [f["filter"] for f in loc["failed_filters"]] for loc in reason["locations"]
    } == {"WH-HH": ["location_type"], "WH-MUC": ["location_type"]}


def test_too_few_units_counting_supply_says_how_many_there_are():
    later = [IncomingSupply("A", "far", 1, datetime(2026, 6, 20, tzinfo=UTC))]
    reasons = why(request(("A", 4), ("B", 1)), book(A={"near": 2}), supplies=later)
    assert [r["code"] for r in reasons] == ["no_stock", "not_enough_stock"]
    assert reasons[1]["lines"] == [{"sku": "SKU-A", "quantity": 4, "available": 3}]


def test_enough_stock_but_not_within_the_profiles_limits_is_no_plan():
    one_box = SourcingProfile(max_splits=0, fulfilment="ship_complete")
    (reason,) = why(request(("A", 1), ("B", 1)), book(A={"near": 1}, B={"far": 1}), one_box)
    assert reason["code"] == "no_plan" and reason["max_splits"] == 0


def test_the_answer_schema_names_every_code():
    assert get_args(PromiseReason.model_fields["code"].annotation) == REASON_CODES
