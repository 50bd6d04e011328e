"""Shapes invoices for the API and the PDF: amounts as strings in the currency's decimals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from switchyard.invoicing.domain import Invoice, InvoiceStatus
from switchyard.kernel.clock import utcnow
from switchyard.kernel.money import format_amount


def percent(rate: Decimal) -> str:
    return f"{rate.normalize():f}"


def invoice_view(inv: Invoice) -> dict[str, Any]:
    def money(amount: Decimal) -> str:
        return format_amount(amount, inv.currency)

    return {
        "id": inv.id,
        "number": inv.number,
        "kind": inv.kind,
        "order_id": inv.order_id,
        "fulfillment_id": inv.fulfillment_id,
        "credit_note_for": inv.credit_note_for,
        "status": inv.status,
        "overdue": inv.status == InvoiceStatus.OPEN and inv.due_date < utcnow().date(),
        "currency": inv.currency,
        "issued_at": inv.issued_at,
        "due_date": inv.due_date,
        "payment_terms_days": inv.payment_terms_days,
        "seller": inv.seller,
        "buyer": inv.buyer,
        "lines": [
            {
                "line_no": ln.line_no,
                "order_line_id": ln.order_line_id,
                "sku": ln.sku,
                "description": ln.description,
                "quantity": ln.quantity,
                "unit_price": money(ln.unit_price),
                "discount": money(ln.discount),
                "net": money(ln.net),
                "tax_rate": percent(ln.tax_rate),
                "tax": money(ln.tax),
                "gross": money(ln.gross),
            }
            for ln in inv.lines
        ],
        "taxes": [
            {
                "rate": percent(t["rate"]),
                "net": money(t["net"]),
                "tax": money(t["tax"]),
                "gross": money(t["gross"]),
            }
            for t in inv.taxes()
        ],
        "net_total": money(inv.net_total),
        "tax_total": money(inv.tax_total),
        "gross_total": money(inv.gross_total),
        "amount_paid": money(inv.amount_paid),
        "amount_due": money(inv.amount_due),
        "pdf_url": f"/api/v1/invoices/{inv.id}.pdf",
    }
