"""PDF documents for the packing bench: a 4x6 inch shipping label per package, with the
tracking number as a Code 128 barcode, and an A4 packing slip per fulfillment."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas

LABEL_SIZE = (4 * inch, 6 * inch)
BAR_HEIGHT = 80.0  # points; the label's only shape this tall, so it is easy to find
MARGIN = 14.0


@dataclass(frozen=True, slots=True)
class LabelData:
    tracking_number: str
    carrier_name: str
    service: str | None
    package_number: int
    package_count: int
    weight_grams: int | None
    ship_from: list[str]
    ship_to: list[str]
    reference: str  # the order's reference, for the packer


@dataclass(frozen=True, slots=True)
class SlipLine:
    sku: str
    name: str
    quantity: int
    short: int
    packages: str  # e.g. "1, 2"


@dataclass(frozen=True, slots=True)
class SlipData:
    reference: str
    placed: str
    ship_from: list[str]
    ship_to: list[str]
    lines: list[SlipLine]
    packages: list[str]  # one text per package


def address_lines(address: dict[str, Any], name: str | None = None) -> list[str]:
    city = " ".join(x for x in (address.get("postal_code"), address.get("city")) if x)
    parts = [
        name or address.get("name"),
        address.get("company"),
        address.get("line1"),
        address.get("line2"),
        city,
        address.get("region"),
        address.get("country_code"),
    ]
    return [str(p) for p in parts if p]


def _canvas(buf: io.BytesIO, size: tuple[float, float], title: str) -> Canvas:
    c = Canvas(buf, pagesize=size, pageCompression=0, invariant=1)
    c.setTitle(title)
    c.setAuthor("Switchyard")
    return c


def _block(c: Canvas, x: float, y: float, title: str, lines: list[str], size: float) -> float:
    c.setFont("Helvetica-Bold", 7)
    c.drawString(x, y, title)
    y -= size + 2
    c.setFont("Helvetica", size)
    for text in lines:
        c.drawString(x, y, text[:60])
        y -= size + 2
    return y


def barcode(value: str, width: float) -> Code128:
    """A Code 128 symbol of ``value`` at most ``width`` points wide (quiet zones included)."""
    probe = Code128(value, barWidth=1.0, barHeight=BAR_HEIGHT, humanReadable=0)
    bar = max(0.5, min(2.0, width / probe.width))
    return Code128(value, barWidth=bar, barHeight=BAR_HEIGHT, humanReadable=0)


def shipping_label(data: LabelData) -> bytes:
    buf = io.BytesIO()
    w, h = LABEL_SIZE
    c = _canvas(buf, LABEL_SIZE, f"Label {data.tracking_number}")
    c.setFont("Helvetica-Bold", 16)
    c.drawString(MARGIN, h - MARGIN - 14, data.carrier_name[:28])
    c.setFont("Helvetica", 9)
    c.drawRightString(w - MARGIN, h - MARGIN - 12, data.service or "")
    c.line(MARGIN, h - 40, w - MARGIN, h - 40)
    y = _block(c, MARGIN, h - 52, "FROM", data.ship_from, 8)
    c.line(MARGIN, y - 2, w - MARGIN, y - 2)
    y = _block(c, MARGIN, y - 14, "TO", data.ship_to, 12)
    c.line(MARGIN, y - 2, w - MARGIN, y - 2)
    c.setFont("Helvetica", 9)
    weight = f"{data.weight_grams / 1000:.2f} kg" if data.weight_grams else "weight n/a"
    c.drawString(MARGIN, y - 16, f"Package {data.package_number} of {data.package_count}")
    c.drawRightString(w - MARGIN, y - 16, weight)
    c.drawString(MARGIN, y - 28, f"Ref {data.reference}"[:60])
    symbol = barcode(data.tracking_number, w - 2 * MARGIN)
    symbol.drawOn(c, (w - symbol.width) / 2, MARGIN + 24)
    c.setFont("Helvetica-Bold", 12)
    c.drawCentredString(w / 2, MARGIN + 8, data.tracking_number)
    c.showPage()
    c.save()
    return buf.getvalue()


def packing_slip(data: SlipData) -> bytes:
    buf = io.BytesIO()
    w, h = A4
    c = _canvas(buf, A4, f"Packing slip {data.reference}")
    c.setFont("Helvetica-Bold", 18)
    c.drawString(40, h - 60, "Packing slip")
    c.setFont("Helvetica", 10)
    c.drawRightString(w - 40, h - 56, f"Order {data.reference}")
    c.drawRightString(w - 40, h - 70, f"Placed {data.placed}")
    _block(c, 40, h - 100, "SHIP FROM", data.ship_from, 10)
    y = _block(c, 300, h - 100, "SHIP TO", data.ship_to, 10)
    y = min(y, h - 200) - 10
    c.setFont("Helvetica-Bold", 10)
    for x, title in ((40, "SKU"), (170, "Item"), (400, "Qty"), (440, "Short"), (490, "Package")):
        c.drawString(x, y, title)
    c.line(40, y - 4, w - 40, y - 4)
    c.setFont("Helvetica", 10)
    for ln in data.lines:
        y -= 16
        if y < 80:
            c.showPage()
            c.setFont("Helvetica", 10)
            y = h - 60
        c.drawString(40, y, ln.sku[:22])
        c.drawString(170, y, ln.name[:40])
        c.drawRightString(420, y, str(ln.quantity))
        c.drawRightString(465, y, str(ln.short) if ln.short else "")
        c.drawString(490, y, ln.packages)
    y -= 30
    _block(c, 40, max(y, 60), "PACKAGES", data.packages, 9)
    c.showPage()
    c.save()
    return buf.getvalue()
