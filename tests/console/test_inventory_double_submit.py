"""A stock form sent twice books once: the token the form was drawn with is the
Idempotency-Key of its use case (console/form_tokens.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.console.staff import Console, make_user
from tests.e2e.skeleton import make_channel, make_location, make_sku, stock


def _token(page: str, form_id: str) -> str:
    form = page.split(f'<form id="{form_id}"', 1)[1].split("</form>", 1)[0]
    found = re.search(r'name="form_token" value="([^"]+)"', form)
    assert found, f"no form token in #{form_id}"
    return found.group(1)


def _ledger(client: Any, sku: dict[str, Any]) -> list[dict[str, Any]]:
    r = client.get("/api/v1/inventory/movements", params={"sku": sku["sku"], "limit": 100})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def _setup(client: Any, database: Any) -> tuple[dict[str, Any], dict[str, Any], Any]:
    channel = make_channel(client)
    a = make_location(client, name="Erfurt warehouse")
    sku = make_sku(client, channel)
    stock(database, sku, a, 10)
    return sku, a, make_user(database, "merchandiser")


def test_a_double_click_on_adjust_books_one_movement(app, client, database):
    sku, a, user = _setup(client, database)
    url = f"/console/inventory/skus/{sku['sku']}"
    with Console(app, user.email) as desk:
        page = desk.get(url).text
        token = _token(page, "adjust")
        assert token != _token(page, "count")  # each form drawn gets its own
        body = {
            "adjust_location": a["code"],
            "adjust_quantity": "-2",
            "adjust_reason": "damaged",
            "form_token": token,
        }
        first = desk.post(f"{url}/adjust", body)
        second = desk.post(f"{url}/adjust", body)
        assert first.status_code == second.status_code == 303, second.text[:1000]
        assert first.headers["location"] == second.headers["location"]
        # the page after the redirect draws a new token: the next adjustment books again
        fresh = _token(desk.get(first.headers["location"]).text, "adjust")
        assert fresh != token
        third = desk.post(f"{url}/adjust", {**body, "form_token": fresh})
        assert third.status_code == 303
    adjustments = [m for m in _ledger(client, sku) if m["kind"] == "adjustment"]
    assert [m["quantity"] for m in adjustments] == [-2, -2]


def test_receive_count_and_transfer_sent_twice_at_once_book_once(app, client, database):
    sku, a, user = _setup(client, database)
    b = make_location(client, name="Berlin store", type="store")
    url = f"/console/inventory/skus/{sku['sku']}"
    with Console(app, user.email) as desk:
        page = desk.get(url).text
        forms = {
            "receive": {"receive_location": a["code"], "receive_quantity": "5"},
            "transfer": {
                "transfer_location": a["code"],
                "transfer_to": b["code"],
                "transfer_quantity": "3",
            },
        }
        for action, body in forms.items():
            sent = {**body, "form_token": _token(page, action)}
            target = f"{url}/{action}"
            with ThreadPoolExecutor(2) as pool:  # a double click: both in flight
                answers = list(pool.map(desk.post, [target, target], [sent, sent]))
            assert [r.status_code for r in answers] == [303, 303], answers[1].text[:1000]
        count = {"count_location": a["code"], "count_counted": "4"}
        count["form_token"] = _token(desk.get(url).text, "count")
        assert desk.post(f"{url}/count", count).status_code == 303
        assert desk.post(f"{url}/count", count).status_code == 303
    ledger = _ledger(client, sku)
    receipts = [m for m in ledger if m["kind"] == "receipt" and m["quantity"] == 5]
    assert len(receipts) == 1, ledger
    r = client.get(f"/api/v1/inventory/levels/{sku['sku']}/{a['code']}")
    # 10 + 5 received, 3 sent away, counted 4: on hand 4, one count booked
    assert r.json()["on_hand"] == 4
    r = client.get("/api/v1/inventory/transfers", params={"location": a["code"], "limit": 100})
    assert r.status_code == 200, r.text
    assert [t["to_location_id"] for t in r.json()["items"]] == [b["id"]]


def test_the_same_token_with_other_values_is_refused_and_books_nothing(app, client, database):
    sku, a, user = _setup(client, database)
    url = f"/console/inventory/skus/{sku['sku']}"
    with Console(app, user.email) as desk:
        token = _token(desk.get(url).text, "receive")
        body = {"receive_location": a["code"], "receive_quantity": "5", "form_token": token}
        assert desk.post(f"{url}/receive", body).status_code == 303
        r = desk.post(f"{url}/receive", {**body, "receive_quantity": "7"})
        assert r.status_code == 422, r.text[:1000]
        assert "already sent with other values" in r.text
        # a form without a token (a page from before) still works, once per submit
        plain = {"receive_location": a["code"], "receive_quantity": "1"}
        assert desk.post(f"{url}/receive", plain).status_code == 303
        assert desk.post(f"{url}/receive", plain).status_code == 303
    quantities = sorted(m["quantity"] for m in _ledger(client, sku) if m["kind"] == "receipt")
    assert quantities.count(5) == 1 and 7 not in quantities and quantities.count(1) == 2
