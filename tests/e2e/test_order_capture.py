"""Capturing orders: every field stored, pickup, validation at placement, holds."""

from __future__ import annotations

from tests.e2e.skeleton import available, make_channel, make_location, make_sku, order_body, stock
from tests.helpers import assert_problem, ref


def _found(client, external_id: str) -> list[dict]:
    return client.get("/api/v1/orders", params={"external_id": external_id}).json()["items"]


def test_every_captured_field_is_stored_and_totals_add_up(client, database):
    channel, loc = make_channel(client), make_location(client)
    sweater, scarf = make_sku(client, channel, "89.00"), make_sku(client, channel, "19.90")
    stock(database, sweater, loc, 5)
    stock(database, scarf, loc, 5)
    billing = {"name": "Anna Müller", "company": "Müller GmbH", "line1": "Unter den Linden 1",
               "city": "Berlin", "postal_code": "10117", "country_code": "DE"}  # fmt: skip
    body = order_body(
        channel,
        [(sweater, 2), (scarf, 1)],
        customer={
            "email": f"{ref('c')}@Example.com",
            "name": "Anna Müller",
            "phone": "030 1234567",
        },
        billing_address=billing,
        shipping_charge="4.90",
        taxes="35.00",
        po_number="PO-7",
        notes="ring twice",
        attributes={"gift": True, "source": {"campaign": "bf"}},
    )
    body["lines"][0]["discount"] = "8.00"
    r = client.post("/api/v1/orders", json=body)
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["status"] == "allocated"
    assert order["phone"] == "+49301234567"  # stored in E.164
    assert order["email"] == body["customer"]["email"].lower()
    assert order["customer_name"] == "Anna Müller"
    assert order["billing_address"]["company"] == "Müller GmbH"
    assert order["lines"][0]["discount"] == "8.00" and order["lines"][0]["amount"] == "170.00"
    assert (order["subtotal"], order["shipping_charge"], order["taxes"]) == (
        "189.90",
        "4.90",
        "35.00",
    )
    assert order["total"] == "229.80"
    assert (order["po_number"], order["notes"]) == ("PO-7", "ring twice")
    assert order["attributes"] == {"gift": True, "source": {"campaign": "bf"}}
    assert order["delivery_method"] == "ship" and order["pickup_location_id"] is None
    got = client.get(f"/api/v1/orders/{order['id']}").json()
    assert {k: got[k] for k in order if k != "tracking_token"} == {
        k: order[k] for k in order if k != "tracking_token"
    }
    placed = client.get(f"/api/v1/orders/{order['id']}/events").json()["items"][0]
    assert placed["type"] == "order.placed" and placed["data"]["total"] == "229.8000"


def test_pickup_orders_reserve_at_the_pickup_location(client, database):
    channel = make_channel(client)
    warehouse = make_location(client)
    store = make_location(client, type="store", capabilities=["pickup", "ship"])
    sku = make_sku(client, channel)
    stock(database, sku, warehouse, 10)
    stock(database, sku, store, 2)
    body = order_body(channel, [(sku, 2)], delivery_method="pickup", pickup_location=store["code"])
    del body["shipping_address"]
    r = client.post("/api/v1/orders", json=body)
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["pickup_location_id"] == store["id"] and order["status"] == "allocated"
    assert [f["location_id"] for f in order["fulfillments"]] == [store["id"]]
    assert available(database, sku, store) == 0 and available(database, sku, warehouse) == 10
    nowhere = make_sku(client, channel)
    body = order_body(
        channel, [(nowhere, 1)], delivery_method="pickup", pickup_location=store["id"]
    )
    assert_problem(client.post("/api/v1/orders", json=body), 409, "insufficient_stock")


def test_a_pickup_location_must_offer_pickup(client, database):
    channel, warehouse = make_channel(client), make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, warehouse, 3)
    for where in (warehouse["code"], "no-such-location", None):
        body = order_body(channel, [(sku, 1)], delivery_method="pickup", pickup_location=where)
        problem = assert_problem(client.post("/api/v1/orders", json=body), 422, "order_rejected")
        codes = {e["code"] for e in problem["errors"]}
        assert codes & {"unknown_pickup_location", "pickup_location_required"}, problem
        assert _found(client, body["external_id"]) == []
    assert available(database, sku, warehouse) == 3


def test_a_rejected_order_lists_every_failed_check_and_writes_nothing(client, database):
    channel, loc = make_channel(client), make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, loc, 3)
    body = order_body(
        channel,
        [(sku, 1), ({"sku": "NO-SUCH-SKU"}, 1)],
        shipping_address={"line1": "1 Main St", "city": "Nowhere", "country_code": "XX"},
        customer={"email": f"{ref('c')}@example.com"},
    )
    problem = assert_problem(client.post("/api/v1/orders", json=body), 422, "order_rejected")
    found = {(e["field"], e["code"]) for e in problem["errors"]}
    assert ("lines.1.sku", "unknown_sku") in found
    assert ("shipping_address.country_code", "unknown_country") in found
    assert len(found) >= 2
    assert _found(client, body["external_id"]) == []
    assert available(database, sku, loc) == 3
    customers = client.get("/api/v1/customers", params={"email": body["customer"]["email"]})
    assert customers.status_code == 200 and customers.json()["items"] == []


def test_warnings_place_the_order_on_hold_with_stock_reserved(client, database):
    channel, loc = make_channel(client), make_location(client)
    sku = make_sku(client, channel, "19.90")
    stock(database, sku, loc, 4)
    body = order_body(channel, [(sku, 2)])
    body["lines"][0]["unit_price"] = "9.90"  # half the list price
    r = client.post("/api/v1/orders", json=body)
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["status"] == "on_hold"
    assert [(h["type"], h["source"]) for h in order["holds"]] == [("price", "validation")]
    assert order["held_since"] is not None
    assert available(database, sku, loc) == 2  # reserve_on_hold defaults to true
    (ful,) = order["fulfillments"]
    assert ful["status"] == "created"
    refused = client.post(f"/api/v1/fulfillments/{ful['id']}/release")
    assert_problem(refused, 409, "order_on_hold")
    types = [e["type"] for e in client.get(f"/api/v1/orders/{order['id']}/events").json()["items"]]
    assert types[:2] == ["order.placed", "order.held"]
    holds = client.get(f"/api/v1/orders/{order['id']}/holds").json()
    assert holds[0]["findings"][0]["code"] == "price_mismatch"


def test_channels_with_pos_type_need_no_customer(client, database):
    channel, loc = make_channel(client, type="pos"), make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, loc, 1)
    body = order_body(channel, [(sku, 1)])
    del body["customer"]
    r = client.post("/api/v1/orders", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["customer_id"] is None and r.json()["email"] is None
