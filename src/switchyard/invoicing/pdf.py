"""Invoice and credit note PDFs, rendered with reportlab from the invoice's API view.

Self-contained: takes the dict ``read_model.invoice_view`` returns and gives PDF bytes.
Uses the built-in Helvetica (Latin-1 and the euro sign); text is escaped before it goes
into reportlab's paragraph markup. Output is byte-for-byte reproducible (``invariant``).
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

_STYLES = getSampleStyleSheet()
_BODY = ParagraphStyle("body", parent=_STYLES["BodyText"], fontSize=9, leading=11)
_SMALL = ParagraphStyle("small", parent=_BODY, fontSize=8, leading=10)
_TITLE = _STYLES["Title"]
_GRID = TableStyle(
    [
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
        ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
        ("ALIGN", (3, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)
_ADDRESS_KEYS = ("name", "company", "line1", "line2")


def _text(value: Any) -> str:
    return escape(str(value)) if value not in (None, "") else ""


def _address(title: str, address: dict[str, Any]) -> Paragraph:
    rows = [f"<b>{escape(title)}</b>"]
    rows += [_text(address.get(k)) for k in _ADDRESS_KEYS if address.get(k)]
    city = " ".join(_text(address.get(k)) for k in ("postal_code", "city") if address.get(k))
    rows += [
        r for r in (city, _text(address.get("region")), _text(address.get("country_code"))) if r
    ]
    for key, label in (("vat_id", "VAT ID"), ("email", "Email"), ("phone", "Phone")):
        if address.get(key):
            rows.append(f"{label}: {_text(address[key])}")
    return Paragraph("<br/>".join(rows), _BODY)


def _money(view: dict[str, Any], amount: str) -> str:
    return f"{amount} {view['currency']}"


def _lines_table(view: dict[str, Any]) -> Table:
    header = [
        "#",
        "SKU",
        "Description",
        "Qty",
        "Unit price",
        "Discount",
        "Net",
        "Tax %",
        "Tax",
        "Gross",
    ]
    rows: list[list[Any]] = [header]
    for ln in view["lines"]:
        rows.append(
            [
                str(ln["line_no"]),
                ln["sku"] or "",
                Paragraph(_text(ln["description"]), _SMALL),
                str(ln["quantity"]),
                ln["unit_price"],
                ln["discount"],
                ln["net"],
                ln["tax_rate"],
                ln["tax"],
                ln["gross"],
            ]
        )
    widths = [7, 26, 38, 9, 18, 16, 18, 12, 16, 20]
    table = Table(rows, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(_GRID)
    return table


def _totals_table(view: dict[str, Any]) -> Table:
    rows = [
        ["Net total", _money(view, view["net_total"])],
        ["Tax total", _money(view, view["tax_total"])],
        ["Total", _money(view, view["gross_total"])],
    ]
    if view["kind"] == "invoice":
        rows += [
            ["Paid", _money(view, view["amount_paid"])],
            ["Amount due", _money(view, view["amount_due"])],
        ]
    table = Table(rows, colWidths=[35 * mm, 35 * mm], hAlign="RIGHT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Helvetica", 9),
                ("FONT", (0, 2), (-1, 2), "Helvetica-Bold", 9),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("LINEABOVE", (0, 2), (-1, 2), 0.6, colors.black),
            ]
        )
    )
    return table


def _taxes_table(view: dict[str, Any]) -> Table:
    rows = [["Tax rate", "Net", "Tax", "Gross"]]
    rows += [[f"{t['rate']} %", t["net"], t["tax"], t["gross"]] for t in view["taxes"]]
    table = Table(rows, colWidths=[20 * mm, 25 * mm, 25 * mm, 25 * mm], hAlign="LEFT")
    style = TableStyle(_GRID.getCommands())
    style.add("ALIGN", (1, 0), (-1, -1), "RIGHT")
    table.setStyle(style)
    return table


def _terms(view: dict[str, Any]) -> str:
    if view["kind"] != "invoice":
        return "This credit note was settled by a refund to the original means of payment."
    if view["status"] == "paid":
        return "Paid in full. Thank you."
    return (
        f"Please pay {_money(view, view['amount_due'])} by {view['due_date']}"
        f" quoting {view['number']}."
    )


def render_invoice_pdf(view: dict[str, Any]) -> bytes:
    """The invoice (or credit note) ``view`` as an A4 PDF document."""
    title = "Invoice" if view["kind"] == "invoice" else "Credit note"
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"{title} {view['number']}",
        author=str(view["seller"].get("name") or ""),
        subject=f"Order {view['order_id']}",
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        invariant=1,
    )
    meta = [
        ["Number", view["number"]],
        ["Issue date", str(view["issued_at"].date())],
        ["Order", view["order_id"]],
    ]
    if view["kind"] == "invoice":
        meta.append(["Due date", str(view["due_date"])])
    if view.get("credit_note_for"):
        meta.append(["Credits invoice", view["credit_note_for"]])
    meta_table = Table(meta, colWidths=[30 * mm, 70 * mm], hAlign="LEFT")
    meta_table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 9)]))
    parties = Table(
        [[_address("Seller", view["seller"]), _address("Bill to", view["buyer"])]],
        colWidths=[90 * mm, 90 * mm],
    )
    parties.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story: list[Flowable] = [
        Paragraph(f"{title} {escape(view['number'])}", _TITLE),
        parties,
        Spacer(1, 6 * mm),
        meta_table,
        Spacer(1, 6 * mm),
        _lines_table(view),
        Spacer(1, 4 * mm),
        _totals_table(view),
        Spacer(1, 6 * mm),
        _taxes_table(view),
        Spacer(1, 6 * mm),
        Paragraph(escape(_terms(view)), _BODY),
    ]
    doc.build(story)
    return buffer.getvalue()
