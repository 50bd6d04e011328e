"""Invoicing use cases: invoice a shipment, settle invoices, credit refunds. Never commit.

They run inside the transaction of their cause (see ``handlers.py``): a shipment, its
invoice and its capture commit together or not at all.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from switchyard.catalog.repository import SkuRepository
from switchyard.channels.repository import ChannelRepository
from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment.repository import FulfillmentRepository
from switchyard.invoicing import domain
from switchyard.invoicing.charges import destination_country, price_shipment, shipment_charges
from switchyard.invoicing.domain import Invoice, InvoiceStatus, Kind
from switchyard.invoicing.repository import InvoiceRepository
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import Conflict, FieldError, not_found
from switchyard.kernel.ids import new_id
from switchyard.locations.repository import LocationRepository
from switchyard.orders.domain import Order
from switchyard.orders.repository import OrderRepository
from switchyard.payments import service as payments
from switchyard.payments.repository import PaymentRepository

ZERO = Decimal(0)
DEFAULT_TERMS_DAYS = 30
_PREFIX = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,19}")


def invoice_shipment(uow: UnitOfWork, order_id: str, fulfillment_id: str) -> Invoice | None:
    """Issue the shipment's invoice and capture its amount.

    None when it is already invoiced, or when the event names no stored order and
    fulfillment (events replayed or made up by tests and tools are not shipments).
    """
    repo = uow.repo(InvoiceRepository)
    if repo.id_for_fulfillment(fulfillment_id) is not None:
        return None
    order = uow.repo(OrderRepository).get(order_id, lock=True)
    shipment = uow.repo(FulfillmentRepository).get(fulfillment_id)
    if order is None or shipment is None or shipment.order_id != order.id:
        return None
    channel = uow.repo(ChannelRepository).get(order.channel_id) or {}
    settings: dict[str, Any] = channel.get("settings") or {}
    existing = repo.for_order(order_id)
    earlier = [i for i in existing if i.kind == Kind.INVOICE]
    shipping_before = sum(
        (ln.unit_price for i in earlier for ln in i.lines if ln.order_line_id is None), ZERO
    )
    skus = uow.repo(SkuRepository).by_refs([ln.sku_id for ln in shipment.lines])
    names = {row["id"]: row["name"] for row in skus.values()}
    charges = shipment_charges(
        order, [(ln.order_line_id, ln.quantity) for ln in shipment.lines], names, shipping_before
    )
    location = uow.repo(LocationRepository).get(shipment.location_id) or {}
    address = {k: v for k, v in (location.get("address") or {}).items() if v is not None}
    country = destination_country(order, address.get("country_code"))
    taxes_before = sum((i.tax_total for i in earlier), ZERO)
    lines = price_shipment(order, charges, settings, country, taxes_before)
    on_invoice = any(
        p.provider == "invoice" and not p.failed
        for p in uow.repo(PaymentRepository).for_order(order_id)
    )
    terms = _terms(settings) if on_invoice else 0
    now = utcnow()
    invoice = Invoice(
        id=new_id("inv"),
        number="",
        kind=Kind.INVOICE,
        order_id=order.id,
        channel_id=order.channel_id,
        currency=order.currency,
        issued_at=now,
        due_date=domain.due_date(now, terms),
        payment_terms_days=terms,
        seller=_seller(channel, settings, address),
        buyer=_buyer(order),
        lines=lines,
        fulfillment_id=shipment.id,
    )
    if invoice.gross_total <= 0:
        invoice.status = InvoiceStatus.PAID
    # capture only what money already received but not yet invoiced does not cover
    need = invoice.gross_total - max(ZERO, _unapplied(uow, order.id, existing))
    if need > 0:
        payments.capture_for_shipment(uow, order.id, need, shipment.id, invoice.id)
    _issue(uow, invoice, _prefix(settings, "invoice_prefix", "INV"))
    uow.emit(
        invoice.event(
            "invoice.issued", {"fulfillment_id": shipment.id, "due_date": str(invoice.due_date)}
        )
    )
    settle(uow, order.id)
    return invoice


def _issue(uow: UnitOfWork, invoice: Invoice, prefix: str) -> None:
    """Number and store an invoice; the number is taken last to hold its lock briefly."""
    repo = uow.repo(InvoiceRepository)
    name = domain.series(prefix, invoice.issued_at)
    invoice.number = domain.format_number(name, repo.next_number(name))
    repo.add(invoice, name)


def _prefix(settings: dict[str, Any], key: str, default: str) -> str:
    prefix = settings.get(key, default)
    if not isinstance(prefix, str) or not _PREFIX.fullmatch(prefix):
        raise Conflict(
            "invalid_channel_settings",
            f"the channel's settings.{key} must be 1 to 20 letters, digits or dashes",
            [FieldError(f"settings.{key}", "invalid_prefix", str(prefix))],
        )
    return prefix


def _terms(settings: dict[str, Any]) -> int:
    days = settings.get("payment_terms_days", DEFAULT_TERMS_DAYS)
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 365:
        raise Conflict(
            "invalid_channel_settings",
            "the channel's settings.payment_terms_days must be 0 to 365 days",
            [FieldError("settings.payment_terms_days", "invalid_terms", str(days))],
        )
    return days


def _seller(
    channel: dict[str, Any], settings: dict[str, Any], location_address: dict[str, Any]
) -> dict[str, Any]:
    """The channel's seller entity (``channels.seller``: legal name, address, VAT id, ...)
    as the invoice prints it, else the channel's name at the shipping location."""
    seller = settings.get("seller")
    if isinstance(seller, dict) and seller.get("legal_name"):
        address = seller.get("address")
        if not isinstance(address, dict):
            address = {}
        return {
            "name": seller["legal_name"],
            **{k: v for k, v in address.items() if v},
            **{
                k: seller[k]
                for k in ("vat_id", "registration", "iban", "email", "phone")
                if seller.get(k)
            },
        }
    if isinstance(seller, dict) and seller:
        return seller  # stored before sellers were checked: an address as it was given
    return {**location_address, "name": channel.get("name", "")}


def _buyer(order: Order) -> dict[str, Any]:
    """The billing address (else the shipping one), named: the customer if it names nobody."""
    address = order.addressed(order.billing_address or order.shipping_address)
    return {**address, "email": order.email}


def settle(uow: UnitOfWork, order_id: str) -> list[Invoice]:
    """Apply captured money that no invoice has used yet to the order's open invoices."""
    repo = uow.repo(InvoiceRepository)
    invoices = repo.for_order(order_id)
    changed = domain.settle(invoices, _unapplied(uow, order_id, invoices))
    for inv in changed:
        repo.record_payment(inv)
        kind = "invoice.paid" if inv.status == InvoiceStatus.PAID else "invoice.partially_paid"
        uow.emit(inv.event(kind))
    return changed


def _unapplied(uow: UnitOfWork, order_id: str, invoices: list[Invoice]) -> Decimal:
    captured, refunded = uow.repo(PaymentRepository).totals_for_order(order_id)
    paid, credited = _applied(invoices)
    return domain.unapplied(captured, refunded, paid, credited)


def _applied(invoices: list[Invoice]) -> tuple[Decimal, Decimal]:
    """(paid on invoices, credited by credit notes), both as positive amounts."""
    paid = sum((i.amount_paid for i in invoices if i.kind == Kind.INVOICE), ZERO)
    credited = -sum((i.gross_total for i in invoices if i.kind == Kind.CREDIT_NOTE), ZERO)
    return paid, credited


def credit_refund(
    uow: UnitOfWork, order_id: str, refund: Decimal, reason: str | None
) -> Invoice | None:
    """A credit note for the part of a refund that gives back invoiced money (if any)."""
    repo = uow.repo(InvoiceRepository)
    invoices = repo.for_order(order_id)
    issued = [i for i in invoices if i.kind == Kind.INVOICE]
    if not issued:
        return None
    invoiced = sum((i.gross_total for i in issued), ZERO)
    credited = _applied(invoices)[1]
    amount = domain.credit_for_refund(
        refund, _unapplied(uow, order_id, invoices), invoiced, credited
    )
    if amount <= 0:
        return None
    by_rate: dict[Decimal, Decimal] = {}
    for i in issued:
        for tax in i.taxes():
            by_rate[tax["rate"]] = by_rate.get(tax["rate"], ZERO) + tax["gross"]
    latest = max(issued, key=lambda i: (i.issued_at, i.number))
    now = utcnow()
    note = Invoice(
        id=new_id("inv"),
        number="",
        kind=Kind.CREDIT_NOTE,
        order_id=order_id,
        channel_id=latest.channel_id,
        currency=latest.currency,
        issued_at=now,
        due_date=now.date(),
        payment_terms_days=0,
        seller=latest.seller,
        buyer=latest.buyer,
        lines=domain.credit_note_lines(
            amount, by_rate, latest.currency, f"Refund: {reason}" if reason else "Refund"
        ),
        credit_note_for=latest.id,
        status=InvoiceStatus.REFUNDED,
    )
    channel = uow.repo(ChannelRepository).get(latest.channel_id) or {}
    _issue(uow, note, _prefix(channel.get("settings") or {}, "credit_note_prefix", "CN"))
    uow.emit(note.event("credit_note.issued", {"credit_note_for": latest.id}))
    return note


def get_invoice(uow: UnitOfWork, ref: str) -> Invoice:
    invoice = uow.repo(InvoiceRepository).get(ref)
    if invoice is None:
        raise not_found("invoice", ref)
    return invoice
