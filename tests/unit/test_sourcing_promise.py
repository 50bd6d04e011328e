"""Delivery promises per shipment and order, backorders from incoming supply, pickup,
and the options offered before ordering."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from switchyard.sourcing.costs import default_cost_model
from switchyard.sourcing.engine import source_order
from switchyard.sourcing.ledger import Ledger
from switchyard.sourcing.model import (
    IncomingSupply,
    Location,
    OrderLine,
    OrderRequest,
    StockLevel,
)
from switchyard.sourcing.options import promise_options
from switchyard.sourcing.profile import SourcingProfile
from switchyard.sourcing.promise import promise_order

COSTS = default_cost_model()
TZ = "Europe/Berlin"
# Wednesday 17 June 2026, 10:00 in Berlin.
NOW = datetime(2026, 6, 17, 8, 0, tzinfo=UTC)
HAMBURG = (53.551, 9.994)
NEAR = Location("near", "WH-HH", "warehouse", 53.60, 10.05, timezone=TZ, cutoff=time(15, 0))
FAR = Location(
    "far", "WH-MUC", "warehouse", 48.137, 11.575, timezone=TZ, cutoff=time(9, 0), handling_days=1
)
STORE = Location(
    "st",
    "ST-HH",
    "store",
    53.55,
    9.99,
    timezone=TZ,
    capabilities=frozenset({"pickup", "ship_from_store"}),
    opens=time(10, 0),
    closes=time(19, 0),
    pickup_lead_minutes=60,
)
NETWORK = (NEAR, FAR, STORE)


def book(**stock: dict[str, int]) -> Ledger:
    return Ledger.from_levels(
        [StockLevel(s, loc, q) for s, m in stock.items() for loc, q in m.items()], NETWORK
    )


def request(*lines: tuple[str, int], **kw: object) -> OrderRequest:
    return OrderRequest(
        "o",
        tuple(OrderLine(f"l{n}", sku, q, Decimal("1")) for n, (sku, q) in enumerate(lines)),
        *HAMBURG,
        placed_at=NOW,
        **kw,  # type: ignore[arg-type]
    )


def test_each_shipment_has_dates_and_the_order_takes_the_latest():
    stock = book(A={"near": 1}, B={"far": 1})
    order = request(("A", 1), ("B", 1))
    d = source_order(order, NETWORK, stock, SourcingProfile(), COSTS)
    p = promise_order(d, order, NETWORK, COSTS, NOW)
    by_loc = {s.location_id: s for s in p.shipments}
    assert by_loc["near"].ship_by == date(2026, 6, 17)  # before 15:00
    assert by_loc["near"].order_within == timedelta(hours=5)
    assert by_loc["near"].deliver_by == date(2026, 6, 18)  # zone 1: one day
    assert by_loc["far"].ship_by == date(2026, 6, 19)  # 9:00 cut-off passed, +1 handling day
    assert by_loc["far"].deliver_by == date(2026, 6, 23)  # 610 km: two days, over the weekend
    assert (p.ship_by, p.deliver_by) == (date(2026, 6, 19), date(2026, 6, 23))


def test_backordered_units_are_promised_from_incoming_supply():
    stock = book(A={"near": 1})
    order = request(("A", 3))
    d = source_order(order, NETWORK, stock, SourcingProfile(), COSTS)
    assert d.unsourced == {"l0": 2}
    supply = [
        IncomingSupply("A", "far", 1, datetime(2026, 6, 20, tzinfo=UTC)),  # too few
        IncomingSupply("A", "near", 5, datetime(2026, 6, 24, 6, 0, tzinfo=UTC)),
    ]
    p = promise_order(d, order, NETWORK, COSTS, NOW, supplies=supply)
    later = [s for s in p.shipments if s.from_supply]
    assert len(later) == 1 and later[0].ship_by == date(2026, 6, 24)
    assert p.deliver_by == date(2026, 6, 25)
    unknown = promise_order(d, order, NETWORK, COSTS, NOW)
    assert unknown.deliver_by is None and unknown.unpromised == {"l0": 2}


def test_pickup_from_store_stock_is_ready_after_the_lead_time():
    order = request(("A", 1), delivery="pickup", pickup_location_id="st")
    d = source_order(order, NETWORK, book(A={"st": 2, "near": 9}), SourcingProfile(), COSTS)
    p = promise_order(d, order, NETWORK, COSTS, NOW)
    assert p.shipments == ()
    assert p.ready_at is not None and p.ready_at.replace(tzinfo=None) == datetime(
        2026, 6, 17, 11, 0
    )


def test_pickup_with_a_transfer_waits_for_it_to_arrive():
    order = request(("A", 1), delivery="pickup", pickup_location_id="st")
    d = source_order(order, NETWORK, book(A={"near": 9}), SourcingProfile(), COSTS)
    p = promise_order(d, order, NETWORK, COSTS, NOW)
    assert [s.location_id for s in p.shipments] == ["near"]
    assert p.ready_at is not None
    assert p.ready_at.replace(tzinfo=None) == datetime(2026, 6, 18, 11, 0)  # arrives, + 1 h
    assert p.deliver_by == date(2026, 6, 18)


def test_options_offer_cheapest_faster_and_pickup():
    stock = book(A={"far": 5, "st": 1}, B={"far": 5, "near": 5})
    order = request(("A", 1), ("B", 1))
    options = promise_options(order, NETWORK, stock, SourcingProfile(), COSTS, NOW)
    kinds = [o.kind for o in options]
    assert kinds[0] == "cheapest"
    cheapest = options[0]
    assert cheapest.deliver_by is not None and cheapest.cost > 0
    assert "delivered" in cheapest.label
    # The store lacks B: the cheapest way to collect there is a transfer from Munich.
    pickups = [o for o in options if o.kind == "pickup"]
    assert [o.label for o in pickups] == ["pick up at ST-HH: ready on Tue 23 Jun at 11:00"]
    stock_all = book(A={"far": 5, "st": 1}, B={"far": 5, "st": 1})
    pickup = next(
        o
        for o in promise_options(order, NETWORK, stock_all, SourcingProfile(), COSTS, NOW)
        if o.kind == "pickup"
    )
    assert pickup.label == "pick up at ST-HH: ready today at 11:00"
    assert pickup.as_dict()["ready_at"].startswith("2026-06-17T11:00")


def test_fastest_option_appears_when_it_beats_the_cheapest_date():
    # Cheapest is a store shipment after a 12:00 cut-off; the near warehouse ships today.
    store = Location(
        "st2", "ST-CHEAP", "store", 53.55, 9.99, timezone=TZ,
        capabilities=frozenset({"ship_from_store"}), cutoff=time(9, 0), handling_days=2,
    )  # fmt: skip
    network = (NEAR, store)
    costs = default_cost_model()
    stock = Ledger.from_levels([StockLevel("A", "near", 1), StockLevel("A", "st2", 1)], network)
    cheap_store = type(costs)(
        costs.currency,
        costs.zones,
        {**costs.handling_by_type, "store": costs.handling_by_type["warehouse"]},
        {"near": type(costs.handling_by_type["store"])(Decimal("5"), Decimal("1"))},
    )
    options = promise_options(
        request(("A", 1)), network, stock, SourcingProfile(), cheap_store, NOW
    )
    assert [o.kind for o in options] == ["cheapest", "fastest"]
    assert options[0].locations == ("ST-CHEAP",) and options[1].locations == ("WH-HH",)
    assert options[1].deliver_by < options[0].deliver_by
    assert options[1].label.startswith("order within 5 h 0 min, delivered")


def test_units_from_incoming_supply_have_no_cut_off_to_order_within():
    supply = [IncomingSupply("A", "near", 5, datetime(2026, 6, 22, 6, 0, tzinfo=UTC))]
    order = request(("A", 1))
    d = source_order(order, NETWORK, book(A={}), SourcingProfile(), COSTS)
    (later,) = promise_order(d, order, NETWORK, COSTS, NOW, supplies=supply).shipments
    assert later.from_supply and later.order_within is None  # 08:00 arrival, 15:00 cut-off
    assert later.expected_at == supply[0].arrives_at
    (option,) = promise_options(
        order, NETWORK, book(A={}), SourcingProfile(), COSTS, NOW, supplies=supply
    )
    assert option.preorder and option.order_within is None
    assert option.label == "preorder, delivered Tuesday 23 June"
    # with part of the basket in stock the countdown still means nothing: the supply decides
    mixed = request(("A", 1), ("B", 1))
    stock = book(A={}, B={"near": 1})
    (option,) = promise_options(
        mixed, NETWORK, stock, SourcingProfile(), COSTS, NOW, supplies=supply
    )
    assert option.preorder and option.order_within is None
