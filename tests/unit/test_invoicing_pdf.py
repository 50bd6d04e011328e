"""The invoice PDF is a real PDF that shows the invoice's number, parties, lines and totals."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal as D

from pypdf import PdfReader

from switchyard.invoicing.domain import Invoice, InvoiceStatus, Kind
from switchyard.invoicing.pdf import render_invoice_pdf
from switchyard.invoicing.read_model import invoice_view
from switchyard.invoicing.taxes import Charge, price_lines


def make_invoice(lines: int = 2, kind: str = Kind.INVOICE) -> Invoice:
    charges = [Charge(f"l{i}", f"SKU-{i}", f"Item {i}", i, D("9.99")) for i in range(1, lines + 1)]
    return Invoice(
        id="inv_1",
        number="INV-2026-000123" if kind == Kind.INVOICE else "CN-2026-000007",
        kind=kind,
        order_id="ord_1",
        channel_id="chn_1",
        currency="EUR",
        issued_at=datetime(2026, 3, 1, 9, tzinfo=UTC),
        due_date=date(2026, 3, 31),
        payment_terms_days=30,
        seller={"name": "Switchyard <b>GmbH</b> & Co", "line1": "Hauptstr. 1", "city": "Erfurt"},
        buyer={"name": "Anna Müller", "line1": "Invalidenstr. 12", "city": "Berlin"},
        lines=price_lines(charges, D(19), include_tax=True, currency="EUR"),
    )


def text_of(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_invoice_pdf_shows_number_parties_lines_and_totals():
    inv = make_invoice()
    pdf = render_invoice_pdf(invoice_view(inv))
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    reader, text = text_of(pdf)
    assert reader.metadata is not None and reader.metadata.title == "Invoice INV-2026-000123"
    for expected in ("INV-2026-000123", "Anna Müller", "SKU-2", "29.97", "2026-03-31"):
        assert expected in text, expected
    assert "Switchyard <b>GmbH</b> & Co" in text  # markup in data is printed, not interpreted
    assert f"{inv.gross_total} EUR" in text
    assert "Please pay" in text


def test_paid_invoices_and_credit_notes_say_so():
    paid = make_invoice()
    paid.status = InvoiceStatus.PAID
    paid.amount_paid = paid.gross_total
    assert "Paid in full" in text_of(render_invoice_pdf(invoice_view(paid)))[1]
    note = make_invoice(kind=Kind.CREDIT_NOTE)
    note.credit_note_for = "inv_0"
    _, text = text_of(render_invoice_pdf(invoice_view(note)))
    assert "Credit note CN-2026-000007" in text and "inv_0" in text


def test_long_invoices_flow_onto_more_pages_and_output_is_reproducible():
    view = invoice_view(make_invoice(lines=80))
    pdf = render_invoice_pdf(view)
    reader, text = text_of(pdf)
    assert len(reader.pages) > 1
    assert "SKU-80" in text
    assert render_invoice_pdf(view) == pdf
