"""Each quantity rule of an order line at its edges: zero, one, the exact limit and one past it.

A mutation run (``make mutate``) showed the lifecycle tests never applied a rule twice or with
a quantity of 0 or 1, so ``+=`` turned into ``=`` or ``<= 0`` into ``< 0`` went unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from switchyard.kernel.errors import Conflict
from switchyard.orders.line import InvariantViolated, OrderLine


def line(quantity: int = 10, **quantities: int) -> OrderLine:
    return OrderLine(
        id="oln_1",
        line_no=1,
        sku_id="sku_1",
        sku="TEE",
        quantity=quantity,
        unit_price=Decimal("5.00"),
        **quantities,
    )


def allocated(n: int, shipped: int = 0, delivered: int = 0) -> OrderLine:
    return line(qty_allocated=n, qty_shipped=shipped, qty_delivered=delivered)


# (name, make a line, apply the rule, the limit, the counter it moves, refusal code)
Rule = tuple[str, Callable[[], OrderLine], Callable[[OrderLine, int], None], int, str, str]
RULES: list[Rule] = [
    ("allocate", line, OrderLine.allocate, 10, "qty_allocated", "over_allocation"),
    ("backorder", line, OrderLine.backorder, 10, "qty_backordered", "over_backorder"),
    (
        "allocate_backordered",
        lambda: line(qty_backordered=6),
        OrderLine.allocate_backordered,
        6,
        "qty_allocated",
        "over_allocation",
    ),
    ("short", lambda: allocated(7, shipped=2), OrderLine.short, 5, "qty_backordered", "over_short"),
    ("ship", lambda: allocated(8), OrderLine.ship, 8, "qty_shipped", "over_shipment"),
    (
        "deliver",
        lambda: allocated(8, shipped=6),
        OrderLine.deliver,
        6,
        "qty_delivered",
        "over_delivery",
    ),
    (
        "return",
        lambda: allocated(8, shipped=6),
        OrderLine.return_,
        6,
        "qty_returned",
        "over_return",
    ),
]
IDS = [rule[0] for rule in RULES]


@pytest.mark.parametrize(("name", "make", "apply", "limit", "counter", "code"), RULES, ids=IDS)
@pytest.mark.parametrize("quantity", [0, -1])
def test_a_rule_refuses_nothing_or_less_and_changes_nothing(
    name: str,
    make: Callable[[], OrderLine],
    apply: Callable[[OrderLine, int], None],
    limit: int,
    counter: str,
    code: str,
    quantity: int,
) -> None:
    subject = make()
    before = subject.snapshot()
    with pytest.raises(Conflict) as refused:
        apply(subject, quantity)
    assert refused.value.code == code
    assert refused.value.extra == {"line_id": "oln_1"}
    assert "line 1:" in refused.value.detail
    assert subject.snapshot() == before


@pytest.mark.parametrize(("name", "make", "apply", "limit", "counter", "code"), RULES, ids=IDS)
def test_a_rule_accumulates_one_unit_at_a_time_up_to_its_limit_and_no_further(
    name: str,
    make: Callable[[], OrderLine],
    apply: Callable[[OrderLine, int], None],
    limit: int,
    counter: str,
    code: str,
) -> None:
    subject = make()
    start = getattr(subject, counter)
    for done in range(1, limit + 1):
        apply(subject, 1)
        assert getattr(subject, counter) == start + done
    before = subject.snapshot()
    with pytest.raises(Conflict) as refused:
        apply(subject, 1)
    assert refused.value.code == code
    assert subject.snapshot() == before


@pytest.mark.parametrize(("name", "make", "apply", "limit", "counter", "code"), RULES, ids=IDS)
def test_a_rule_takes_its_whole_limit_at_once_but_not_one_more(
    name: str,
    make: Callable[[], OrderLine],
    apply: Callable[[OrderLine, int], None],
    limit: int,
    counter: str,
    code: str,
) -> None:
    too_many = make()
    with pytest.raises(Conflict):
        apply(too_many, limit + 1)
    exact = make()
    start = getattr(exact, counter)
    apply(exact, limit)
    assert getattr(exact, counter) == start + limit


def test_allocating_backordered_units_moves_them_not_copies_them() -> None:
    subject = line(qty_allocated=2, qty_backordered=6)
    subject.allocate_backordered(4)
    assert (subject.qty_allocated, subject.qty_backordered, subject.unallocated) == (6, 2, 2)


def test_a_short_pick_moves_reserved_units_back_to_waiting() -> None:
    subject = line(qty_allocated=7, qty_backordered=1, qty_shipped=2)
    subject.short(3)
    assert (subject.qty_allocated, subject.qty_backordered, subject.unallocated) == (4, 4, 2)


def test_cutting_the_quantity_cancels_exactly_the_unallocated_units_and_adds_up() -> None:
    subject = line(qty_allocated=4, qty_cancelled=1)  # open 9, unallocated 5
    subject.set_open_quantity(6)
    assert (subject.qty_cancelled, subject.open_quantity, subject.unallocated) == (4, 6, 2)
    subject.set_open_quantity(4)
    assert (subject.qty_cancelled, subject.open_quantity, subject.unallocated) == (6, 4, 0)
    with pytest.raises(Conflict) as refused:
        subject.set_open_quantity(3)
    assert refused.value.code == "line_reserved"
    assert subject.qty_cancelled == 6


def test_raising_the_quantity_orders_more_and_an_unchanged_quantity_changes_nothing() -> None:
    subject = line(quantity=5, qty_allocated=5, qty_cancelled=0)
    subject.set_open_quantity(5)
    assert subject.snapshot()["ordered"] == 5
    subject.set_open_quantity(6)
    subject.set_open_quantity(8)
    assert (subject.quantity, subject.unallocated, subject.qty_cancelled) == (8, 3, 0)


def test_the_quantity_cannot_go_below_what_shipped_but_can_reach_it() -> None:
    subject = line(quantity=5, qty_allocated=3, qty_shipped=3)  # unallocated 2
    with pytest.raises(Conflict) as refused:
        subject.set_open_quantity(2)
    assert refused.value.code == "line_already_shipped"
    subject.set_open_quantity(3)
    assert (subject.open_quantity, subject.qty_cancelled) == (3, 2)


def test_cancelling_adds_to_what_was_cancelled_before() -> None:
    subject = line(quantity=10, qty_allocated=4, qty_backordered=2, qty_shipped=1)
    subject.set_open_quantity(8)  # cancels 2 of the 4 unallocated
    assert subject.cancel_unshipped() == 7
    assert (subject.qty_cancelled, subject.qty_allocated, subject.qty_backordered) == (9, 1, 0)
    assert subject.open_quantity == 1


@pytest.mark.parametrize(
    "quantities",
    [
        {"qty_allocated": 11},  # unallocated < 0
        {"qty_allocated": 6, "qty_backordered": 5},  # unallocated < 0 through backorders
        {"qty_allocated": -1},
        {"qty_backordered": -1},
        {"qty_cancelled": -1},
        {"qty_allocated": 2, "qty_shipped": 3},  # shipped > allocated
        {"qty_allocated": 3, "qty_shipped": 2, "qty_delivered": 3},  # delivered > shipped
        {"qty_allocated": 3, "qty_shipped": 2, "qty_returned": 3},  # returned > shipped
        {"qty_delivered": -1},
        {"qty_allocated": 2, "qty_shipped": 2, "qty_returned": -1},
    ],
    ids=str,
)
def test_the_invariant_catches_every_way_quantities_stop_adding_up(
    quantities: dict[str, int],
) -> None:
    with pytest.raises(InvariantViolated, match=r"line oln_1 quantities do not add up: \{"):
        line(**quantities).check()


@pytest.mark.parametrize(
    "quantities",
    [
        {},
        {"qty_allocated": 10},
        {"qty_allocated": 4, "qty_backordered": 3, "qty_cancelled": 3},
        {"qty_allocated": 5, "qty_shipped": 5, "qty_delivered": 5, "qty_returned": 5},
    ],
    ids=str,
)
def test_the_invariant_accepts_quantities_at_their_bounds(quantities: dict[str, int]) -> None:
    line(**quantities).check()


def test_unreserving_keeps_shipped_units_allocated() -> None:
    subject = line(qty_allocated=6, qty_backordered=2, qty_shipped=2)
    subject.unreserve_unshipped()
    assert (subject.qty_allocated, subject.qty_backordered, subject.unallocated) == (2, 0, 8)
