"""The customer's return request on the tracking page (HTTP level, both databases)."""

from __future__ import annotations

from tests.e2e.returns_setup import delivered_order


def test_customer_asks_for_a_return_and_gets_a_label(client, anon, database):
    s = delivered_order(client, database, quantity=2)
    token, line = s["order"]["tracking_token"], s["line_id"]
    page = anon.get(f"/track/{token}")
    assert page.status_code == 200
    assert f'name="qty-{line}"' in page.text and "Request a return" in page.text

    too_many = anon.post(
        f"/track/{token}/returns", data={f"qty-{line}": "3", f"reason-{line}": "too_small"}
    )
    assert too_many.status_code == 422
    assert "at most 2 of" in too_many.text
    bad = anon.post(f"/track/{token}/returns", data={f"qty-{line}": "two"})
    assert bad.status_code == 422 and "whole number" in bad.text
    no_reason = anon.post(f"/track/{token}/returns", data={f"qty-{line}": "1"})
    assert no_reason.status_code == 422 and "choose a reason" in no_reason.text
    assert '<option value="">Choose a reason</option>' in page.text  # no reason pre-chosen
    nothing = anon.post(f"/track/{token}/returns", data={f"qty-{line}": "0"})
    assert nothing.status_code == 422
    assert client.get(f"/api/v1/returns?order_id={s['order']['id']}").json()["items"] == []

    r = anon.post(
        f"/track/{token}/returns",
        data={f"qty-{line}": "1", f"reason-{line}": "too_small"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].startswith(f"/track/{token}?done=return")
    (ret,) = client.get(f"/api/v1/returns?order_id={s['order']['id']}").json()["items"]
    assert (ret["source"], ret["status"], ret["lines"][0]["reason"]) == (
        "customer",
        "label_issued",
        "too_small",
    )
    page = anon.get(f"/track/{token}?done=return")
    assert "your return is registered" in page.text
    assert ret["tracking_number"] in page.text
    pdf = anon.get(f"/track/{token}/returns/{ret['id']}/label.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    other = delivered_order(client, database, quantity=1)
    stranger = anon.get(f"/track/{other['order']['tracking_token']}/returns/{ret['id']}/label.pdf")
    assert stranger.status_code == 404
    assert anon.post("/track/not-a-real-token-at-all/returns", data={}).status_code == 404
