"""The label's barcode is read back from the PDF's drawing and decoded as Code 128."""

import re

import pytest
from reportlab.graphics.barcode.code128 import _patterns

from switchyard.fulfillment.documents import (
    BAR_HEIGHT,
    LabelData,
    SlipData,
    SlipLine,
    packing_slip,
    shipping_label,
)

BY_PATTERN = {pattern: value for value, pattern in _patterns.items()}


def bars(pdf: bytes) -> list[tuple[float, float]]:
    """(x, width) of every filled rectangle as tall as the barcode's bars."""
    found = re.findall(rb"n ([\d.]+) 0 ([\d.]+) ([\d.]+) re f", pdf)
    return [(float(x), float(w)) for x, w, h in found if float(h) == BAR_HEIGHT]


def decode_code128(rects: list[tuple[float, float]]) -> str:
    module = min(w for _, w in rects)
    widths: list[int] = []
    for i, (x, w) in enumerate(rects):
        widths.append(round(w / module))
        if i + 1 < len(rects):
            widths.append(round((rects[i + 1][0] - x - w) / module))
    text = "".join(chr(ord("A" if i % 2 == 0 else "a") + n - 1) for i, n in enumerate(widths))
    symbols = [text[i : i + 6] for i in range(0, len(text) - 7, 6)] + [text[-7:]]
    values = [BY_PATTERN[s] for s in symbols]
    assert values[-1] == 106, "stop"
    *body, check, _ = values
    assert (body[0] + sum(i * v for i, v in enumerate(body[1:], 1))) % 103 == check
    code_set = {103: "A", 104: "B", 105: "C"}[body[0]]
    switches = {"A": {99: "C", 100: "B"}, "B": {99: "C", 101: "A"}, "C": {100: "B", 101: "A"}}
    out = []
    for v in body[1:]:
        if v in switches[code_set]:
            code_set = switches[code_set][v]
        elif code_set == "C":
            out.append(f"{v:02d}")
        elif code_set == "B" or v < 64:
            out.append(chr(v + 32))
        else:
            out.append(chr(v - 64))
    return "".join(out)


def label(number: str, **over: object) -> bytes:
    data = {
        "tracking_number": number,
        "carrier_name": "Paket Express",
        "service": "Standard",
        "package_number": 1,
        "package_count": 2,
        "weight_grams": 950,
        "ship_from": ["Warehouse Erfurt", "99092 Erfurt", "DE"],
        "ship_to": ["Anna Müller", "Invalidenstrasse 12", "10115 Berlin", "DE"],
        "reference": "EXT-1",
        **over,
    }
    return shipping_label(LabelData(**data))  # type: ignore[arg-type]


@pytest.mark.parametrize("number", ["PX12345678903", "1Z999AA10123456784", "00340434161234567890"])
def test_the_label_barcode_decodes_to_the_tracking_number(number):
    pdf = label(number)
    assert pdf.startswith(b"%PDF")
    assert decode_code128(bars(pdf)) == number
    assert f"({number}) Tj".encode() in pdf  # printed under the bars too
    assert b"(Package 1 of 2) Tj" in pdf and b"0.95 kg" in pdf


def test_the_barcode_fits_the_label_and_odd_names_do_not_break_it():
    pdf = label("A" * 40, ship_to=["Łódź Ćwiek", "ul. Piotrkowska 1", "90-001 Łódź", "PL"])
    xs = bars(pdf)
    assert xs[-1][0] + xs[-1][1] < 4 * 72 - 14  # inside the 4-inch page's margin
    assert decode_code128(xs) == "A" * 40


def test_packing_slip_lists_every_line_over_pages():
    lines = [SlipLine(f"SKU-{i}", f"Item {i}", 1, 1 if i == 3 else 0, "1") for i in range(60)]
    pdf = packing_slip(
        SlipData("EXT-9", "2030-05-03", ["Store"], ["Anna", "Berlin"], lines, ["1: 950 g"])
    )
    assert pdf.startswith(b"%PDF") and b"/Count 2" in pdf
    assert b"(SKU-59) Tj" in pdf and b"(Order EXT-9) Tj" in pdf
