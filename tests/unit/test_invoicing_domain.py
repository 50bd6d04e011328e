"""Invoice arithmetic: taxes per line, shares of shipping, settlement and credit notes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest

from switchyard.invoicing import domain
from switchyard.invoicing.charges import (
    effective_rate,
    payable_total,
    price_shipment,
    shipment_charges,
)
from switchyard.invoicing.domain import Invoice, InvoiceStatus, Kind
from switchyard.invoicing.taxes import (
    Charge,
    breakdown,
    price_line,
    price_lines,
    rate_for,
)
from switchyard.kernel.errors import Conflict
from switchyard.orders.domain import Order, OrderLine

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def test_gross_prices_split_into_net_and_tax_half_even_per_line():
    line = price_line(
        1, Charge("l1", "S", "x", 2, D("89.00")), D(19), include_tax=True, currency="EUR"
    )
    assert (line.net, line.tax, line.gross) == (D("149.58"), D("28.42"), D("178.00"))
    # 0.125 rounds to the even 0.12, not 0.13
    half = price_line(
        1, Charge(None, None, "x", 1, D("0.125")), D(0), include_tax=False, currency="EUR"
    )
    assert half.gross == D("0.12")
    up = price_line(
        1, Charge(None, None, "x", 1, D("0.135")), D(0), include_tax=False, currency="EUR"
    )
    assert up.gross == D("0.14")


def test_net_prices_get_tax_added_and_yen_has_no_decimals():
    line = price_line(
        1, Charge(None, None, "x", 3, D("33.33")), D(19), include_tax=False, currency="EUR"
    )
    assert (line.net, line.tax, line.gross) == (D("99.99"), D("19.00"), D("118.99"))
    yen = price_line(
        1, Charge(None, None, "x", 1, D("1000")), D(10), include_tax=True, currency="JPY"
    )
    assert (yen.net, yen.tax, yen.gross) == (D("909"), D("91"), D("1000"))


def test_totals_are_sums_of_rounded_lines_and_grouped_by_rate():
    a = price_line(
        1, Charge(None, None, "a", 1, D("10.00")), D(19), include_tax=True, currency="EUR"
    )
    b = price_line(
        2, Charge(None, None, "b", 1, D("10.00")), D(7), include_tax=True, currency="EUR"
    )
    c = price_line(
        3, Charge(None, None, "c", 1, D("5.00")), D(19), include_tax=True, currency="EUR"
    )
    groups = breakdown([a, b, c])
    assert [g["rate"] for g in groups] == [D(7), D(19)]
    assert groups[1]["gross"] == D("15.00")
    assert groups[1]["tax"] == a.tax + c.tax
    assert all(g["net"] + g["tax"] == g["gross"] for g in groups)


def test_tax_rate_comes_from_the_channel_then_the_standard_table_then_the_default():
    assert rate_for("DE", {}) == D(19)
    assert rate_for("DE", {"tax_rates": {"DE": "7"}}) == D(7)
    assert rate_for("AT", {}) == D(20)
    assert rate_for("US", {}) == D(0)
    assert rate_for("US", {"default_tax_rate": 8.875}) == D("8.875")
    for bad in ({"tax_rates": {"DE": "x"}}, {"tax_rates": {"DE": 120}}, {"tax_rates": ["DE"]}):
        with pytest.raises(Conflict) as err:
            rate_for("DE", bad)
        assert err.value.code == "invalid_channel_settings"


def test_shipping_is_shared_by_value_and_the_last_shipment_takes_the_rest():
    first = domain.share_of(D("4.99"), D(0), D("30"), D("90"), final=False, currency="EUR")
    assert first == D("1.66")
    second = domain.share_of(D("4.99"), first, D("30"), D("90"), final=False, currency="EUR")
    last = domain.share_of(D("4.99"), first + second, D("30"), D("90"), final=True, currency="EUR")
    assert first + second + last == D("4.99")
    assert domain.share_of(D("4.99"), D("4.99"), D(1), D(1), final=True, currency="EUR") == 0


def order(shipping: str = "0", taxes: str = "0", discount: str = "0") -> Order:
    o = Order(
        id="ord_1",
        channel_id="chn_1",
        external_id="E1",
        customer_id=None,
        email="a@example.com",
        currency="EUR",
        shipping_address={"country_code": "DE"},
        billing_address=None,
        tracking_token="t",
        placed_at=NOW,
        updated_at=NOW,
        shipping_charge=D(shipping),
        taxes=D(taxes),
    )
    o.lines = [
        OrderLine("l1", 1, "sku_1", "A", 2, D("30.00"), D(discount), qty_allocated=2),
        OrderLine("l2", 2, "sku_2", "B", 1, D("40.00"), qty_allocated=1),
    ]
    return o


def test_shipment_charges_name_the_goods_and_add_a_share_of_shipping():
    o = order(shipping="10.00")
    o.line("l1").ship(2)
    charges = shipment_charges(o, [("l1", 2)], {"sku_1": "Sweater"}, D(0))
    assert [(c.description, c.quantity, c.unit_price) for c in charges] == [
        ("Sweater", 2, D("30.00")),
        ("Shipping", 1, D("6.00")),
    ]
    o.line("l2").ship(1)
    last = shipment_charges(o, [("l2", 1)], {}, D("6.00"))
    assert [(c.description, c.unit_price) for c in last] == [
        ("B", D("40.00")),
        ("Shipping", D("4.00")),
    ]
    assert payable_total(o, {}, "DE") == D("110.00")
    assert payable_total(o, {"prices_include_tax": False}, "DE") == D("130.90")


def test_line_discounts_are_charged_with_the_quantity_shipped_and_add_up():
    o = order(discount="10.01")
    amounts = []
    for _ in range(2):
        o.line("l1").ship(1)
        (charge,) = shipment_charges(o, [("l1", 1)], {}, D(0))
        amounts.append(charge.amount("EUR"))
    assert amounts == [D("25.00"), D("24.99")]
    assert sum(amounts) == o.line("l1").amount


def test_taxes_sent_with_the_order_are_shared_and_shown_at_their_effective_rate():
    o = order(shipping="10.00", taxes="10.00")
    assert effective_rate(o) == D("9.0909")
    o.line("l1").ship(2)
    first = price_shipment(o, shipment_charges(o, [("l1", 2)], {}, D(0)), {}, "DE", D(0))
    assert [(ln.net, ln.tax) for ln in first] == [(D("60.00"), D("5.45")), (D("6.00"), D("0.55"))]
    o.line("l2").ship(1)
    last = price_shipment(o, shipment_charges(o, [("l2", 1)], {}, D("6.00")), {}, "DE", D(6))
    assert sum(ln.tax for ln in first + last) == D("10.00")
    assert sum(ln.gross for ln in first + last) == o.total == payable_total(o, {}, "DE")


def invoice(number: str, gross: str, kind: str = Kind.INVOICE, paid: str = "0") -> Invoice:
    lines = price_lines(
        [Charge(None, None, "x", 1, D(gross))], D(19), include_tax=True, currency="EUR"
    )
    return Invoice(
        id=f"inv_{number}",
        number=number,
        kind=kind,
        order_id="ord_1",
        channel_id="chn_1",
        currency="EUR",
        issued_at=NOW,
        due_date=date(2026, 3, 31),
        payment_terms_days=30,
        seller={},
        buyer={},
        lines=lines,
        amount_paid=D(paid),
    )


def test_settlement_pays_the_oldest_open_invoices_first():
    old, new = invoice("INV-2026-000001", "50"), invoice("INV-2026-000002", "30")
    changed = domain.settle([new, old], D("60"))
    assert [i.number for i in changed] == ["INV-2026-000001", "INV-2026-000002"]
    assert (old.status, old.amount_due) == (InvoiceStatus.PAID, 0)
    assert (new.status, new.amount_paid, new.amount_due) == (InvoiceStatus.OPEN, D(10), D(20))
    assert domain.settle([old, new], D(0)) == []


def test_unapplied_money_and_how_much_of_a_refund_needs_a_credit_note():
    # paid 100 for a 100 invoice, refund 30: all of it reverses invoiced money
    after = domain.unapplied(D(100), D(30), D(100), D(0))
    assert domain.credit_for_refund(D(30), after, D(100), D(0)) == D(30)
    # prepaid 150, invoiced 100: refunding the 50 overpaid needs no credit note
    after = domain.unapplied(D(150), D(50), D(100), D(0))
    assert domain.credit_for_refund(D(50), after, D(100), D(0)) == 0
    # an earlier refund credited 90 of the invoice: refunding the last 10 credits 10
    after = domain.unapplied(D(100), D(100), D(100), D(90))
    assert domain.credit_for_refund(D(10), after, D(100), D(90)) == D(10)
    # never more than was invoiced and not yet credited
    assert domain.credit_for_refund(D(50), D(-50), D(100), D(90)) == D(10)


def test_credit_note_lines_are_negative_and_prorated_over_rates():
    lines = domain.credit_note_lines(
        D("50.00"), {D(19): D("75.00"), D(7): D("25.00")}, "EUR", "Refund"
    )
    assert [ln.tax_rate for ln in lines] == [D(7), D(19)]
    assert [ln.gross for ln in lines] == [D("-12.50"), D("-37.50")]
    assert sum(ln.gross for ln in lines) == D("-50.00")
    assert all(ln.net + ln.tax == ln.gross and ln.tax <= 0 for ln in lines)
    note = invoice("CN-2026-000001", "0", kind=Kind.CREDIT_NOTE)
    note.lines = lines
    assert note.amount_due == 0 and note.gross_total == D("-50.00")


def test_numbers_and_due_dates():
    assert domain.series("INV", NOW) == "INV-2026"
    assert domain.format_number("INV-2026", 42) == "INV-2026-000042"
    assert domain.due_date(NOW, 30) == date(2026, 3, 31)
    assert domain.due_date(NOW, 0) == date(2026, 3, 1)
