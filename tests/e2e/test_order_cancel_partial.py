"""Cancelling an order after part of it shipped: what shipped stays shipped (stock, capture,
invoice), the rest is cancelled (its fulfillment, its reservation, its line quantity) and
the authorization left over is voided; both databases."""

from __future__ import annotations

from decimal import Decimal

from tests.e2e.skeleton import available, make_channel, make_location, make_sku, order_body, stock
from tests.e2e.test_invoices_order_to_cash import invoices_of, ship
from tests.helpers import assert_problem


def test_cancel_after_a_partial_shipment(client, database):
    channel = make_channel(client)
    north, south = make_location(client), make_location(client)
    shipped, unshipped = make_sku(client, channel, "30.00"), make_sku(client, channel, "10.00")
    stock(database, shipped, north, 3)
    stock(database, unshipped, south, 3)
    r = client.post("/api/v1/orders", json=order_body(channel, [(shipped, 1), (unshipped, 2)]))
    assert r.status_code == 201, r.text
    order = r.json()
    by_location = {f["location_id"]: f["id"] for f in order["fulfillments"]}
    assert set(by_location) == {north["id"], south["id"]}
    r = client.post(f"/api/v1/orders/{order['id']}/payments", json={"provider": "manual"})
    assert r.status_code == 201, r.text
    payment = r.json()
    ship(client, by_location[north["id"]])

    r = client.post(f"/api/v1/orders/{order['id']}/cancel", json={"reason": "customer asked"})
    assert r.status_code == 200, r.text
    cancelled = r.json()
    status = {f["id"]: f["status"] for f in cancelled["fulfillments"]}
    assert status[by_location[north["id"]]] == "shipped"
    assert status[by_location[south["id"]]] == "cancelled"
    lines = {ln["sku"]: ln["quantities"] for ln in cancelled["lines"]}
    assert lines[shipped["sku"]]["shipped"] == 1
    assert lines[shipped["sku"]]["cancelled"] == 0
    assert lines[unshipped["sku"]]["cancelled"] == 2
    assert lines[unshipped["sku"]]["shipped"] == 0

    # stock: the shipped unit left, the cancelled units are free again
    assert available(database, shipped, north) == 2
    assert available(database, unshipped, south) == 3
    levels = client.get(f"/api/v1/inventory/levels/{unshipped['sku']}/{south['code']}").json()
    assert (levels["on_hand"], levels["reserved"]) == (3, 0)

    # money: the shipped part captured and invoiced, the rest of the authorization voided
    payment = client.get(f"/api/v1/payments/{payment['id']}").json()
    captured, voided = Decimal(payment["captured"]), Decimal(payment["authorized"])
    voided -= captured
    assert captured > 0 and voided > 0
    assert [t["kind"] for t in payment["transactions"]] == ["authorize", "capture", "void"]
    assert Decimal(payment["transactions"][2]["amount"]) == voided
    assert payment["capturable"] == "0.00"
    (invoice,) = invoices_of(client, order["id"])
    assert Decimal(invoice["gross_total"]) == captured

    # nothing more to cancel: a second cancel is refused and changes nothing
    assert cancelled["status"] == "shipped"  # what is left of the order is what shipped
    again = client.post(f"/api/v1/orders/{order['id']}/cancel")
    assert_problem(again, 409, "order_not_cancellable")
    payment_after = client.get(f"/api/v1/payments/{payment['id']}").json()
    assert payment_after["transactions"] == payment["transactions"]
