from datetime import UTC, datetime
from decimal import Decimal

import pytest

from switchyard.kernel.errors import Conflict
from switchyard.orders.domain import Order, OrderLine, OrderStatus


def make_order(*quantities: int) -> Order:
    now = datetime(2026, 11, 26, tzinfo=UTC)
    order = Order(
        id="ord_1",
        channel_id="chn_1",
        external_id="E1",
        customer_id=None,
        email="a@b.c",
        currency="EUR",
        shipping_address={},
        billing_address=None,
        tracking_token="t",
        placed_at=now,
        updated_at=now,
    )
    order.lines = [
        OrderLine(f"l{i}", i, f"sku{i}", f"S{i}", q, Decimal("2.50"))
        for i, q in enumerate(quantities)
    ]
    return order


def test_status_follows_quantities_through_the_lifecycle():
    order = make_order(2, 1)
    assert order.status == OrderStatus.PLACED
    order.lines[0].allocate(2)
    assert order.status == OrderStatus.PARTIALLY_ALLOCATED
    order.lines[1].allocate(1)
    assert order.status == OrderStatus.ALLOCATED
    order.lines[0].ship(2)
    assert order.status == OrderStatus.PARTIALLY_SHIPPED
    order.lines[1].ship(1)
    assert order.status == OrderStatus.SHIPPED
    order.lines[0].deliver(2)
    assert order.status == OrderStatus.SHIPPED
    order.lines[1].deliver(1)
    assert order.status == OrderStatus.DELIVERED
    assert order.total == Decimal("7.50")


def test_cancel_keeps_what_shipped():
    order = make_order(3, 2)
    order.lines[0].allocate(3)
    order.lines[1].allocate(2)
    order.lines[1].ship(2)
    order.require_cancellable()
    assert [ln.cancel_unshipped() for ln in order.lines] == [3, 0]
    assert order.lines[0].status == "cancelled"
    assert order.status == OrderStatus.SHIPPED
    with pytest.raises(Conflict):
        order.require_cancellable()


def test_quantities_cannot_run_past_each_other():
    line = make_order(2).lines[0]
    with pytest.raises(Conflict):
        line.ship(1)
    line.allocate(2)
    with pytest.raises(Conflict):
        line.allocate(1)
    line.ship(1)
    with pytest.raises(Conflict):
        line.deliver(2)
    assert line.status == "partially_shipped"


def test_fully_cancelled_order_is_cancelled():
    order = make_order(1)
    order.lines[0].cancel_unshipped()
    assert order.status == OrderStatus.CANCELLED


def test_an_address_without_a_name_is_addressed_to_the_customer():
    order = make_order(1)
    street = {"line1": "Invalidenstrasse 12", "city": "Berlin"}
    assert order.addressed(street) == street  # no customer name: nothing to add
    order.customer_name = "Greta Lindqvist"
    assert order.addressed(street) == {**street, "name": "Greta Lindqvist"}
    assert order.addressed({**street, "name": ""})["name"] == "Greta Lindqvist"
    assert order.addressed({**street, "name": "Reception"})["name"] == "Reception"
    assert order.addressed(None) == {"name": "Greta Lindqvist"}
    assert "name" not in street  # the stored address is left as it is
