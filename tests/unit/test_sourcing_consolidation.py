"""Consolidation at merge nodes: the engine compares one parcel through a node with
shipping split, on a small hand-made network with known answers."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from switchyard.kernel.errors import ValidationFailed
from switchyard.sourcing.costs import cost_model_from_dict, default_cost_model
from switchyard.sourcing.engine import source_order
from switchyard.sourcing.ledger import Ledger
from switchyard.sourcing.model import Location, OrderLine, OrderRequest, StockLevel
from switchyard.sourcing.profile import SourcingProfile, profile_from_dict

BERLIN = (52.520, 13.405)
FAR = Location("far", "WH-FAR", "warehouse", 48.137, 11.575)  # Munich, 504 km
NEAR = Location("near", "WH-NEAR", "warehouse", 51.340, 12.375)  # Leipzig, 149 km
STORE = Location(
    "st", "ST-POTS", "store", 52.391, 13.065, capabilities=frozenset({"ship_from_store"})
)  # Potsdam
HUB = Location("hub", "HUB", "warehouse", 52.0, 13.0)  # no stock, between them
NETWORK = (FAR, NEAR, STORE, HUB)
COSTS = default_cost_model()
# A only in Munich, B only in Leipzig: every plan ships from both.
STOCK = Ledger.from_levels([StockLevel("A", "far", 10), StockLevel("B", "near", 10)], NETWORK)
ORDER = OrderRequest(
    id="o1",
    lines=(OrderLine("l0", "A", 1, Decimal("1.0")), OrderLine("l1", "B", 1, Decimal("1.0"))),
    latitude=BERLIN[0],
    longitude=BERLIN[1],
)


def decide(*nodes: str, costs=COSTS, request=ORDER, consolidation=True):
    profile = SourcingProfile(merge_nodes=nodes)
    return source_order(request, NETWORK, STOCK, profile, costs, consolidation=consolidation)


def test_without_merge_nodes_the_order_ships_split_as_before():
    d = decide()
    assert len(d.shipments) == 2 and d.consolidation is None and d.merge_node_id is None
    assert "consolidation" not in d.log and "merge_node_id" not in d.as_dict()
    assert d.total_cost == Decimal("16.40")  # 8.80 Munich + 6.60 Leipzig + 1.00 split


def test_consolidates_at_the_node_when_that_is_cheaper():
    split = decide()
    d = decide("near")
    assert d.merge_node_id == "near"
    c = d.consolidation
    assert c is not None and c.chosen and c.split_cost == split.total_cost
    # Munich -> Leipzig (~360 km, Z3): handling 1.20 + 0.25, transfer 0.5 x (5.80 + 0.35)
    assert [g.location_id for g in c.legs] == ["far"]
    assert c.legs[0].zone == "Z3" and c.legs[0].cost == Decimal("4.525")
    # Leipzig -> Berlin (Z2), both units: 1.20 + 0.50 + 4.90 + 0.50
    assert c.final_cost == Decimal("7.10")
    assert d.total_cost == c.cost == Decimal("11.625") < split.total_cost
    assert d.cost_breakdown["split_penalty"] == 0
    assert sum(d.cost_breakdown.values()) == d.total_cost
    # Stock still comes from where the plan took it.
    assert {(a.line_id, a.location_id) for a in d.allocations} == {("l0", "far"), ("l1", "near")}
    assert d.log["consolidation"]["chosen"] == "WH-NEAR"
    assert d.log["winner"]["merge_node"] == "WH-NEAR"
    stored = d.as_dict()
    assert stored["merge_node_id"] == "near" and stored["consolidation"]["legs"][0]["zone"] == "Z3"


def test_a_node_without_stock_takes_every_shipment_as_a_leg():
    d = decide("hub")
    assert d.merge_node_id == "hub"
    assert d.consolidation is not None
    assert {g.location_id for g in d.consolidation.legs} == {"far", "near"}


def test_keeps_the_split_plan_when_consolidating_is_dearer():
    dear = cost_model_from_dict({**COSTS.as_dict(), "transfer_factor": "3"})
    split = decide(costs=dear)
    d = decide("near", costs=dear)
    assert d.merge_node_id is None and d.total_cost == split.total_cost
    assert d.consolidation is not None and not d.consolidation.chosen
    assert d.consolidation.cost > split.total_cost
    assert d.log["consolidation"]["chosen"] is None
    assert "not dearer" in d.log["consolidation"]["reason"]


def test_picks_the_cheapest_of_the_named_nodes_and_only_those():
    d = decide("st", "near")
    assert d.merge_node_id == "near"  # the store's handling is dearer
    costed = {n["code"]: Decimal(n["cost"]) for n in d.log["consolidation"]["nodes"]}
    assert set(costed) == {"ST-POTS", "WH-NEAR"} and costed["ST-POTS"] > costed["WH-NEAR"]
    alone = decide("st")  # named alone, it is the one costed (and dearer than split)
    assert alone.merge_node_id is None and alone.consolidation is not None
    assert alone.consolidation.node_id == "st" and alone.consolidation.cost == costed["ST-POTS"]


def test_a_node_outside_the_network_or_filtered_out_is_not_used():
    d = decide("elsewhere")
    assert d.merge_node_id is None and d.consolidation is None
    assert d.log["consolidation"]["nodes"] == [
        {"node_id": "elsewhere", "failed_filters": ["not_in_network"]}
    ]
    no_stores = SourcingProfile(merge_nodes=("st",), filters=replace(
        SourcingProfile().filters, ship_from_store=False
    ))  # fmt: skip
    d = source_order(ORDER, NETWORK, STOCK, no_stores, COSTS, consolidation=True)
    assert d.merge_node_id is None
    assert d.log["consolidation"]["nodes"][0]["failed_filters"] == ["ship_from_store"]


def test_the_caller_may_keep_the_split_plan_and_log_the_comparison():
    d = decide("near", consolidation=False)
    assert d.merge_node_id is None and len(d.shipments) == 2
    assert d.consolidation is not None and d.consolidation.saving > 0
    assert "would save" in d.log["consolidation"]["reason"]
    assert decide("near", consolidation=False).as_dict()["merge_node_id"] is None
    # The default: callers that cannot carry out transfer legs keep the split plan.
    default = source_order(ORDER, NETWORK, STOCK, SourcingProfile(merge_nodes=("near",)), COSTS)
    assert default.merge_node_id is None and default.total_cost == decide().total_cost


def test_one_shipment_and_pickup_orders_are_left_alone():
    one = Ledger.from_levels([StockLevel("A", "near", 5), StockLevel("B", "near", 5)], NETWORK)
    profile = SourcingProfile(merge_nodes=("hub",))
    assert source_order(ORDER, NETWORK, one, profile, COSTS).consolidation is None
    store = replace(STORE, capabilities=frozenset({"ship_from_store", "pickup"}))
    pickup = replace(ORDER, delivery="pickup", pickup_location_id="st")
    d = source_order(pickup, (FAR, NEAR, store, HUB), STOCK, profile, COSTS)
    assert d.consolidation is None


def test_merge_nodes_travel_through_the_profile_json():
    p = profile_from_dict({"merge_nodes": ["near", "hub"]})
    assert p.merge_nodes == ("near", "hub")
    assert profile_from_dict(p.as_dict()).merge_nodes == ("near", "hub")
    with pytest.raises(ValidationFailed) as bad:
        profile_from_dict({"merge_nodes": ["near", "near"]})
    assert bad.value.errors[0].code == "duplicate_location"
    with pytest.raises(ValidationFailed):
        profile_from_dict({"merge_nodes": "near"})


def test_the_transfer_factor_is_stored_with_the_cost_model():
    assert COSTS.transfer_factor == Decimal("0.5")
    model = cost_model_from_dict({**COSTS.as_dict(), "transfer_factor": "0.8"})
    assert model.transfer_factor == Decimal("0.8")
    legacy = {k: v for k, v in COSTS.as_dict().items() if k != "transfer_factor"}
    assert cost_model_from_dict(legacy).transfer_factor == Decimal("0.5")
    with pytest.raises(ValidationFailed):
        cost_model_from_dict({**COSTS.as_dict(), "transfer_factor": "-1"})
