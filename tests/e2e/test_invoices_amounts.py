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


def _placed_and_invoiced(client, database, channel, price: str, **over) -> tuple[dict, dict]:
    loc = make_location(client)
    sku = make_sku(client, channel, price)
    stock(database, sku, loc, 2)
    r = client.post("/api/v1/orders", json=order_body(channel, [(sku, 2)], **over))
    assert r.status_code == 201, r.text
    order = r.json()
    ship(client, order["fulfillments"][0]["id"])
    (invoice,) = invoices_of(client, order["id"])
    return order, invoice


def test_the_order_shows_the_tax_its_invoice_charges(client, database):
    # Prices with VAT in them (the default): the order's total stays, the tax is inside it.
    gross = make_channel(client)
    order, invoice = _placed_and_invoiced(client, database, gross, "59.90", shipping_charge="4.90")
    assert order["taxes"] == "0.00"  # none sent with the order
    assert order["estimated_tax"] == {
        "amount": invoice["tax_total"],
        "rate": "19",
        "basis": "channel_rate",
        "country": "DE",
        "included_in_prices": True,
        "total": invoice["gross_total"],
    }
    assert (invoice["tax_total"], invoice["gross_total"]) == ("19.91", "124.70")
    assert order["total"] == "124.70"
    listed = client.get("/api/v1/orders", params={"external_id": order["external_id"]}).json()
    assert listed["items"][0]["estimated_tax"] == order["estimated_tax"]

    # Net prices (B2B): the tax comes on top, and the estimate says what the total becomes.
    net = make_channel(client, settings={"prices_include_tax": False})
    order, invoice = _placed_and_invoiced(client, database, net, "100.00")
    tax = order["estimated_tax"]
    assert (tax["amount"], tax["total"], tax["included_in_prices"]) == ("38.00", "238.00", False)
    assert (invoice["tax_total"], invoice["gross_total"]) == ("38.00", "238.00")
    assert client.get(f"/api/v1/orders/{order['id']}").json()["estimated_tax"] == tax

    # Taxes sent with the order are what the invoice charges.
    order, invoice = _placed_and_invoiced(client, database, gross, "50.00", taxes="7.00")
    tax = order["estimated_tax"]
    assert (tax["basis"], tax["amount"], tax["rate"]) == ("order", "7.00", "7")
    assert (invoice["tax_total"], invoice["gross_total"]) == ("7.00", tax["total"])
    assert tax["total"] == order["total"] == "107.00"


def test_an_unusable_tax_setting_leaves_the_estimate_empty_not_the_order(client, database):
    channel = make_channel(client, settings={"tax_rates": {"DE": "nineteen"}})
    sku = make_sku(client, channel)
    stock(database, sku, make_location(client), 1)
    r = client.post("/api/v1/orders", json=order_body(channel, [(sku, 1)]))
    assert r.status_code == 201, r.text
    assert r.json()["estimated_tax"] is None
