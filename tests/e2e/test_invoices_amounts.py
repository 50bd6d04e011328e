"""Invoice amounts through the API: discounts, shipping and taxes sent with the order,
prepayments, and channel settings that cannot be used."""

from __future__ import annotations

from decimal import Decimal

from tests.e2e.skeleton import make_channel, make_location, make_sku, order_body, stock
from tests.e2e.test_invoices_order_to_cash import invoices_of, ship
from tests.helpers import assert_problem


def test_a_misconfigured_tax_rate_refuses_the_shipment_and_writes_nothing(client, database):
    channel = make_channel(client, settings={"tax_rates": {"DE": "nineteen"}})
    loc = make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, loc, 1)
    order = client.post("/api/v1/orders", json=order_body(channel, [(sku, 1)])).json()
    fid = order["fulfillments"][0]["id"]
    client.post(f"/api/v1/fulfillments/{fid}/pick")
    client.post(f"/api/v1/fulfillments/{fid}/pack")
    r = client.post(
        f"/api/v1/fulfillments/{fid}/ship", json={"carrier": "DHL", "tracking_number": "1"}
    )
    body = assert_problem(r, 409, "invalid_channel_settings")
    assert body["errors"][0]["field"] == "settings.tax_rates.DE"
    assert client.get(f"/api/v1/fulfillments/{fid}").json()["status"] == "packed"
    assert invoices_of(client, order["id"]) == []


def test_money_captured_before_shipping_pays_the_invoice_without_a_second_capture(client, database):
    channel, loc = make_channel(client), make_location(client)
    sku = make_sku(client, channel, "50.00")
    stock(database, sku, loc, 2)
    order = client.post("/api/v1/orders", json=order_body(channel, [(sku, 2)])).json()
    payment = client.post(
        f"/api/v1/orders/{order['id']}/payments", json={"provider": "manual", "amount": "150.00"}
    ).json()
    url = f"/api/v1/payments/{payment['id']}"
    assert client.post(f"{url}/capture", json={"amount": "100.00"}).status_code == 200
    ship(client, order["fulfillments"][0]["id"])
    after = client.get(url).json()
    assert (after["captured"], after["capturable"]) == ("100.00", "50.00")
    assert [t["kind"] for t in after["transactions"]] == ["authorize", "capture"]
    (invoice,) = invoices_of(client, order["id"])
    assert (invoice["status"], invoice["amount_paid"]) == ("paid", "100.00")


def test_shipping_taxes_and_discounts_sent_with_the_order_add_up_over_shipments(client, database):
    channel = make_channel(client)
    a, b = make_location(client), make_location(client)
    s1, s2 = make_sku(client, channel, "30.00"), make_sku(client, channel, "40.00")
    stock(database, s1, a, 2)
    stock(database, s2, b, 1)
    body = order_body(channel, [(s1, 2), (s2, 1)], shipping_charge="10.00", taxes="10.00")
    body["lines"][0]["discount"] = "10.01"
    r = client.post("/api/v1/orders", json=body)
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["total"] == "109.99"
    payment = client.post(
        f"/api/v1/orders/{order['id']}/payments", json={"provider": "manual"}
    ).json()
    assert payment["authorized"] == "109.99"

    for f in order["fulfillments"]:
        ship(client, f["id"], f["id"][-8:])
    invoices = invoices_of(client, order["id"])
    assert len(invoices) == 2
    assert sum(Decimal(i["gross_total"]) for i in invoices) == Decimal("109.99")
    assert sum(Decimal(i["tax_total"]) for i in invoices) == Decimal("10.00")
    shipping = [ln for i in invoices for ln in i["lines"] if ln["description"] == "Shipping"]
    assert sum(Decimal(ln["net"]) for ln in shipping) == Decimal("10.00")
    first_line = next(ln for i in invoices for ln in i["lines"] if ln["sku"] == s1["sku"])
    assert (first_line["discount"], first_line["net"]) == ("10.01", "49.99")
    final = client.get(f"/api/v1/payments/{payment['id']}").json()
    assert (final["status"], final["captured"]) == ("captured", "109.99")
    assert all(i["status"] == "paid" for i in invoices)
