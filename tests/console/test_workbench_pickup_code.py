"""After "On the pickup shelf" the associate sees the pickup code once, as the API's
ready-for-pickup answer carries it to whoever may set it ready: on the page the redirect
leads to (from the one-time stash) or in the htmx answer; never on a reload or the page
itself (SQLite and PostgreSQL)."""

from __future__ import annotations

from tests.console.test_workbench import (
    BASE,
    associate,
    fulfillment,
    pickup_code,
    place,
    store,
)


def _to_ready(desk, client, fid: str, sku) -> str:
    url = f"{BASE}/{fid}"
    r = desk.post(f"{url}/release", {"version": fulfillment(client, fid)["version"]})
    assert r.status_code == 303
    assert desk.post(f"{url}/accept").status_code == 303
    assert desk.post(f"{url}/scan", {"code": sku["sku"], "quantity": "1"}).status_code == 303
    r = desk.post(f"{url}/pick", {"version": fulfillment(client, fid)["version"]})
    assert fulfillment(client, fid)["status"] == "picked", r.text[:500]
    return url


def test_the_code_is_shown_once_after_marking_ready(app, client, database):
    berlin = store(client)
    order, fid, sku = place(client, database, berlin, qty=1)
    _, desk = associate(app, database, berlin)
    url = _to_ready(desk, client, fid, sku)
    r = desk.post(f"{url}/ready", {"hold_days": "3"})
    assert r.status_code == 303 and "shown=" in r.headers["location"]
    code = pickup_code(client, order["id"])
    shown = desk.get(r.headers["location"]).text
    assert 'id="pickup-code"' in shown and code in shown
    again = desk.get(r.headers["location"]).text  # a reload
    assert code not in again and 'id="pickup-code"' not in again
    assert code not in desk.get(url).text


def test_the_htmx_answer_carries_the_code(app, client, database):
    berlin = store(client)
    order, fid, sku = place(client, database, berlin, qty=1)
    _, desk = associate(app, database, berlin)
    url = _to_ready(desk, client, fid, sku)
    r = desk.post(f"{url}/ready", {"hold_days": "3"}, htmx=True)
    assert r.status_code == 200, r.text[:500]
    assert pickup_code(client, order["id"]) in r.text
    assert pickup_code(client, order["id"]) not in desk.get(url).text
