"""Hard filters, the decision log, profiles and cost models as data."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

import pytest

from switchyard.kernel.errors import ValidationFailed
from switchyard.sourcing.costs import cost_model_from_dict, default_cost_model
from switchyard.sourcing.engine import source_order
from switchyard.sourcing.filters import failed_filters
from switchyard.sourcing.ledger import Ledger
from switchyard.sourcing.model import Location, OrderLine, OrderRequest, StockLevel
from switchyard.sourcing.profile import HardFilters, SourcingProfile, profile_from_dict

COSTS = default_cost_model()
DEST = (50.110, 8.680)  # Frankfurt
SHIPS = frozenset({"ship"})


def loc(id: str, lat: float = 50.0, lon: float = 8.5, **kw: object) -> Location:
    kw.setdefault("capabilities", SHIPS)
    return Location(id, id.upper(), kw.pop("type", "warehouse"), lat, lon, **kw)  # type: ignore[arg-type]


NETWORK = (
    loc("ok"),
    loc("store", type="store", capabilities=frozenset({"pickup"})),
    loc("south", networks=frozenset({"south"})),
    loc("returns_only", capabilities=frozenset({"returns"})),
    loc("far", 53.55, 9.99),  # Hamburg, ~390 km
    loc("rejected"),
    loc("full", capacity_left=0),
    loc("empty"),
)


def decide(profile: SourcingProfile, request: OrderRequest | None = None, network=NETWORK):
    levels = [StockLevel("A", n.id, 5) for n in network if n.id != "empty"]
    book = Ledger.from_levels(levels, network)
    request = request or OrderRequest(
        "o1",
        (OrderLine("l0", "A", 1, Decimal("1")),),
        *DEST,
        excluded_location_ids=frozenset({"rejected"}),
    )
    return source_order(request, network, book, profile, COSTS)


def failed(decision) -> dict[str, list[str]]:
    return {
        c["location_id"]: [f["filter"] for f in c["failed_filters"]]
        for c in decision.log["candidates"]
    }


def test_each_filter_names_the_locations_it_removed_and_why():
    profile = SourcingProfile(
        filters=HardFilters(networks=frozenset({"north", "south"}), max_distance_km=300)
    )
    d = decide(profile)
    got = failed(d)
    assert got["ok"] == ["network"]
    assert got["south"] == []
    assert got["store"] == ["network", "capability", "ship_from_store"]
    assert got["returns_only"] == ["network", "capability"]
    assert got["far"] == ["network", "max_distance"]
    assert got["rejected"] == ["network", "rejected"]
    assert got["full"] == ["network", "capacity"]
    assert [a.location_id for a in d.allocations] == ["south"]
    detail = next(c for c in d.log["candidates"] if c["location_id"] == "far")["failed_filters"]
    assert (
        "390 km is beyond 300 km" in detail[0]["detail"] or "beyond 300 km" in detail[1]["detail"]
    )


def test_location_types_and_ship_from_store_switches():
    stores = (loc("st", type="store", capabilities=frozenset({"ship_from_store"})),)
    assert decide(SourcingProfile(), network=stores).status == "sourced"
    off = decide(SourcingProfile(filters=HardFilters(ship_from_store=False)), network=stores)
    assert off.status == "unsourced" and failed(off)["st"] == ["ship_from_store"]
    only_wh = SourcingProfile(filters=HardFilters(location_types=frozenset({"warehouse"})))
    assert failed(decide(only_wh, network=stores))["st"] == ["location_type"]


def test_rejecting_and_full_locations_can_be_allowed_by_the_profile():
    lax = SourcingProfile(filters=HardFilters(exclude_rejecting=False, respect_capacity=False))
    got = failed(decide(lax))
    assert got["rejected"] == [] and got["full"] == []


def test_log_is_json_and_explains_the_winner():
    d = decide(SourcingProfile())
    data = json.loads(json.dumps(d.as_dict()))
    log = data["log"]
    assert log["strategy"] == "lowest_cost" and log["profile"] == {"id": "default", "version": 1}
    assert log["winner"]["locations"] == [d.shipments[0].location_code]
    assert "lowest total cost" in log["reason"]
    empty = next(c for c in log["candidates"] if c["location_id"] == "empty")
    assert empty["note"] == "no stock for any line"
    feasible = [c for c in log["candidates"] if "alone" in c]
    assert {c["location_id"] for c in feasible} == {"ok", "south", "far"}
    assert all(Decimal(c["alone"]["cost"]) > 0 for c in feasible)
    assert data["total_cost"] == str(d.total_cost)


def test_safety_stock_is_held_back_when_the_profile_says_so():
    network = (loc("ok"),)
    levels = [StockLevel("A", "ok", 3, safety_stock=2)]
    request = OrderRequest("o", (OrderLine("l0", "A", 2),), *DEST)
    strict = source_order(
        request, network, Ledger.from_levels(levels, network), SourcingProfile(), COSTS
    )
    assert strict.unsourced == {"l0": 1}
    lax_book = Ledger.from_levels(levels, network, respect_safety_stock=False)
    assert source_order(request, network, lax_book, SourcingProfile(), COSTS).status == "sourced"


def test_pickup_uses_the_stores_own_stock_without_carrier_cost():
    store = loc("st", type="store", capabilities=frozenset({"pickup"}))
    request = OrderRequest(
        "o", (OrderLine("l0", "A", 1),), 0, 0, delivery="pickup", pickup_location_id="st"
    )
    d = decide(SourcingProfile(), request=request, network=(store, loc("ok")))
    assert [s.location_id for s in d.shipments] == ["st"]
    assert d.shipments[0].zone == "local" and d.shipments[0].cost_breakdown["carrier_base"] == 0
    no_pickup = OrderRequest(
        "o", (OrderLine("l0", "A", 1),), 0, 0, delivery="pickup", pickup_location_id="ok"
    )
    with pytest.raises(ValidationFailed) as err:
        decide(SourcingProfile(), request=no_pickup)
    assert err.value.errors[0].field == "pickup_location_id"


def test_profile_round_trips_and_versions():
    profile = SourcingProfile(
        id="p1",
        channel_id="ch_1",
        filters=HardFilters(networks=frozenset({"eu"}), max_distance_km=250.0),
        strategy="nearest",
        max_splits=1,
        fulfilment="ship_complete",
    )
    assert profile_from_dict(json.loads(json.dumps(profile.as_dict()))) == profile
    draft = profile.activated().revised(strategy="lowest_cost")
    assert (draft.version, draft.status, draft.strategy) == (2, "draft", "lowest_cost")
    assert profile.activated().status == "active"


def test_invalid_profile_lists_every_field_at_fault():
    with pytest.raises(ValidationFailed) as err:
        profile_from_dict(
            {
                "strategy": "cheapest",
                "max_splits": -1,
                "fulfilment": "whenever",
                "filters": {"location_types": ["moon"], "max_distance_km": 0},
            }
        )
    fields = {e.field for e in err.value.errors}
    assert fields == {
        "strategy",
        "max_splits",
        "fulfilment",
        "filters.location_types",
        "filters.max_distance_km",
    }
    assert err.value.code == "invalid_sourcing_profile"


def test_cost_model_round_trips_and_rejects_bad_zones():
    assert cost_model_from_dict(json.loads(json.dumps(COSTS.as_dict()))) == COSTS
    assert [COSTS.zone_for(d).name for d in (0, 100, 100.1, 600, 5000)] == [
        "Z1",
        "Z1",
        "Z2",
        "Z4",
        "Z5",
    ]
    data = COSTS.as_dict()
    data["zones"] = list(reversed(data["zones"]))
    with pytest.raises(ValidationFailed):
        cost_model_from_dict(data)
    with pytest.raises(ValidationFailed):
        cost_model_from_dict({"currency": "EUR"})


def test_order_request_validation_names_fields():
    with pytest.raises(ValidationFailed) as err:
        OrderRequest(
            "o",
            (OrderLine("l0", "A", 0), OrderLine("l1", "B", 1)),
            0,
            0,
            kits=(("l1", "nope"),),
            delivery="pickup",
            placed_at=datetime(2026, 1, 1, 12, 0),
        )
    fields = {e.field for e in err.value.errors}
    assert fields == {"lines.0.quantity", "kits.0", "pickup_location_id", "placed_at"}


def _filters(
    location: Location,
    request: OrderRequest,
    distance: float = 10.0,
    capacity: int | None = None,
    **rules: object,
) -> list[str]:
    profile = SourcingProfile(filters=HardFilters(**rules))  # type: ignore[arg-type]
    ledger = Ledger({}, {location.id: capacity})
    return [f["filter"] for f in failed_filters(location, request, profile, distance, ledger)]


PICKUP_AT_STORE = OrderRequest(
    "o1", (OrderLine("l0", "A", 1, Decimal("1")),), *DEST, delivery="pickup",
    pickup_location_id="store",
)  # fmt: skip
STORE = loc("store", type="store", capabilities=frozenset({"pickup"}))


def test_only_the_pickup_store_itself_is_spared_the_shipping_rules() -> None:
    assert _filters(STORE, PICKUP_AT_STORE) == []
    # another store, for the same pickup, must ship to the pickup store
    other = loc("other", type="store", capabilities=frozenset({"pickup"}))
    assert _filters(other, PICKUP_AT_STORE) == ["capability", "ship_from_store"]
    # the pickup store named on an order that ships is an ordinary store
    shipped = OrderRequest(
        "o2", PICKUP_AT_STORE.lines, *DEST, delivery="ship", pickup_location_id="store"
    )
    assert _filters(STORE, shipped) == ["capability", "ship_from_store"]


def test_the_distance_limit_includes_its_bound() -> None:
    request = OrderRequest("o1", PICKUP_AT_STORE.lines, *DEST)
    assert _filters(loc("w"), request, distance=100.0, max_distance_km=100.0) == []
    assert _filters(loc("w"), request, distance=100.5, max_distance_km=100.0) == ["max_distance"]


@pytest.mark.parametrize(("capacity", "passes"), [(None, True), (1, True), (0, False), (-1, False)])
def test_one_shipment_of_capacity_left_is_enough(capacity: int | None, passes: bool) -> None:
    request = OrderRequest("o1", PICKUP_AT_STORE.lines, *DEST)
    assert _filters(loc("w"), request, capacity=capacity) == ([] if passes else ["capacity"])
    assert _filters(loc("w"), request, capacity=capacity, respect_capacity=False) == []
