"""Order to cash through the API: authorize, ship, capture and invoice, on both databases."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from decimal import Decimal

from pypdf import PdfReader

from tests.e2e.skeleton import make_channel, make_location, make_sku, order_body, stock
from tests.helpers import assert_problem

NUMBER = re.compile(r"^INV-\d{4}-\d{6}$")


def ship(client, fulfillment_id: str, tracking: str = "00340434") -> None:
    base = f"/api/v1/fulfillments/{fulfillment_id}"
    assert client.post(f"{base}/pick").status_code == 200
    assert client.post(f"{base}/pack").status_code == 200
    r = client.post(f"{base}/ship", json={"carrier": "DHL", "tracking_number": tracking})
    assert r.status_code == 200, r.text


def invoices_of(client, order_id: str) -> list[dict]:
    r = client.get(f"/api/v1/orders/{order_id}/invoices")
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_ship_captures_and_invoices_with_german_vat(client, database):
    channel, warehouse = make_channel(client), make_location(client)
    sweater, scarf = make_sku(client, channel, "89.00"), make_sku(client, channel, "19.90")
    stock(database, sweater, warehouse, 5)
    stock(database, scarf, warehouse, 5)
    order = client.post("/api/v1/orders", json=order_body(channel, [(sweater, 2), (scarf, 1)]))
    order = order.json()

    r = client.post(f"/api/v1/orders/{order['id']}/payments", json={"provider": "manual"})
    assert r.status_code == 201, r.text
    payment = r.json()
    assert (payment["status"], payment["authorized"], payment["captured"]) == (
        "authorized",
        "197.90",
        "0.00",
    )
    assert r.headers["location"] == f"/api/v1/payments/{payment['id']}"

    ship(client, order["fulfillments"][0]["id"])

    payment = client.get(f"/api/v1/payments/{payment['id']}").json()
    assert (payment["status"], payment["captured"], payment["capturable"]) == (
        "captured",
        "197.90",
        "0.00",
    )
    (invoice,) = invoices_of(client, order["id"])
    assert [t["kind"] for t in payment["transactions"]] == ["authorize", "capture"]
    capture = payment["transactions"][1]
    assert capture["invoice_id"] == invoice["id"]
    assert capture["fulfillment_id"] == order["fulfillments"][0]["id"]

    assert NUMBER.match(invoice["number"]), invoice["number"]
    assert invoice["kind"] == "invoice" and invoice["status"] == "paid"
    assert [
        (ln["sku"], ln["quantity"], ln["net"], ln["tax"], ln["gross"]) for ln in invoice["lines"]
    ] == [
        (sweater["sku"], 2, "149.58", "28.42", "178.00"),
        (scarf["sku"], 1, "16.72", "3.18", "19.90"),
    ]
    assert invoice["lines"][0]["description"] == sweater["name"]
    assert invoice["lines"][0]["tax_rate"] == "19"
    assert (invoice["net_total"], invoice["tax_total"], invoice["gross_total"]) == (
        "166.30",
        "31.60",
        "197.90",
    )
    assert invoice["taxes"] == [{"rate": "19", "net": "166.30", "tax": "31.60", "gross": "197.90"}]
    assert (invoice["amount_paid"], invoice["amount_due"]) == ("197.90", "0.00")
    assert invoice["buyer"]["country_code"] == "DE" and invoice["buyer"]["email"] == order["email"]
    assert invoice["seller"]["name"] == channel["name"]
    assert invoice["seller"]["city"] == "Erfurt"
    assert client.get(f"/api/v1/invoices/{invoice['number']}").json()["id"] == invoice["id"]
    assert_problem(client.get("/api/v1/invoices/inv_nope"), 404, "invoice_not_found")
    assert_problem(client.get("/api/v1/invoices/inv_nope.pdf"), 404, "invoice_not_found")

    pdf = client.get(invoice["pdf_url"])
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert invoice["number"] in text and "197.90" in text and sweater["sku"] in text
    assert reader.metadata is not None and invoice["number"] in (reader.metadata.title or "")

    types = [e["type"] for e in client.get(f"/api/v1/orders/{order['id']}/events").json()["items"]]
    shipped_at = types.index("fulfillment.shipped")
    assert types[shipped_at:].count("payment.captured") == 1
    assert types.index("invoice.issued") < types.index("invoice.paid")


def test_partial_shipments_get_an_invoice_and_a_capture_each(client, database):
    channel = make_channel(client)
    a, b = make_location(client), make_location(client)
    s1, s2 = make_sku(client, channel, "30.00"), make_sku(client, channel, "12.50")
    stock(database, s1, a, 3)
    stock(database, s2, b, 3)
    order = client.post("/api/v1/orders", json=order_body(channel, [(s1, 2), (s2, 1)])).json()
    assert len(order["fulfillments"]) == 2
    payment = client.post(
        f"/api/v1/orders/{order['id']}/payments", json={"provider": "manual", "amount": "72.50"}
    ).json()

    by_location = {f["location_id"]: f["id"] for f in order["fulfillments"]}
    ship(client, by_location[a["id"]], "A1")
    after_first = client.get(f"/api/v1/payments/{payment['id']}").json()
    assert (after_first["status"], after_first["captured"]) == ("partially_captured", "60.00")
    ship(client, by_location[b["id"]], "B1")
    final = client.get(f"/api/v1/payments/{payment['id']}").json()
    assert (final["status"], final["captured"]) == ("captured", "72.50")

    invoices = invoices_of(client, order["id"])
    assert sorted(i["gross_total"] for i in invoices) == ["12.50", "60.00"]
    assert {i["fulfillment_id"] for i in invoices} == set(by_location.values())
    assert len({i["number"] for i in invoices}) == 2
    assert all(i["status"] == "paid" for i in invoices)
    captures = [t for t in final["transactions"] if t["kind"] == "capture"]
    assert sorted(t["amount"] for t in captures) == ["12.50", "60.00"]
    assert {t["invoice_id"] for t in captures} == {i["id"] for i in invoices}


def test_pay_on_invoice_gets_terms_and_is_paid_by_later_captures(client, database):
    settings = {"payment_terms_days": 14, "prices_include_tax": False}
    channel, loc = make_channel(client, type="b2b", settings=settings), make_location(client)
    sku = make_sku(client, channel, "100.00")
    stock(database, sku, loc, 2)
    billing = {
        "company": "Kaufhaus Nord GmbH",
        "line1": "Jungfernstieg 1",
        "city": "Hamburg",
        "postal_code": "20095",
        "country_code": "DE",
    }
    body = order_body(channel, [(sku, 1)], billing_address=billing)
    r = client.post("/api/v1/orders", json=body)
    assert r.status_code == 201, r.text
    order = r.json()
    payment = client.post(
        f"/api/v1/orders/{order['id']}/payments", json={"provider": "invoice"}
    ).json()
    assert (payment["status"], payment["authorized"]) == ("authorized", "119.00")

    ship(client, order["fulfillments"][0]["id"])
    (invoice,) = invoices_of(client, order["id"])
    assert (invoice["net_total"], invoice["tax_total"], invoice["gross_total"]) == (
        "100.00",
        "19.00",
        "119.00",
    )
    assert invoice["status"] == "open" and invoice["amount_due"] == "119.00"
    assert invoice["payment_terms_days"] == 14
    assert invoice["buyer"]["company"] == "Kaufhaus Nord GmbH"
    issued = date.fromisoformat(invoice["issued_at"][:10])
    assert date.fromisoformat(invoice["due_date"]) == issued + timedelta(days=14)
    assert client.get(f"/api/v1/payments/{payment['id']}").json()["captured"] == "0.00"

    url = f"/api/v1/payments/{payment['id']}/capture"
    part = client.post(url, json={"amount": "50.00", "reference": "bank-1"})
    assert part.status_code == 200, part.text
    invoice = client.get(f"/api/v1/invoices/{invoice['id']}").json()
    assert (invoice["status"], invoice["amount_paid"], invoice["amount_due"]) == (
        "open",
        "50.00",
        "69.00",
    )
    again = client.post(url, json={"amount": "50.00", "reference": "bank-1"})
    assert again.status_code == 200 and again.json()["version"] == part.json()["version"]
    assert again.json()["captured"] == "50.00"
    rest = client.post(url, json={"reference": "bank-2"}).json()
    assert (rest["status"], rest["captured"]) == ("captured", "119.00")
    invoice = client.get(f"/api/v1/invoices/{invoice['id']}").json()
    assert (invoice["status"], invoice["amount_due"]) == ("paid", "0.00")


def test_refund_after_capture_issues_a_credit_note(client, database):
    channel, loc = make_channel(client), make_location(client)
    sku = make_sku(client, channel, "59.50")
    stock(database, sku, loc, 2)
    order = client.post("/api/v1/orders", json=order_body(channel, [(sku, 2)])).json()
    payment = client.post(
        f"/api/v1/orders/{order['id']}/payments", json={"provider": "manual"}
    ).json()
    ship(client, order["fulfillments"][0]["id"])
    (invoice,) = invoices_of(client, order["id"])
    assert invoice["gross_total"] == "119.00"

    url = f"/api/v1/payments/{payment['id']}/refund"
    too_much = client.post(url, json={"amount": "119.01"})
    body = assert_problem(too_much, 409, "over_refund")
    assert body["errors"][0]["field"] == "amount"
    r = client.post(url, json={"amount": "59.50", "reason": "damaged", "reference": "rf-1"})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["refunded"]) == ("partially_refunded", "59.50")
    assert client.post(url, json={"amount": "59.50", "reference": "rf-1"}).json() == r.json()

    notes = [i for i in invoices_of(client, order["id"]) if i["kind"] == "credit_note"]
    assert len(notes) == 1
    note = notes[0]
    assert re.match(r"^CN-\d{4}-\d{6}$", note["number"])
    assert note["credit_note_for"] == invoice["id"]
    assert (note["gross_total"], note["tax_total"], note["net_total"]) == (
        "-59.50",
        "-9.50",
        "-50.00",
    )
    assert note["lines"][0]["description"] == "Refund: damaged"
    assert client.get(note["pdf_url"]).content.startswith(b"%PDF-")

    rest = client.post(url, json={}).json()
    assert (rest["status"], rest["refunded"]) == ("refunded", "119.00")
    assert_problem(client.post(url, json={"amount": "0.01"}), 409, "over_refund")
    credited = sum(
        Decimal(i["gross_total"])
        for i in invoices_of(client, order["id"])
        if i["kind"] != "invoice"
    )
    assert credited == Decimal("-119.00")


def test_an_order_s_invoices_page_by_id_each_once(client, database):
    channel = make_channel(client)
    places = [make_location(client) for _ in range(3)]
    skus = [make_sku(client, channel, "10.00") for _ in places]
    for sku, loc in zip(skus, places, strict=True):
        stock(database, sku, loc, 1)
    order = client.post("/api/v1/orders", json=order_body(channel, [(s, 1) for s in skus]))
    assert order.status_code == 201, order.text
    fulfillments = order.json()["fulfillments"]
    assert len(fulfillments) == 3
    for n, f in enumerate(fulfillments):
        ship(client, f["id"], f"P{n}")
    again = client.post(  # a repeated shipment invoices nothing more
        f"/api/v1/fulfillments/{fulfillments[0]['id']}/ship",
        json={"carrier": "DHL", "tracking_number": "P0"},
    )
    assert again.status_code == 200, again.text
    seen, cursor = [], None
    while True:
        params = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        page = client.get(f"/api/v1/orders/{order.json()['id']}/invoices", params=params).json()
        assert len(page["items"]) <= 1
        seen += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            break
    assert [i["id"] for i in seen] == sorted(i["id"] for i in seen)
    assert len({i["id"] for i in seen}) == 3
    assert {i["fulfillment_id"] for i in seen} == {f["id"] for f in fulfillments}
