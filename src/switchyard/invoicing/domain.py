"""Invoices and credit notes: numbers, shares of shipping, settlement by captured money.

* One invoice per shipment; shipping (and taxes given by the order) are invoiced in
  proportion to the goods' value, and the shipment that completes the order takes
  whatever is left, so the parts add up.
* Numbers are gapless per series (``INV-2026-000001``); credit notes have their own series.
* An invoice is ``open`` until captured money covers it, then ``paid``. Money captured and
  not yet applied (prepayments, bank transfers for pay-on-invoice) is applied to the
  oldest open invoices first. A refund first uses money not applied to any invoice; the
  rest is a credit note (negative lines, prorated over the invoiced tax rates).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from switchyard.invoicing.taxes import InvoiceLine, breakdown, round_money
from switchyard.kernel.events import DomainEvent

ZERO = Decimal(0)


class Kind:
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class InvoiceStatus:
    OPEN = "open"
    PAID = "paid"
    REFUNDED = "refunded"  # a credit note, settled by the refund that caused it


@dataclass(slots=True)
class Invoice:
    id: str
    number: str
    kind: str
    order_id: str
    channel_id: str
    currency: str
    issued_at: datetime
    due_date: date
    payment_terms_days: int
    seller: dict[str, Any]
    buyer: dict[str, Any]
    lines: list[InvoiceLine] = field(default_factory=list)
    fulfillment_id: str | None = None
    credit_note_for: str | None = None
    amount_paid: Decimal = ZERO
    status: str = InvoiceStatus.OPEN

    @property
    def net_total(self) -> Decimal:
        return sum((ln.net for ln in self.lines), ZERO)

    @property
    def tax_total(self) -> Decimal:
        return sum((ln.tax for ln in self.lines), ZERO)

    @property
    def gross_total(self) -> Decimal:
        return sum((ln.gross for ln in self.lines), ZERO)

    @property
    def amount_due(self) -> Decimal:
        if self.kind == Kind.CREDIT_NOTE:
            return ZERO
        return self.gross_total - self.amount_paid

    def taxes(self) -> list[dict[str, Decimal]]:
        return breakdown(self.lines)

    def event(self, type_: str, data: dict[str, Any] | None = None) -> DomainEvent:
        return DomainEvent(
            type_,
            "invoice",
            self.id,
            {
                "number": self.number,
                "kind": self.kind,
                "currency": self.currency,
                "gross_total": str(self.gross_total),
                "amount_paid": str(self.amount_paid),
                "status": self.status,
                **(data or {}),
            },
            order_id=self.order_id,
            channel_id=self.channel_id,
        )


def series(prefix: str, issued_at: datetime) -> str:
    return f"{prefix}-{issued_at.year}"


def format_number(series_name: str, value: int) -> str:
    return f"{series_name}-{value:06d}"


def due_date(issued_at: datetime, terms_days: int) -> date:
    return (issued_at + timedelta(days=terms_days)).date()


def share_of(
    total: Decimal,
    charged_before: Decimal,
    shipment_value: Decimal,
    order_value: Decimal,
    *,
    final: bool,
    currency: str,
) -> Decimal:
    """This shipment's part of an order-level amount (shipping charge, given taxes)."""
    left = total - charged_before
    if left <= 0:
        return ZERO
    if final:
        return left
    if order_value <= 0:
        return ZERO
    return min(left, round_money(total * shipment_value / order_value, currency))


def unapplied(captured: Decimal, refunded: Decimal, paid: Decimal, credited: Decimal) -> Decimal:
    """Money kept from the customer that no invoice has used yet."""
    return (captured - refunded) - (paid - credited)


def credit_for_refund(
    refund: Decimal, unapplied_after: Decimal, invoiced: Decimal, credited: Decimal
) -> Decimal:
    """How much of a refund needs a credit note.

    ``unapplied_after`` is the unapplied money after the refund: the refund first gives
    back money that paid no invoice, only the rest reverses invoiced amounts.
    """
    free_before = max(ZERO, unapplied_after + refund)
    return max(ZERO, min(refund - free_before, invoiced - credited))


def credit_note_lines(
    amount: Decimal, invoiced_by_rate: dict[Decimal, Decimal], currency: str, description: str
) -> list[InvoiceLine]:
    """Negative lines crediting ``amount`` (gross), prorated over the invoiced tax rates."""
    total = sum(invoiced_by_rate.values(), ZERO)
    rates = sorted(r for r, gross in invoiced_by_rate.items() if gross > 0)
    lines: list[InvoiceLine] = []
    left = amount
    for i, rate in enumerate(rates):
        last = i == len(rates) - 1
        share = left if last else round_money(amount * invoiced_by_rate[rate] / total, currency)
        share = min(share, left)
        left -= share
        if share <= 0:
            continue
        tax = round_money(share * rate / (100 + rate), currency)
        lines.append(
            InvoiceLine(
                len(lines) + 1,
                None,
                None,
                description,
                1,
                -share,
                ZERO,
                -(share - tax),
                rate,
                -tax,
                -share,
            )
        )
    return lines


def settle(invoices: list[Invoice], available: Decimal) -> list[Invoice]:
    """Apply ``available`` money to open invoices, oldest number first; returns those changed."""
    changed = []
    for inv in sorted(invoices, key=lambda i: (i.issued_at, i.number)):
        if available <= 0:
            break
        if inv.kind != Kind.INVOICE or inv.status != InvoiceStatus.OPEN:
            continue
        take = min(available, inv.amount_due)
        if take <= 0:
            continue
        inv.amount_paid += take
        available -= take
        if inv.amount_due == 0:
            inv.status = InvoiceStatus.PAID
        changed.append(inv)
    return changed
