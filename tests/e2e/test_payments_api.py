"""Payments API: authorize, capture, refund, void; refusals write nothing; repeats are no-ops."""

from __future__ import annotations

import concurrent.futures as cf

import httpx

from tests.e2e.skeleton import make_channel, make_location, make_sku, order_body, stock
from tests.helpers import assert_problem, make_key, ref


def placed_order(client, database, price: str = "50.00", quantity: int = 2) -> dict:
    channel, loc = make_channel(client), make_location(client)
    sku = make_sku(client, channel, price)
    stock(database, sku, loc, quantity)
    r = client.post("/api/v1/orders", json=order_body(channel, [(sku, quantity)]))
    assert r.status_code == 201, r.text
    return r.json()


def authorize(client, order: dict, **body) -> dict:
    r = client.post(f"/api/v1/orders/{order['id']}/payments", json={"provider": "manual", **body})
    assert r.status_code == 201, r.text
    return r.json()


def payment_events(client, order: dict) -> list[str]:
    items = client.get(f"/api/v1/orders/{order['id']}/events").json()["items"]
    return [e["type"] for e in items if e["type"].startswith("payment.")]


def test_capture_refund_void_keep_the_ledger_and_the_sums(client, database):
    order = placed_order(client, database)
    payment = authorize(client, order, amount="80.00", reference=ref("cash"))
    url = f"/api/v1/payments/{payment['id']}"
    captured = client.post(f"{url}/capture", json={"amount": "30.00"})
    assert captured.status_code == 200, captured.text
    assert captured.headers["etag"] == f'"{captured.json()["version"]}"'
    assert captured.json()["status"] == "partially_captured"
    refunded = client.post(f"{url}/refund", json={"amount": "10.00", "reason": "goodwill"}).json()
    assert (refunded["refunded"], refunded["refundable"]) == ("10.00", "20.00")
    voided = client.post(f"{url}/void").json()
    assert (voided["voided"], voided["capturable"]) == ("50.00", "0.00")
    assert voided["status"] == "partially_refunded"
    assert [(t["kind"], t["amount"]) for t in voided["transactions"]] == [
        ("authorize", "80.00"),
        ("capture", "30.00"),
        ("refund", "10.00"),
        ("void", "50.00"),
    ]
    assert payment_events(client, order) == [
        "payment.authorized",
        "payment.captured",
        "payment.refunded",
        "payment.voided",
    ]
    listed = client.get(f"/api/v1/orders/{order['id']}/payments").json()
    assert [p["id"] for p in listed["items"]] == [payment["id"]]
    assert listed["items"][0] == client.get(url).json()


def test_over_capture_and_over_refund_are_409_and_write_nothing(client, database):
    order = placed_order(client, database)
    payment = authorize(client, order, amount="50.00")
    url = f"/api/v1/payments/{payment['id']}"
    body = assert_problem(
        client.post(f"{url}/capture", json={"amount": "50.01"}), 409, "over_capture"
    )
    assert body["capturable"] == "50.00"
    assert_problem(client.post(f"{url}/refund", json={"amount": "0.01"}), 409, "over_refund")
    client.post(f"{url}/capture", json={"amount": "20.00"})
    assert_problem(client.post(f"{url}/refund", json={"amount": "20.01"}), 409, "over_refund")
    assert_problem(client.post(f"{url}/void", json={"amount": "30.01"}), 409, "over_void")
    after = client.get(url).json()
    assert (after["captured"], after["refunded"], after["voided"]) == ("20.00", "0.00", "0.00")
    assert [t["kind"] for t in after["transactions"]] == ["authorize", "capture"]
    assert after["version"] == 2
    assert payment_events(client, order) == ["payment.authorized", "payment.captured"]


def test_repeats_are_idempotent(client, database):
    order = placed_order(client, database)
    url = f"/api/v1/orders/{order['id']}/payments"
    key = {"Idempotency-Key": ref("idem")}
    body = {"provider": "external", "reference": ref("psp"), "amount": "100.00"}
    first = client.post(url, json=body, headers=key)
    again = client.post(url, json=body, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    by_reference = client.post(url, json=body)
    assert by_reference.json()["id"] == first.json()["id"]
    other = client.post(url, json={**body, "amount": "99.00"})
    assert_problem(other, 409, "provider_reference_taken")
    assert len(client.get(url).json()["items"]) == 1

    capture = f"/api/v1/payments/{first.json()['id']}/capture"
    one = client.post(capture, json={"amount": "40.00", "reference": "cap-1"}).json()
    two = client.post(capture, json={"amount": "40.00", "reference": "cap-1"}).json()
    assert one == two and two["captured"] == "40.00"
    reused = client.post(capture, json={"amount": "41.00", "reference": "cap-1"})
    assert_problem(reused, 409, "reference_reused")
    keyed = {"Idempotency-Key": ref("cap")}
    a = client.post(capture, json={"amount": "10.00"}, headers=keyed)
    b = client.post(capture, json={"amount": "10.00"}, headers=keyed)
    assert b.headers["idempotent-replayed"] == "true" and a.json() == b.json()
    assert client.get(capture.removesuffix("/capture")).json()["captured"] == "50.00"
    assert payment_events(client, order).count("payment.captured") == 2


def test_default_amount_covers_the_rest_of_the_order(client, database):
    order = placed_order(client, database, price="50.00", quantity=2)
    first = authorize(client, order, amount="30.00")
    rest = authorize(client, order)
    assert rest["authorized"] == "70.00"
    assert_problem(
        client.post(f"/api/v1/orders/{order['id']}/payments", json={"provider": "manual"}),
        409,
        "nothing_to_authorize",
    )
    client.post(f"/api/v1/payments/{first['id']}/void")
    assert authorize(client, order)["authorized"] == "30.00"


def test_failed_external_payments_are_recorded_and_take_no_money(client, database):
    order = placed_order(client, database)
    r = client.post(
        f"/api/v1/orders/{order['id']}/payments",
        json={"provider": "external", "reference": ref("psp"), "result": "failed"},
    )
    assert r.status_code == 201, r.text
    failed = r.json()
    assert (failed["status"], failed["authorized"], failed["failure_reason"]) == (
        "failed",
        "0.00",
        "declined",
    )
    capture = client.post(f"/api/v1/payments/{failed['id']}/capture")
    assert_problem(capture, 409, "payment_failed")
    assert payment_events(client, order) == ["payment.failed"]


def test_bad_requests_name_the_field(client, database):
    order = placed_order(client, database)
    url = f"/api/v1/orders/{order['id']}/payments"
    body = assert_problem(client.post(url, json={"provider": "external"}), 422, "invalid_payment")
    assert body["errors"][0]["field"] == "reference"
    body = assert_problem(client.post(url, json={"provider": "iou"}), 422, "invalid_payment")
    assert body["errors"][0]["field"] == "provider"
    wrong = client.post(url, json={"provider": "manual", "currency": "USD"})
    assert assert_problem(wrong, 422, "currency_mismatch")["errors"][0]["field"] == "currency"
    cents = client.post(url, json={"provider": "manual", "amount": "1.001"})
    assert assert_problem(cents, 422, "invalid_amount")["errors"][0]["field"] == "amount"
    negative = client.post(url, json={"provider": "manual", "amount": "-5"})
    assert_problem(negative, 422, "invalid_request")
    assert_problem(
        client.post(url, json={"provider": "manual", "amount": "x"}), 422, "invalid_request"
    )
    assert client.get(url).json()["items"] == []
    missing = client.post("/api/v1/orders/ord_nope/payments", json={"provider": "manual"})
    assert_problem(missing, 404, "order_not_found")
    assert_problem(client.post("/api/v1/payments/pay_nope/capture"), 404, "payment_not_found")
    assert_problem(client.get("/api/v1/payments/pay_nope"), 404, "payment_not_found")
    payment = authorize(client, order, amount="10.00")
    stale = client.post(
        f"/api/v1/payments/{payment['id']}/capture", headers={"If-Match": '"7"'}, json={}
    )
    assert_problem(stale, 412, "version_mismatch")


def test_payments_need_their_own_scope(anon, client, database):
    order = placed_order(client, database)
    orders_only = {"Authorization": f"Bearer {make_key(database, ['orders:write'])}"}
    url = f"/api/v1/orders/{order['id']}/payments"
    assert_problem(anon.get(url, headers=orders_only), 403, "missing_scope")
    reader = {"Authorization": f"Bearer {make_key(database, ['payments:read'])}"}
    assert anon.get(url, headers=reader).status_code == 200
    assert_problem(
        anon.post(url, json={"provider": "manual"}, headers=reader), 403, "missing_scope"
    )
    assert_problem(
        anon.get(f"/api/v1/orders/{order['id']}/invoices", headers=orders_only),
        403,
        "missing_scope",
    )


def test_racing_captures_never_take_more_than_authorized(client, database, live_url, admin_key):
    order = placed_order(client, database)
    payment = authorize(client, order, amount="100.00")
    url = f"{live_url}/api/v1/payments/{payment['id']}/capture"
    headers = {"Authorization": f"Bearer {admin_key}"}

    def capture(i: int) -> httpx.Response:
        body = {"amount": "30.00", "reference": f"race-{i}"}
        return httpx.post(url, json=body, headers=headers, timeout=60)

    with cf.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(capture, range(8)))
    assert sorted(r.status_code for r in answers) == [200] * 3 + [409] * 5
    assert all(r.json()["code"] == "over_capture" for r in answers if r.status_code == 409)
    after = client.get(f"/api/v1/payments/{payment['id']}").json()
    assert (after["captured"], after["capturable"]) == ("90.00", "10.00")
    assert len([t for t in after["transactions"] if t["kind"] == "capture"]) == 3


def test_cancelling_an_order_releases_the_authorization_it_can_no_longer_use(client, database):
    order = placed_order(client, database)
    card = authorize(client, order, amount="60.00")
    promise = client.post(
        f"/api/v1/orders/{order['id']}/payments", json={"provider": "invoice", "amount": "40.00"}
    ).json()
    r = client.post(f"/api/v1/orders/{order['id']}/cancel", json={"reason": "changed mind"})
    assert r.status_code == 200, r.text
    card = client.get(f"/api/v1/payments/{card['id']}").json()
    assert (card["status"], card["voided"], card["capturable"]) == ("voided", "60.00", "0.00")
    assert card["transactions"][-1]["reference"] == f"order-closed:{order['id']}"
    assert client.get(f"/api/v1/payments/{promise['id']}").json()["status"] == "authorized"
    assert payment_events(client, order)[-1] == "payment.voided"
