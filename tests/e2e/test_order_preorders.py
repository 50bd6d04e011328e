"""Preorders show as such: units waiting for a purchase order carry ``preorder`` with the
expected date (lines, order, list, tracking page), unlike a plain backorder, and their
promise counts no cut-off down."""

from __future__ import annotations

import re
from datetime import timedelta

from switchyard.inventory import supply
from switchyard.kernel.clock import utcnow
from switchyard.kernel.events import Actor
from tests.e2e.skeleton import make_channel, make_location, make_sku, order_body, stock
from tests.helpers import ref

ACTOR = Actor.system("tests")


def test_a_preorder_says_so_with_the_expected_date(client, anon, database):
    channel = make_channel(client, backorder_policy="preorder")
    loc = make_location(client)
    later, now = make_sku(client, channel), make_sku(client, channel)
    stock(database, now, loc, 5)
    eta = utcnow() + timedelta(days=5)
    po_ref = ref("PO")
    database.run(
        ACTOR,
        lambda uow: supply.create_purchase_order(uow, loc["id"], po_ref, eta, [(later["id"], 4)]),
    )
    r = client.post("/api/v1/orders", json=order_body(channel, [(later, 3), (now, 1)]))
    assert r.status_code == 201, r.text
    order = r.json()
    expected = eta.isoformat().replace("+00:00", "Z")
    preorder = {"quantity": 3, "expected_at": expected}
    assert [(ln["status"], ln["preorder"]) for ln in order["lines"]] == [
        ("backordered", preorder),
        ("allocated", None),
    ]
    assert order["preorder"] == preorder
    got = client.get(f"/api/v1/orders/{order['id']}").json()
    assert got["preorder"] == preorder and got["lines"][0]["preorder"] == preorder
    (listed,) = client.get("/api/v1/orders", params={"external_id": order["external_id"]}).json()[
        "items"
    ]
    assert listed["preorder"] == preorder
    page = anon.get(f"/track/{order['tracking_token']}").text
    day = eta.strftime("%A %d %B %Y")
    assert re.search(rf'class="status">Preordered, in stock from {day}<', page), page

    database.run(ACTOR, lambda uow: supply.receive_purchase_order(uow, po_ref))
    arrived = client.get(f"/api/v1/orders/{order['id']}").json()
    assert arrived["status"] == "allocated" and arrived["preorder"] is None
    assert [ln["preorder"] for ln in arrived["lines"]] == [None, None]


def test_a_backorder_is_no_preorder(client, anon, database):
    channel = make_channel(client, backorder_policy="backorder")
    loc = make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, loc, 1)
    order = client.post("/api/v1/orders", json=order_body(channel, [(sku, 3)])).json()
    assert order["status"] == "backordered"
    assert order["preorder"] is None and order["lines"][0]["preorder"] is None
    page = anon.get(f"/track/{order['tracking_token']}").text
    assert 'class="status">Waiting for stock<' in page
