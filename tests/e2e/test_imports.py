"""The import pipeline end to end: CSV, X12 850 and EDIFACT ORDERS into orders."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from switchyard.integrations import csv_format, shopify, x12
from tests.e2e.skeleton import make_channel, make_location, make_sku, stock
from tests.helpers import ref

TESTDATA = Path(__file__).resolve().parents[2].parent / "shared" / "testdata"


def sample(name: str) -> bytes:
    path = TESTDATA / name
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared test data (../shared/testdata) is needed")
    return path.read_bytes()


def _shop(client, database, n: int, quantity: int = 1000, price: str = "19.90", kind: str = "web"):
    channel, loc = make_channel(client, type=kind), make_location(client)
    skus = [make_sku(client, channel, price) for _ in range(n)]
    for s in skus:
        stock(database, s, loc, quantity)
    return channel, loc, skus


def _csv(channel, skus, bad_quantity: bool = False, ids: tuple[str, str] | None = None) -> bytes:
    a, b = ids or (ref("CSV"), ref("CSV"))
    rows = [
        "Order ID;Email;Ship Name;Ship Address1;Ship City;Ship Zip;Ship Country;SKU;Qty;Price",
        f"{a};anna@example.com;Anna Müller;Invalidenstrasse 12;Berlin;10115;DE;{skus[0]['sku']};2;19.90",  # noqa: E501
        f"{a};;;;;;;{skus[1]['sku']};1;",
        f"{b};bo@example.com;Bo;Hauptstrasse 1;Erfurt;99084;DE;{skus[0]['sku']};{'x' if bad_quantity else 1};",  # noqa: E501
    ]
    return ("\n".join(rows) + "\n").encode("latin-1")


def test_csv_places_each_order_and_positions_errors(client, database):
    channel, _loc, skus = _shop(client, database, 2)
    body = _csv(channel, skus, bad_quantity=True)
    r = client.post(f"/api/v1/imports/csv?channel={channel['code']}", content=body)
    assert r.status_code == 201, r.text
    got = r.json()
    assert got["status"] == "partially_placed"
    assert got["counts"] == {"placed": 1, "duplicate": 0, "rejected": 1, "orders": 2}
    placed, rejected = got["orders"]
    assert placed["status"] == "placed" and rejected["status"] == "rejected"
    assert rejected["errors"][0]["field"].startswith("line 4, column quantity (I)")
    order = client.get(f"/api/v1/orders/{placed['order_id']}").json()
    assert [(ln["sku"], ln["quantity"]) for ln in order["lines"]] == [
        (skus[0]["sku"], 2),
        (skus[1]["sku"], 1),
    ]
    assert order["shipping_address"]["city"] == "Berlin"
    assert order["shipping_address"]["name"] == "Anna Müller"  # Latin-1 read as such
    again = client.post(f"/api/v1/imports/csv?channel={channel['code']}", content=body)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert again.json()["id"] == got["id"]
    same_orders = client.get("/api/v1/orders", params={"external_id": placed["external_id"]})
    assert len(same_orders.json()["items"]) == 1
    # a new file with the same external id is a duplicate, not a second order
    fixed = _csv(channel, skus, ids=(placed["external_id"], ref("CSV")))
    second = client.post(f"/api/v1/imports/csv?channel={channel['code']}", content=fixed)
    outcome = [o["status"] for o in second.json()["orders"]]
    assert outcome == ["duplicate", "placed"], second.text
    assert second.json()["orders"][0]["order_id"] == placed["order_id"]
    listed = client.get("/api/v1/imports", params={"limit": 5}).json()["items"]
    assert got["id"] in [i["id"] for i in listed]


def test_csv_atomic_rejects_the_whole_file(client, database):
    channel, _loc, skus = _shop(client, database, 2)
    body = _csv(channel, skus, bad_quantity=True)
    r = client.post(f"/api/v1/imports/csv?channel={channel['code']}&atomic=true", content=body)
    got = r.json()
    assert got["status"] == "rejected" and got["counts"]["placed"] == 0, r.text
    for o in got["orders"]:
        assert (
            client.get("/api/v1/orders", params={"external_id": o["external_id"]}).json()["items"]
            == []
        )


def test_csv_without_a_channel_is_refused_clearly(client):
    r = client.post("/api/v1/imports/csv", content=b"external_id,sku,quantity\nA-1,X,1\n")
    got = r.json()
    assert got["status"] == "rejected"
    assert got["errors"][0]["code"] == "no_channel"


def test_csv_export_round_trips(client, database):
    channel, _loc, skus = _shop(client, database, 2)
    r = client.post(f"/api/v1/imports/csv?channel={channel['code']}", content=_csv(channel, skus))
    orders = [client.get(f"/api/v1/orders/{o['order_id']}").json() for o in r.json()["orders"]]
    out = io.StringIO()
    csv_format.write_csv(orders, out)
    parsed = csv_format.parse_all(io.BytesIO(out.getvalue().encode()))
    assert not parsed.errors
    for original, again in zip(orders, parsed.orders, strict=True):
        assert again.external_id == original["external_id"]
        assert [(ln["sku"], int(ln["quantity"])) for ln in again.body["lines"]] == [
            (ln["sku"], ln["quantity"]) for ln in original["lines"]
        ]
        assert (
            again.body["shipping_address"]["postal_code"]
            == original["shipping_address"]["postal_code"]
        )


NODE_850_LINES = [  # (VN, quantity, price) from node-x12__850.edi
    ("AB3542", 120, "9.25"),
    ("RD5322", 220, "13.79"),
    ("XY5266", 126, "10.99"),
    ("VX2332", 76, "4.35"),
    ("RV0524", 72, "7.5"),
    ("DX1875", 696, "9.55"),
]


def test_x12_850_becomes_an_order_field_by_field(client, database):
    raw = sample("x12/node-x12__850.edi")
    channel, _loc, skus = _shop(client, database, 6, price="9.00", kind="edi")
    xref = {vn: s["sku"] for (vn, _q, _p), s in zip(NODE_850_LINES, skus, strict=True)}
    partner = client.post(
        "/api/v1/integration-partners",
        json={
            "code": ref("xyz"),
            "name": "XYZ Retail",
            "format": "x12",
            "sender_id": ref("ISA"),
            "channel": channel["code"],
            "settings": {"sku_xref": xref, "default_country": "DE"},
        },
    )
    assert partner.status_code == 201, partner.text
    raw = raw.replace(b"SOLON*OH*44139", b"SOLON*OH*99084")
    r = client.post(f"/api/v1/imports/x12?partner={partner.json()['code']}", content=raw)
    got = r.json()
    assert got["status"] == "placed", r.text
    order = client.get(f"/api/v1/orders/{got['orders'][0]['order_id']}").json()
    assert order["external_id"] == order["po_number"] == "08292233294"
    assert [(ln["sku"], ln["quantity"]) for ln in order["lines"]] == [
        (xref[vn], q) for vn, q, _p in NODE_850_LINES
    ]
    for ln, (_vn, _q, price) in zip(order["lines"], NODE_850_LINES, strict=True):
        assert float(ln["unit_price"]) == float(price)
    address = order["shipping_address"]
    assert (address["name"], address["line1"], address["city"], address["region"]) == (
        "XYZ RETAIL",
        "31875 SOLON RD",
        "SOLON",
        "OH",
    )
    ack = client.get(f"/api/v1/imports/{got['id']}/acknowledgement")
    groups = x12.read_997(ack.text)
    assert groups[0]["code"] == "A" and groups[0]["sets"][0]["code"] == "A"
    assert groups[0]["control"] == "1421"


@pytest.mark.parametrize(
    ("name", "field", "ta1"),
    [
        ("x12/EdiEngine__ControlNumbersMismatch.edi", "segment 9 IEA, element 02", "001"),
        ("x12/EdiEngine__WrongGroupsAndTranCount.edi", "segment 9 IEA, element 01", "021"),
        ("x12/vscode-edi-x12-support__bad-header.edi", "segment 1 ISA, element 13", "018"),
        ("x12/EdiEngine__NonEdi.edi", "segment 1", None),
    ],
)
def test_broken_x12_envelopes_are_rejected_with_a_position(client, database, name, field, ta1):
    channel = make_channel(client)
    r = client.post(f"/api/v1/imports/x12?channel={channel['code']}", content=sample(name))
    got = r.json()
    assert got["status"] == "rejected" and got["counts"]["orders"] == 0, r.text
    assert got["errors"][0]["field"] == field
    ack = client.get(f"/api/v1/imports/{got['id']}/acknowledgement")
    if ta1 is None:
        assert ack.status_code == 404
    else:
        assert f"*R*{ta1}~" in ack.text


def test_x12_segment_count_mismatch_rejects_the_set_with_997_code_4(client, database):
    channel = make_channel(client)
    r = client.post(
        f"/api/v1/imports/x12?channel={channel['code']}", content=sample("x12/gozer__po850.txt")
    )
    got = r.json()
    assert got["status"] == "rejected"
    assert "SE01" in " ".join(e["message"] for e in got["orders"][0]["errors"])
    groups = x12.read_997(client.get(f"/api/v1/imports/{got['id']}/acknowledgement").text)
    assert groups[0]["code"] == "R" and groups[0]["sets"][0]["errors"] == ["4"]


def test_edifact_orders_becomes_an_order(client, database):
    raw = sample("edifact/pydifact__order2.edi")
    channel, _loc, skus = _shop(client, database, 1, kind="edi")
    partner = client.post(
        "/api/v1/integration-partners",
        json={
            "code": ref("edi"),
            "name": "EDIFACT buyer",
            "format": "edifact",
            "channel": channel["code"],
            "settings": {
                "sku_xref": {"ABC123": skus[0]["sku"]},
                "gln_addresses": {
                    "123456789": {
                        "line1": "Hauptstrasse 1",
                        "city": "Erfurt",
                        "postal_code": "99084",
                        "country_code": "DE",
                    }
                },
            },
        },
    ).json()
    r = client.post(f"/api/v1/imports/edifact?partner={partner['code']}", content=raw)
    got = r.json()
    assert got["status"] == "placed", r.text
    order = client.get(f"/api/v1/orders/{got['orders'][0]['order_id']}").json()
    assert order["external_id"] == "PO123456"
    assert [(ln["sku"], ln["quantity"], float(ln["unit_price"])) for ln in order["lines"]] == [
        (skus[0]["sku"], 10, 25.0)
    ]
    assert order["shipping_address"]["city"] == "Erfurt"
    contrl = client.get(f"/api/v1/imports/{got['id']}/acknowledgement").text
    assert "UCI+000000001+SENDERID+RECEIVERID+7'" in contrl


def test_edifact_wrong_unt_count_is_rejected_with_contrl(client, database):
    channel = make_channel(client)
    r = client.post(
        f"/api/v1/imports/edifact?channel={channel['code']}",
        content=sample("edifact/staedi__orders-with-group.edi"),
    )
    got = r.json()
    assert got["status"] == "rejected"
    assert got["orders"][0]["errors"][0]["field"] == "segment 20 UNT, element 01"
    contrl = client.get(f"/api/v1/imports/{got['id']}/acknowledgement").text
    assert "+4+29'" in contrl


def test_shopify_webhook_checks_the_hmac_and_places_once(client, anon, database):
    raw = sample("shopify/order.json")
    channel, _loc, skus = _shop(client, database, 3)
    xref = dict(
        zip(
            ["IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK"], [s["sku"] for s in skus], strict=True
        )
    )
    partner = client.post(
        "/api/v1/integration-partners",
        json={
            "code": ref("shop"),
            "name": "Shop",
            "format": "shopify",
            "channel": channel["code"],
            "settings": {"secret": "s3cret", "sku_xref": xref},
        },
    ).json()
    url = f"/integrations/shopify/{partner['code']}/orders"
    bad = anon.post(
        url, content=raw, headers={"X-Shopify-Hmac-Sha256": shopify.signature(raw, "wrong")}
    )
    assert bad.status_code == 401 and bad.json()["code"] == "invalid_signature"
    assert (
        client.get(
            "/api/v1/orders", params={"external_id": "450789469", "channel": channel["code"]}
        ).json()["items"]
        == []
    )
    good = anon.post(
        url, content=raw, headers={"X-Shopify-Hmac-Sha256": shopify.signature(raw, "s3cret")}
    )
    assert good.status_code == 200 and good.json()["status"] == "placed", good.text
    order = client.get(f"/api/v1/orders/{good.json()['orders'][0]['order_id']}").json()
    assert order["external_id"] == "450789469" and order["email"] == "bob.norman@hostmail.com"
    assert [ln["sku"] for ln in order["lines"]] == [s["sku"] for s in skus]
    assert order["taxes"].startswith("11.94") and order["currency"] == "USD"
    updated = raw.replace(b'"note": null', b'"note": "again"')
    again = anon.post(
        url,
        content=updated,
        headers={"X-Shopify-Hmac-Sha256": shopify.signature(updated, "s3cret")},
    )
    assert again.json()["orders"][0]["status"] == "duplicate"
