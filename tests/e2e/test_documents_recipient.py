"""Labels, packing slips and invoices name the recipient: the address's name, else the
customer's, read back from the PDFs' text, on both databases."""

from __future__ import annotations

import io

from pypdf import PdfReader

from tests.e2e.skeleton import make_channel, make_location, make_sku, order_body, stock
from tests.e2e.test_fulfillment_flow import make_carrier
from tests.e2e.test_invoices_order_to_cash import invoices_of


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def documents(client, database, **over) -> dict[str, str]:
    """The label, packing slip and invoice of a one-line order placed with ``over``."""
    channel, loc = make_channel(client), make_location(client)
    sku = make_sku(client, channel, "30.00")
    stock(database, sku, loc, 1)
    body = order_body(channel, [(sku, 1)], **over)
    r = client.post("/api/v1/orders", json=body)
    assert r.status_code == 201, r.text
    order = r.json()
    base = f"/api/v1/fulfillments/{order['fulfillments'][0]['id']}"
    assert client.post(f"{base}/pick").status_code == 200
    r = client.post(f"{base}/pack", json={"packages": [{"weight_grams": 500}]})
    assert r.status_code == 200, r.text
    r = client.post(f"{base}/labels", json={"carrier": make_carrier(client)["code"]})
    assert r.status_code == 200, r.text
    (package,) = r.json()["packages"]
    label = client.get(f"{base}/packages/{package['id']}/label.pdf")
    slip = client.get(f"{base}/packing-slip.pdf")
    ship_to = client.get(base).json()["ship_to"]  # what a 3PL reads
    assert client.post(f"{base}/ship").status_code == 200
    (invoice,) = invoices_of(client, order["id"])
    pdf = client.get(f"/api/v1/invoices/{invoice['id']}.pdf")
    return {
        "label": text_of(label.content),
        "slip": text_of(slip.content),
        "invoice": text_of(pdf.content),
        "buyer": invoice["buyer"].get("name"),
        "3pl": ship_to["name"],
    }


def test_without_a_name_on_the_address_the_customer_is_named(client, database):
    address = {
        "line1": "Invalidenstrasse 12",
        "city": "Berlin",
        "postal_code": "10115",
        "country_code": "DE",
    }
    customer = {"email": "greta@example.com", "name": "Greta Lindqvist"}
    found = documents(client, database, shipping_address=address, customer=customer)
    assert found["buyer"] == found["3pl"] == "Greta Lindqvist"
    for name in ("label", "slip", "invoice"):
        assert "Greta Lindqvist" in found[name], (name, found[name])
        assert "Invalidenstrasse 12" in found[name], name


def test_a_name_on_the_address_wins_over_the_customers(client, database):
    address = {
        "name": "Reception, Hotel Adlon",
        "line1": "Unter den Linden 77",
        "city": "Berlin",
        "postal_code": "10117",
        "country_code": "DE",
    }
    customer = {"email": "greta@example.com", "name": "Greta Lindqvist"}
    found = documents(client, database, shipping_address=address, customer=customer)
    for name in ("label", "slip", "invoice"):
        assert "Reception, Hotel Adlon" in found[name], name
        assert "Greta Lindqvist" not in found[name], name
