"""A channel's seller entity (settings.seller) is checked when the channel is written and
printed on its invoices (legal name, address, VAT id), read back from the PDF's text, on
both databases."""

from __future__ import annotations

from typing import Any

from tests.e2e.skeleton import make_channel, make_location, make_sku, order_body, stock
from tests.e2e.test_documents_recipient import text_of
from tests.e2e.test_invoices_order_to_cash import invoices_of, ship
from tests.helpers import assert_problem, ref

SELLER: dict[str, Any] = {
    "legal_name": "Nordlicht Mode GmbH",
    "address": {
        "line1": "Juri-Gagarin-Ring 90",
        "postal_code": "99084",
        "city": "Erfurt",
        "country_code": "DE",
    },
    "vat_id": "DE 136 695 976",
    "registration": "HRB 500001, Amtsgericht Jena",
    "email": "invoices@example.com",
}


def fields(problem: dict[str, Any]) -> dict[str, str]:
    return {e["field"]: e["code"] for e in problem["errors"]}


def test_an_invalid_seller_is_refused_naming_its_field(client):
    body = {"code": ref("web"), "name": "Web", "type": "web", "currency": "EUR"}
    seller = {**SELLER, "legal_name": "", "vat_id": "ATU13585627", "iban": "DE00 1234"}
    r = client.post("/api/v1/channels", json={**body, "settings": {"seller": seller}})
    problem = assert_problem(r, 422, "invalid_channel")
    assert fields(problem) == {
        "settings.seller.legal_name": "required",
        "settings.seller.vat_id": "vat_country_mismatch",
        "settings.seller.iban": "invalid_iban",
    }
    assert client.get(f"/api/v1/channels/{body['code']}").status_code == 404

    channel = make_channel(client, settings={"seller": SELLER})
    address = {**SELLER["address"], "postal_code": "9908"}
    r = client.patch(
        f"/api/v1/channels/{channel['code']}",
        json={"settings": {"seller": {**SELLER, "address": address}}},
    )
    problem = assert_problem(r, 422, "invalid_channel")
    assert fields(problem) == {"settings.seller.address.postal_code": "invalid_postal_code"}
    kept = client.get(f"/api/v1/channels/{channel['code']}").json()
    assert kept["version"] == channel["version"]
    assert kept["settings"]["seller"]["address"]["postal_code"] == "99084"


def test_the_channel_keeps_its_seller_in_canonical_form(client):
    channel = make_channel(client, settings={"seller": {**SELLER, "phone": "0361 5550100"}})
    seller = channel["settings"]["seller"]
    assert seller["vat_id"] == "DE136695976" and seller["phone"] == "+493615550100"
    r = client.patch(f"/api/v1/channels/{channel['code']}", json={"settings": {"seller": None}})
    assert r.status_code == 200, r.text
    assert "seller" not in r.json()["settings"]


def shipped_invoice(client, database, channel: dict[str, Any]) -> tuple[dict[str, Any], str]:
    loc = make_location(client)
    sku = make_sku(client, channel, "49.00")
    stock(database, sku, loc, 1)
    r = client.post("/api/v1/orders", json=order_body(channel, [(sku, 1)]))
    assert r.status_code == 201, r.text
    order = r.json()
    ship(client, order["fulfillments"][0]["id"])
    (invoice,) = invoices_of(client, order["id"])
    pdf = client.get(f"/api/v1/invoices/{invoice['id']}.pdf")
    assert pdf.status_code == 200
    return invoice, text_of(pdf.content)


def test_the_invoice_names_the_channel_s_seller(client, database):
    channel = make_channel(client, name="Web shop", settings={"seller": SELLER})
    invoice, text = shipped_invoice(client, database, channel)
    assert invoice["seller"] == {
        "name": "Nordlicht Mode GmbH",
        "line1": "Juri-Gagarin-Ring 90",
        "postal_code": "99084",
        "city": "Erfurt",
        "country_code": "DE",
        "vat_id": "DE136695976",
        "registration": "HRB 500001, Amtsgericht Jena",
        "email": "invoices@example.com",
    }
    for printed in ("Nordlicht Mode GmbH", "Juri-Gagarin-Ring 90", "99084 Erfurt"):
        assert printed in text, (printed, text)
    assert "VAT ID: DE136695976" in text
    assert "Web shop" not in text and "Am Urbicher Kreuz" not in text  # not the fallback


def test_without_a_seller_the_invoice_names_the_channel_at_the_location(client, database):
    channel = make_channel(client, name="Outlet web shop")
    invoice, text = shipped_invoice(client, database, channel)
    assert invoice["seller"]["name"] == "Outlet web shop"
    assert "vat_id" not in invoice["seller"]
    assert "Outlet web shop" in text and "Am Urbicher Kreuz 10" in text
