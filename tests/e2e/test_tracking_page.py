"""The public tracking page: reachable only with the order's own token, showing nothing
private, escaped, and the same plain 404 for every unknown token."""

from __future__ import annotations

import secrets

from tests.e2e.skeleton import make_channel, make_location, order_body, stock
from tests.e2e.test_fulfillment_flow import make_carrier
from tests.helpers import ref


def placed(client, database, product: str = "Merino sweater", **over):
    channel, loc = make_channel(client), make_location(client)
    r = client.post(
        "/api/v1/skus",
        json={
            "sku": ref("SKU"),
            "product_name": product,
            "weight_grams": 300,
            "prices": [{"channel": channel["code"], "currency": "EUR", "amount": "10.00"}],
        },
    )
    sku = r.json()
    stock(database, sku, loc, 5)
    r = client.post("/api/v1/orders", json=order_body(channel, [(sku, 2)], **over))
    assert r.status_code == 201, r.text
    return r.json()


def test_unknown_tokens_get_the_same_plain_404(anon):
    pages = [
        anon.get(f"/track/{token}")
        for token in (secrets.token_urlsafe(24), "x", "a" * 70, "%3Cscript%3E", "ord_1")
    ]
    assert {p.status_code for p in pages} == {404}
    assert len({p.text for p in pages}) == 1
    assert pages[0].headers["content-type"].startswith("text/html")
    assert "not found" in pages[0].text.lower()


def test_each_token_opens_its_own_order_only(client, anon, database):
    a = placed(client, database, "Alpaca gloves")
    b = placed(client, database, "Bison boots")
    page_a = anon.get(f"/track/{a['tracking_token']}").text
    page_b = anon.get(f"/track/{b['tracking_token']}").text
    assert a["external_id"] in page_a and "Alpaca gloves" in page_a
    assert b["external_id"] not in page_a and "Bison boots" not in page_a
    assert b["external_id"] in page_b and a["external_id"] not in page_b
    assert anon.get(f"/track/{a['tracking_token']}x").status_code == 404
    assert anon.get(f"/track/{a['tracking_token'][:-1]}").status_code == 404


def test_page_is_public_private_data_free_and_escaped(client, anon, database):
    order = placed(
        client,
        database,
        "<script>alert(1)</script> Scarf",
        customer={
            "email": "secret.person@example.com",
            "name": "Secret Person",
            "phone": "+49 30 1234567",
        },
    )
    fid = order["fulfillments"][0]["id"]
    client.patch(f"/api/v1/fulfillments/{fid}", json={"promised_delivery": "2030-06-14"})
    carrier = make_carrier(client)
    for step in ("release", "pick", "pack"):
        client.post(f"/api/v1/fulfillments/{fid}/{step}")
    client.post(
        f"/api/v1/fulfillments/{fid}/labels", json={"carrier": carrier["code"], "service": "std"}
    )
    r = anon.get(f"/track/{order['tracking_token']}")
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["referrer-policy"] == "no-referrer"
    html = r.text
    assert '<meta name="viewport"' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Scarf" in html and "<script>" not in html
    assert "Friday 14 June 2030" in html  # the promise
    assert "Packed, waiting for the carrier" in html
    assert "https://track.example.com/?id=PX" in html
    for private in ("secret.person", "Secret Person", "1234567", "Invalidenstrasse", fid, "19.90"):
        assert private not in html
