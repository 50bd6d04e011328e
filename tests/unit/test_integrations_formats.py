"""The parsers over every shared sample and over small hand-made inputs (no database)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from switchyard.integrations import csv_format, edifact, shopify, x12

TESTDATA = Path(__file__).resolve().parents[2].parent / "shared" / "testdata"


def sample(name: str) -> bytes:
    path = TESTDATA / name
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared test data (../shared/testdata) is needed")
    return path.read_bytes()


# name -> (orders accepted, AK9 codes per group or the TA1 note code, first error field)
X12_SAMPLES = {
    "node-x12__850.edi": (["08292233294"], ["A"], None),
    "node-x12__850_2.edi": (["08292233294"], ["A"], None),
    "node-x12__850_3.edi": (["----------"], ["A"], None),
    "EdiEngine__850.OK.edi": (["08292233294"], ["A"], None),
    "EdiEngine__850.Composite.SLN.OK.edi": (["08292233294"], ["A"], None),
    "staedi__invoice810_po850_dual.edi": (["S115921858"], ["R", "A"], None),
    "EDI.Net__x12.850.issue135.edi": (["740150"], ["P"], None),
    "gozer__po850.txt": ([], ["R"], None),
    "EDI.Net__x12.850.edi": ([], "001", "segment 15 IEA, element 02"),
    "EDI.Net__x12.850a.edi": ([], "001", "segment 54 IEA, element 02"),
    "EdiEngine__ControlNumbersMismatch.edi": ([], "001", "segment 9 IEA, element 02"),
    "EdiEngine__WrongGroupsAndTranCount.edi": ([], "021", "segment 9 IEA, element 01"),
    "vscode-edi-x12-support__bad-header.edi": ([], "018", "segment 1 ISA, element 13"),
    "gozer__asn856.txt": ([], "001", "segment 35 IEA, element 02"),
    "gozer__x12.wrong.GS.txt": ([], "024", "segment 2 XX"),
    "EdiEngine__NonEdi.edi": ([], None, "segment 1"),
    "gozer__x12.missing.ISA.txt": ([], None, "segment 1"),
    "gozer__x12.wrong.ISA.txt": ([], None, "segment 1"),
    "gozer__x12.no.line.break.no.delim.txt": ([], None, "segment 1 ISA"),
    "EdiEngine__940.OK.edi": ([], ["R"], "interchange"),
    "node-x12__855.edi": ([], ["R"], "interchange"),
}


@pytest.mark.parametrize("name", sorted(X12_SAMPLES))
def test_x12_samples(name):
    accepted, ack, field = X12_SAMPLES[name]
    parsed = x12.parse(sample(f"x12/{name}"))
    assert [o.external_id for o in parsed.orders if not o.errors] == accepted
    if field is not None:
        assert parsed.errors[0].field == field
    if isinstance(ack, list):
        assert [g["code"] for g in x12.read_997(parsed.acknowledgement or "")] == ack
    elif ack is not None:
        assert (parsed.acknowledgement or "").splitlines()[1].endswith(f"*R*{ack}~")
    else:
        assert parsed.acknowledgement is None


def test_x12_850_lines_and_addresses():
    parsed = x12.parse(sample("x12/node-x12__850.edi"))
    body = parsed.orders[0].body
    assert [(ln["sku"], ln["quantity"], ln["unit_price"]) for ln in body["lines"]][:2] == [
        ("AB3542", 120, "9.25"),
        ("RD5322", 220, "13.79"),
    ]
    assert body["shipping_address"] == {
        "name": "XYZ RETAIL",
        "line1": "31875 SOLON RD",
        "city": "SOLON",
        "region": "OH",
        "postal_code": "44139",
        "country_code": "US",
    }


def test_x12_bad_quantity_is_positioned_and_acknowledged():
    raw = sample("x12/node-x12__850.edi").replace(b"PO1*2*220*EA", b"PO1*2*x*EA")
    parsed = x12.parse(raw)
    errors = parsed.orders[0].errors
    assert errors[0].field == "segment 16 PO1 (loop PO1), element 02"
    assert "segment 16 PO1: element 02 quantity 'x' is not a number" in errors[0].message
    group = x12.read_997(parsed.acknowledgement or "")[0]
    assert group["code"] == "R"
    assert group["errors"][0]["segment"] == "PO1" and group["errors"][0]["position"] == "16"
    assert group["errors"][0]["elements"][0] == {"position": "2", "code": "6", "value": "x"}


def test_x12_5010_with_repetition_separator():
    raw = sample("x12/node-x12__850.edi").replace(b"*U*00400*", b"*^*00501*")
    parsed = x12.parse(raw.replace(b"004010VICS", b"005010"))
    assert [o.external_id for o in parsed.orders if not o.errors] == ["08292233294"]
    assert "*^*00501*" in (parsed.acknowledgement or "")


@pytest.mark.parametrize(
    ("name", "accepted", "contrl"),
    [
        ("pydifact__order.edi", ["801715918011"], "+7'"),
        ("pydifact__order2.edi", ["PO123456"], "+7'"),
        ("staedi__orders-with-group.edi", [], "+4+29'"),
    ],
)
def test_edifact_samples(name, accepted, contrl):
    parsed = edifact.parse(sample(f"edifact/{name}"))
    assert [o.external_id for o in parsed.orders if not o.errors] == accepted
    ucm = [ln for ln in (parsed.acknowledgement or "").splitlines() if ln.startswith("UCM")]
    assert ucm[0].endswith(contrl)


def test_edifact_lines():
    order = edifact.parse(sample("edifact/pydifact__order.edi")).orders[0]
    assert order.body["lines"] == [
        {"sku": "5020436373085", "quantity": 8},
        {"sku": "5020436373108", "quantity": 8},
    ]


def test_not_edifact():
    assert edifact.parse(b"hello").errors[0].code == "edifact_not_edifact"


def test_shopify_sample_maps_and_hmac():
    raw = sample("shopify/order.json")
    order = shopify.parse(raw).orders[0]
    assert order.external_id == "450789469"
    assert [(ln["sku"], ln["quantity"], ln["unit_price"]) for ln in order.body["lines"]] == [
        ("IPOD2008GREEN", 1, "199.00"),
        ("IPOD2008RED", 1, "199.00"),
        ("IPOD2008BLACK", 1, "199.00"),
    ]
    assert order.body["taxes"] == "11.94" and order.body["shipping_charge"] == "0.00"
    assert order.body["shipping_address"]["region"] == "KY"
    assert order.body["attributes"]["shopify"]["financial_status"] == "authorized"
    assert shopify.verify(raw, "s3cret", shopify.signature(raw, "s3cret"))
    assert not shopify.verify(raw, "s3cret", shopify.signature(raw + b" ", "s3cret"))


def test_csv_detects_bom_semicolons_and_aliases():
    text = "\ufeffOrder Number;SKU;Qty\nA-1;X;2\nA-1;Y;1\nB-1;X;x\n"
    parsed = csv_format.parse_all(io.BytesIO(text.encode("utf-8")))
    assert [o.external_id for o in parsed.orders] == ["A-1", "B-1"]
    assert parsed.orders[0].body["lines"] == [
        {"sku": "X", "quantity": "2"},
        {"sku": "Y", "quantity": "1"},
    ]
    assert parsed.orders[1].locate("lines.0.quantity") == "line 4, column quantity (C)"


def test_csv_refuses_rows_of_an_order_apart_and_unknown_columns():
    rows = "external_id,sku,quantity\nA,X,1\nB,X,1\nA,Y,1\n"
    parsed = csv_format.parse_all(io.BytesIO(rows.encode()))
    assert parsed.orders[2].errors[0].code == "not_consecutive"
    bad = csv_format.parse_all(io.BytesIO(b"external_id,sku,quantity,colour\n"))
    assert bad.errors[0].field == "line 1, column D"
