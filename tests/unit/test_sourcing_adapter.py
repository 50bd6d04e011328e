"""The mapping from stored rows to engine inputs, the offline geocoder and the helpers the
order placement path uses; no database."""

from __future__ import annotations

from datetime import date, time

import pytest

from switchyard.kernel.errors import ValidationFailed
from switchyard.placement.allocation import Allocation, Demand, insufficient, shortfall
from switchyard.placement.promising import kind_of
from switchyard.sourcing.adapter import centre_of, default_setup, setup_from_row, to_location
from switchyard.sourcing.costs import default_cost_model
from switchyard.sourcing.geocode import locate
from switchyard.sourcing.ship_together import kits_of

ROW = {
    "id": "loc_1",
    "code": "WH-1",
    "type": "warehouse",
    "address": {"country_code": "DE", "postal_code": "99092", "city": "Erfurt"},
    "latitude": 50.98,
    "longitude": 11.03,
    "timezone": "Europe/Berlin",
    "capabilities": ["ship"],
    "daily_capacity": 10,
    "processing_days": [1, 2, 3, 4, 5],
    "cutoff_time": "14:30",
}


def test_a_location_row_becomes_an_engine_location():
    loc = to_location(ROW, None, used=4)
    assert loc is not None
    assert (loc.capacity_left, loc.cutoff, loc.priority, loc.handling_days) == (
        6,
        time(14, 30),
        100,
        0,
    )
    assert loc.processing_days == frozenset({1, 2, 3, 4, 5}) and loc.capabilities == {"ship"}
    settings = {
        "priority": 2,
        "networks": ["north"],
        "handling_days": 1,
        "holidays": ["2026-12-24"],
        "opens": "10:00",
        "closes": "18:00",
        "pickup_lead_minutes": 30,
    }
    loc = to_location(ROW, settings, used=30)
    assert loc is not None
    assert (loc.capacity_left, loc.priority, loc.networks) == (0, 2, frozenset({"north"}))
    assert loc.holidays == frozenset({date(2026, 12, 24)}) and loc.opens == time(10, 0)
    assert to_location({**ROW, "daily_capacity": None}, None, used=99).capacity_left is None  # type: ignore[union-attr]
    assert to_location(ROW, None, used=99, with_capacity=False).capacity_left is None  # type: ignore[union-attr]


def test_a_location_without_coordinates_is_placed_by_its_address():
    loc = to_location({**ROW, "latitude": None, "longitude": None}, None, used=0)
    assert loc is not None and abs(loc.latitude - 50.98) < 0.1 and abs(loc.longitude - 11.03) < 0.1
    nowhere = {**ROW, "latitude": None, "address": {"country_code": "ZZ", "city": "Atlantis"}}
    assert to_location(nowhere, None, used=0) is None


def test_the_geocoder_prefers_stored_centroids_then_regions_cities_countries():
    stored = {("DE", "postal", "991"): (1.0, 2.0)}
    assert locate("DE", "99100", "Erfurt", stored).basis == "postal_code"  # type: ignore[union-attr]
    berlin = locate("DE", None, "Berlin")
    assert berlin is not None and berlin.basis == "city" and abs(berlin.latitude - 52.52) < 0.01
    munich = locate("de", "80331", "Somewhere")
    assert (
        munich is not None and munich.basis == "postal_region" and abs(munich.latitude - 48.1) < 0.1
    )
    vienna = locate("AT", None, "Wien")
    assert vienna is not None and vienna.basis == "city"
    graz = locate("AT", "8010", None)
    assert graz is not None and graz.basis == "postal_region" and abs(graz.longitude - 15.44) < 0.01
    amsterdam = locate("NL", "1012 JS", None)
    assert amsterdam is not None and (amsterdam.latitude, amsterdam.longitude) == (52.37, 4.90)
    france = locate("FR", "75001", "Paris")
    assert france is not None and france.basis == "country"
    assert locate("ZZ", "1", "x") is None
    assert locate("DE", "99092", "Erfurt").as_dict()["basis"] in ("city", "postal_region")  # type: ignore[union-attr]


def test_an_unknown_destination_is_the_middle_of_the_network():
    a, b = to_location(ROW, None, 0), to_location({**ROW, "latitude": 52.98}, None, 0)
    assert a and b
    centre = centre_of([a, b])
    assert (round(centre.latitude, 2), centre.basis) == (51.98, "unknown")
    assert centre_of([]).basis == "unknown"


def test_stored_profile_rows_and_the_default():
    row = {
        "id": "spf_1",
        "channel_id": "chn_1",
        "name": "Web",
        "version": 3,
        "status": "retired",
        "rules": {
            "strategy": "nearest",
            "max_splits": 1,
            "filters": {"ship_from_store": False},
            "pickup_transfers": False,
        },
        "cost_model": default_cost_model("CHF").as_dict(),
    }
    setup = setup_from_row(row)
    assert (setup.profile.strategy, setup.profile.max_splits, setup.profile.version) == (
        "nearest",
        1,
        3,
    )
    assert setup.profile.filters.ship_from_store is False and setup.pickup_transfers is False
    assert setup.cost_model.currency == "CHF" and setup.profile_row_id == "spf_1"
    default = default_setup("chn_2", "SEK")
    assert default.profile.strategy == "lowest_cost" and default.profile_row_id is None
    assert default.cost_model.currency == "SEK" and default.pickup_transfers
    with pytest.raises(ValidationFailed):
        setup_from_row({**row, "rules": {"strategy": "random"}})


def test_ship_together_groups_become_kits():
    lines = [("l1", "FRAME", "1", 1), ("l2", "WHEEL", "2", 2), ("l3", "BELL", "3", 1)]
    assert kits_of({"ship_together": [["FRAME", "WHEEL"]]}, lines) == (("l1", "l2"),)
    assert kits_of({"ship_together": [[1, 3], ["WHEEL", "BELL"]]}, lines) == (("l1", "l3"),)
    assert kits_of({"ship_together": [["FRAME"]]}, lines) == ()
    assert kits_of({"ship_together": "FRAME,WHEEL"}, lines) == ()
    assert kits_of({}, lines) == ()


def test_fulfilment_kinds():
    assert kind_of({"id": "a", "type": "warehouse"}, None) == "ship_from_warehouse"
    assert kind_of({"id": "a", "type": "3pl"}, None) == "ship_from_warehouse"
    assert kind_of({"id": "a", "type": "store"}, None) == "ship_from_store"
    assert kind_of({"id": "a", "type": "dropship"}, None) == "dropship"
    assert kind_of({"id": "a", "type": "store"}, "a") == "pickup_in_store"
    assert kind_of({"id": "a", "type": "warehouse"}, "b") == "ship_to_store"


def test_shortfalls_name_the_order_lines():
    demands = [Demand(0, "l1", "s1", 3), Demand(2, "l3", "s2", 1)]
    got = [Allocation("l1", "s1", "x", 2), Allocation("l3", "s2", "y", 1)]
    short = shortfall(demands, got)
    assert short == [Demand(0, "l1", "s1", 1)]
    error = insufficient(short)
    assert error.code == "insufficient_stock"
    assert [e.field for e in error.errors] == ["lines.0.quantity"]
    assert shortfall(demands, [*got, Allocation("l1", "s1", "z", 1)]) == []
