"""Returns end to end through the API, on both databases: request, label, receipt at a
store, inspection (restocked and damaged), refunds against the payment with credit notes,
the policy's refusals, and nothing partial saved on an error."""

from __future__ import annotations

from switchyard.inventory.verify import verify
from switchyard.kernel.events import Actor
from tests.e2e.returns_setup import ask, delivered_order
from tests.e2e.skeleton import available
from tests.helpers import assert_problem, make_key


def _clean(database, sku_id: str) -> None:
    found = database.run(Actor.system("t"), lambda uow: verify(uow, [sku_id]), read_only=True)
    assert found == []


def test_return_received_at_a_store_inspected_and_refunded_twice(client, database):
    s = delivered_order(client, database)
    order_id, store = s["order"]["id"], s["store"]
    r = ask(client, s, 2)
    assert r.status_code == 201, r.text
    ret = r.json()
    assert ret["status"] == "authorised" and ret["lines"][0]["quantity"] == 2
    rid = ret["id"]

    r = client.post(f"/api/v1/returns/{rid}/label")
    assert r.status_code == 200, r.text
    labelled = r.json()
    assert labelled["status"] == "label_issued" and labelled["tracking_number"].startswith("RT")
    pdf = client.get(labelled["label_url"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.post(f"/api/v1/returns/{rid}/in-transit").json()["status"] == "in_transit"

    r = client.post(f"/api/v1/returns/{rid}/receive", json={"location": store["code"]})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "received" and r.json()["lines"][0]["received"] == 2
    order = client.get(f"/api/v1/orders/{order_id}").json()
    assert order["status"] == "returned"
    assert order["lines"][0]["status"] == "returned"

    r = client.post(
        f"/api/v1/returns/{rid}/inspect",
        json={
            "lines": [
                {"line": s["sku"]["sku"], "disposition": "restock", "quantity": 1},
                {"line": s["sku"]["sku"], "disposition": "damaged", "quantity": 1},
            ]
        },
    )
    assert r.status_code == 200, r.text
    line = r.json()["lines"][0]
    assert (line["accepted"], line["damaged"]) == (1, 1)
    assert available(database, s["sku"], store) == 1
    damaged = client.get(f"/api/v1/inventory/nonsellable?location={store['code']}").json()
    assert [(x["sku_id"], x["status"], x["quantity"]) for x in damaged["items"]] == [
        (s["sku"]["id"], "damaged", 1)
    ]
    _clean(database, s["sku"]["id"])

    r = client.post(
        f"/api/v1/orders/{order_id}/refunds",
        json={
            "reason": "returned",
            "return_id": rid,
            "lines": [{"line": s["line_id"], "quantity": 1}],
        },
    )
    assert r.status_code == 201, r.text
    first = r.json()
    assert first["amount"] == "89.00" and first["tax"] == "14.21"
    assert len(first["credit_notes"]) == 1
    payment = client.get(f"/api/v1/payments/{s['payment']['id']}").json()
    assert (payment["refunded"], payment["status"]) == ("89.00", "partially_refunded")

    r = client.post(
        f"/api/v1/orders/{order_id}/refunds",
        json={"reason": "damaged unit", "lines": [{"line": s["line_id"], "quantity": 1}]},
    )
    assert r.status_code == 201, r.text
    payment = client.get(f"/api/v1/payments/{s['payment']['id']}").json()
    assert (payment["refunded"], payment["status"]) == ("178.00", "refunded")
    invoices = client.get(f"/api/v1/orders/{order_id}/invoices").json()["items"]
    notes = [i for i in invoices if i["kind"] == "credit_note"]
    assert sorted(n["gross_total"] for n in notes) == ["-89.00", "-89.00"]

    over = client.post(
        f"/api/v1/orders/{order_id}/refunds", json={"reason": "goodwill", "adjustment": "1.00"}
    )
    assert_problem(over, 422, "refund_exceeds_paid")
    again = client.post(
        f"/api/v1/orders/{order_id}/refunds",
        json={"reason": "x", "lines": [{"line": s["line_id"], "quantity": 1}]},
    )
    assert_problem(again, 422, "invalid_refund")
    refunds = client.get(f"/api/v1/orders/{order_id}/refunds").json()["items"]
    assert [x["amount"] for x in refunds] == ["89.00", "89.00"]

    timeline = client.get(f"/api/v1/orders/{order_id}/events?limit=200").json()["items"]
    types = [e["type"] for e in timeline]
    for t in (
        "return.requested",
        "return.authorised",
        "return.label_issued",
        "return.in_transit",
        "return.received",
        "return.inspected",
        "refund.issued",
    ):
        assert t in types, (t, types)

    r = client.post(f"/api/v1/returns/{rid}/receive", json={"location": store["code"]})
    assert_problem(r, 409, "return_not_receivable")
    assert client.post(f"/api/v1/returns/{rid}/close").json()["status"] == "closed"


def test_policy_refusals_and_approval(client, database):
    s = delivered_order(client, database, returns={"window_days": 0})
    body = assert_problem(ask(client, s, 1), 422, "return_window_expired")
    assert body["errors"][0]["field"] == "order"

    s = delivered_order(
        client, database, returns={"approval_required": True, "restocking_fee_percent": "10"}
    )
    assert_problem(ask(client, s, 3), 422, "more_than_delivered")
    r = ask(client, s, 1, reason="changed_mind")
    assert r.status_code == 201 and r.json()["status"] == "requested", r.text
    rid = r.json()["id"]
    assert_problem(ask(client, s, 2), 422, "more_than_delivered")  # one is asked already
    store = s["store"]["code"]
    r = client.post(f"/api/v1/returns/{rid}/receive", json={"location": store})
    assert_problem(r, 409, "return_not_receivable")
    assert client.post(f"/api/v1/returns/{rid}/authorise").json()["status"] == "authorised"
    assert (
        client.post(f"/api/v1/returns/{rid}/receive", json={"location": store}).status_code == 200
    )
    # an inspection that leaves a unit without disposition saves nothing
    bad = client.post(
        f"/api/v1/returns/{rid}/inspect",
        json={"lines": [{"line": s["line_id"], "disposition": "restock", "quantity": 2}]},
    )
    assert_problem(bad, 422, "invalid_inspection")
    assert client.get(f"/api/v1/returns/{rid}").json()["status"] == "received"
    ok = client.post(
        f"/api/v1/returns/{rid}/inspect",
        json={"lines": [{"line": s["line_id"], "disposition": "restock", "quantity": 1}]},
    )
    assert ok.status_code == 200, ok.text
    r = client.post(
        f"/api/v1/orders/{s['order']['id']}/refunds", json={"reason": "return", "return_id": rid}
    )
    assert r.status_code == 201, r.text
    assert (r.json()["goods"], r.json()["fee"], r.json()["amount"]) == ("89.00", "8.90", "80.10")

    s = delivered_order(client, database, returns={"non_returnable_skus": []})
    channel = s["channel"]
    r = client.patch(
        f"/api/v1/channels/{channel['id']}",
        json={"settings": {"returns": {"non_returnable_skus": [s["sku"]["sku"]]}}},
    )
    assert r.status_code == 200, r.text
    assert_problem(ask(client, s, 1), 422, "not_returnable")
    r = client.patch(
        f"/api/v1/channels/{channel['id']}",
        json={"settings": {"returns": {"window_days": -1, "approval_required": "yes"}}},
    )
    body = assert_problem(r, 422, "invalid_channel")
    assert {e["field"] for e in body["errors"]} == {
        "settings.returns.window_days",
        "settings.returns.approval_required",
    }


def test_cancel_reject_and_not_delivered(client, database):
    s = delivered_order(client, database, deliver=False)
    assert_problem(ask(client, s, 1), 422, "nothing_delivered")
    s = delivered_order(client, database)
    rid = ask(client, s, 1).json()["id"]
    assert client.post(f"/api/v1/returns/{rid}/cancel").json()["status"] == "cancelled"
    assert_problem(client.post(f"/api/v1/returns/{rid}/authorise"), 409, "return_not_authorisable")
    # cancelled units may be asked for again
    rid = ask(client, s, 2).json()["id"]
    assert client.post(f"/api/v1/returns/{rid}/reject").json()["status"] == "rejected"
    listed = client.get(f"/api/v1/returns?order_id={s['order']['id']}").json()["items"]
    assert [x["status"] for x in listed] == ["rejected", "cancelled"]


def test_a_store_key_receives_only_at_its_own_store(client, database, app):
    from fastapi.testclient import TestClient

    s = delivered_order(client, database)
    other = delivered_order(client, database)
    rid = ask(client, s, 1).json()["id"]
    key = make_key(database, ["fulfillment:write", "orders:write"], [s["store"]["code"]])
    with TestClient(app, raise_server_exceptions=False) as store:
        store.headers["Authorization"] = f"Bearer {key}"
        r = store.post(f"/api/v1/returns/{rid}/receive", json={"location": other["store"]["code"]})
        assert_problem(r, 403, "location_forbidden")
        r = store.post(f"/api/v1/returns/{rid}/receive", json={"location": s["store"]["code"]})
        assert r.status_code == 200, r.text
        assert store.get(f"/api/v1/returns/{rid}").status_code == 200
        body = {"order_id": "x", "lines": [{"line": "x", "quantity": 1, "reason": "other"}]}
        assert_problem(store.post("/api/v1/returns", json=body), 403, "location_restricted_key")


def test_ad_hoc_refund_and_return_rates(client, database):
    s = delivered_order(client, database, quantity=4, price="10.00")
    r = client.post(
        f"/api/v1/orders/{s['order']['id']}/refunds",
        json={"reason": "late delivery", "adjustment": "5.00"},
    )
    assert r.status_code == 201 and r.json()["amount"] == "5.00", r.text
    rid = ask(client, s, 1, reason="too_small").json()["id"]
    assert (
        client.post(
            f"/api/v1/returns/{rid}/receive", json={"location": s["store"]["code"]}
        ).status_code
        == 200
    )
    rates = client.get(f"/api/v1/returns/analytics?by=sku&channel={s['channel']['code']}").json()
    assert rates["items"] == [{"key": s["sku"]["sku"], "sold": 4, "returned": 1, "rate": 0.25}]
    reasons = client.get(f"/api/v1/returns/analytics?by=reason&channel={s['channel']['code']}")
    assert reasons.json()["items"][0] == {
        "key": "too_small",
        "sold": None,
        "returned": 1,
        "rate": None,
    }
