"""The exception queue: filters, findings, paging, bulk release and cancel, scopes."""

from __future__ import annotations

import re

from switchyard.console import exceptions
from tests.console.dashboard_seed import held_order
from tests.console.staff import Console, make_user
from tests.e2e.skeleton import make_channel, make_location, make_sku, order_body, stock

QUEUE = "/console/exceptions"


def _shop(client, database):
    channel, location = make_channel(client), make_location(client)
    sku = make_sku(client, channel, "20.00")
    stock(database, sku, location, 20)
    return channel, location, sku


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr data-order="([^"]+)">', html)


def _selected(order: dict) -> str:
    return f"{order['id']}@{order['version']}"


def test_the_queue_filters_by_reason_channel_and_age_and_shows_the_findings(app, client, database):
    web, _, sku = _shop(client, database)
    other, _, other_sku = _shop(client, database)
    price = held_order(client, web, sku)
    plain = client.post("/api/v1/orders", json=order_body(web, [(sku, 1)])).json()
    r = client.post(
        f"/api/v1/orders/{plain['id']}/holds", json={"type": "payment", "reason": "no funds"}
    )
    assert r.status_code == 201, r.text
    elsewhere = held_order(client, other, other_sku)
    user = make_user(database, "customer_service")
    with Console(app, user.email) as console:
        page = console.get(QUEUE, params={"channel": web["code"]})
        assert page.status_code == 200
        assert _rows(page.text) == [price["id"], plain["id"]]  # the longest-waiting first
        holds = client.get(f"/api/v1/orders/{price['id']}/holds").json()
        finding = holds[0]["findings"][0]
        assert f"<code>{finding['code']}</code>" in page.text and "no funds" in page.text
        assert 'data-check-all="order"' in page.text
        priced = console.get(QUEUE, params={"channel": web["code"], "reason": "price"})
        assert _rows(priced.text) == [price["id"]]
        other_price = console.get(QUEUE, params={"channel": other["id"], "reason": "price"})
        assert _rows(other_price.text) == [elsewhere["id"]]
        old = console.get(QUEUE, params={"channel": web["code"], "age": "60"})
        assert _rows(old.text) == [] and "No held orders match these filters." in old.text
        bad = console.get(QUEUE, params={"reason": "vibes", "age": "soon"})
        assert bad.status_code == 422 and 'id="e-reason"' in bad.text
        unknown = console.get(QUEUE, params={"channel": "no-such-channel"})
        assert unknown.status_code == 422 and 'id="e-channel"' in unknown.text
        lost = console.get(QUEUE, params={"cursor": "not-a-cursor"})
        assert lost.status_code == 422 and "Error code" in lost.text


def test_the_queue_pages_with_a_cursor(app, client, database, monkeypatch):
    channel, _, sku = _shop(client, database)
    orders = [held_order(client, channel, sku) for _ in range(3)]
    monkeypatch.setattr(exceptions, "PAGE_SIZE", 2)
    user = make_user(database, "viewer")
    with Console(app, user.email) as console:
        first = console.get(QUEUE, params={"channel": channel["code"]})
        assert _rows(first.text) == [orders[0]["id"], orders[1]["id"]]
        found = re.search(r'href="(/console/exceptions\?[^"]+)" rel="next"', first.text)
        assert found
        second = console.get(found.group(1).replace("&amp;", "&"))
        assert _rows(second.text) == [orders[2]["id"]] and 'rel="next"' not in second.text


def test_bulk_release_with_a_note_reports_each_order(app, client, database):
    channel, _, sku = _shop(client, database)
    first, second, stale, gone = (held_order(client, channel, sku) for _ in range(4))
    user = make_user(database, "customer_service", name="Cleo Service")
    with Console(app, user.email) as console:
        page = console.get(QUEUE, params={"channel": channel["code"]})
        assert set(_rows(page.text)) == {first["id"], second["id"], stale["id"], gone["id"]}
        # Meanwhile someone amends one order's holds and releases another.
        note = {"note": "checked with the supplier"}
        r = client.post(f"/api/v1/orders/{gone['id']}/holds/release", json=note)
        assert r.status_code == 200
        r = client.post(
            f"/api/v1/orders/{stale['id']}/holds", json={"type": "fraud", "reason": "look"}
        )
        assert r.status_code == 201
        r = console.post(
            f"{QUEUE}/bulk",
            {
                "action": "release",
                "note": "price matched the flyer",
                "order": [_selected(o) for o in (first, second, stale, gone)],
                "channel": channel["code"],
            },
        )
    assert r.status_code == 200, r.text
    outcomes = dict(re.findall(r'data-order="([^"]+)" data-outcome="([^"]+)"', r.text))
    assert outcomes == {
        first["id"]: "done",
        second["id"]: "done",
        stale["id"]: "version_mismatch",
        gone["id"]: "version_mismatch",
    }
    assert "2 of 4 done." in r.text
    assert _rows(r.text) == [stale["id"]]  # the refreshed queue
    for order in (first, second):
        view = client.get(f"/api/v1/orders/{order['id']}").json()
        assert view["status"] == "allocated" and view["holds"] == []
        events = client.get(f"/api/v1/orders/{order['id']}/events").json()["items"]
        released = next(e for e in events if e["type"] == "order.hold_released")
        assert released["actor"]["kind"] == "user" and released["actor"]["name"] == "Cleo Service"
        assert released["data"]["note"] == "price matched the flyer"
    assert client.get(f"/api/v1/orders/{stale['id']}").json()["status"] == "on_hold"


def test_an_already_released_order_is_listed_not_a_failure(app, client, database):
    channel, _, sku = _shop(client, database)
    order = held_order(client, channel, sku)
    user = make_user(database, "customer_service")
    with Console(app, user.email) as console:
        console.get(QUEUE)
        body = {"action": "release", "note": "fine", "order": [_selected(order)]}
        assert console.post(f"{QUEUE}/bulk", body).status_code == 200
        again = console.post(
            f"{QUEUE}/bulk", body | {"order": [f"{order['id']}@{order['version'] + 1}"]}
        )
    assert again.status_code == 200
    assert f'data-order="{order["id"]}" data-outcome="order_not_held"' in again.text
    assert "has no active hold" in again.text


def test_bulk_cancel_with_a_note(app, client, database):
    channel, _, sku = _shop(client, database)
    order = held_order(client, channel, sku)
    user = make_user(database, "customer_service", name="Cleo Service")
    with Console(app, user.email) as console:
        console.get(QUEUE)
        r = console.post(
            f"{QUEUE}/bulk",
            {"action": "cancel", "note": "customer withdrew", "order": [_selected(order)]},
        )
    assert r.status_code == 200
    assert f'data-order="{order["id"]}" data-outcome="done"' in r.text
    view = client.get(f"/api/v1/orders/{order['id']}").json()
    assert view["status"] == "cancelled"
    events = client.get(f"/api/v1/orders/{order['id']}/events").json()["items"]
    cancelled = next(e for e in events if e["type"] == "order.cancelled")
    assert cancelled["actor"]["name"] == "Cleo Service"
    assert cancelled["data"]["reason"] == "customer withdrew"


def test_a_release_without_a_note_changes_nothing(app, client, database):
    channel, _, sku = _shop(client, database)
    order = held_order(client, channel, sku)
    user = make_user(database, "customer_service")
    with Console(app, user.email) as console:
        console.get(QUEUE)
        r = console.post(
            f"{QUEUE}/bulk", {"action": "release", "note": " ", "order": [_selected(order)]}
        )
        assert r.status_code == 422 and 'id="e-note"' in r.text
        r = console.post(f"{QUEUE}/bulk", {"action": "release", "note": "x", "order": []})
        assert r.status_code == 422 and "Tick at least one order." in r.text
        r = console.post(
            f"{QUEUE}/bulk", {"action": "explode", "note": "x", "order": [_selected(order)]}
        )
        assert r.status_code == 422
    assert client.get(f"/api/v1/orders/{order['id']}").json()["status"] == "on_hold"


def test_a_viewer_and_a_store_associate_may_look_but_not_act(app, client, database):
    channel, location, sku = _shop(client, database)
    order = held_order(client, channel, sku)
    viewer = make_user(database, "viewer")
    with Console(app, viewer.email) as console:
        page = console.get(QUEUE, params={"channel": channel["code"]})
        assert _rows(page.text) == [order["id"]]
        assert 'name="order"' not in page.text and "Release holds" not in page.text
        r = console.post(
            f"{QUEUE}/bulk", {"action": "release", "note": "x", "order": [_selected(order)]}
        )
        assert r.status_code == 403 and "orders:write" in r.text
    associate = make_user(database, "store_associate", locations=[location["id"]])
    with Console(app, associate.email) as console:
        page = console.get(QUEUE, params={"channel": channel["code"]})
        assert page.status_code == 200 and _rows(page.text) == [order["id"]]  # at their location
        r = console.post(f"{QUEUE}/bulk", {"action": "cancel", "order": [_selected(order)]})
        assert r.status_code == 403
    other = make_location(client)
    elsewhere = make_user(database, "store_associate", locations=[other["id"]])
    with Console(app, elsewhere.email) as console:
        page = console.get(QUEUE, params={"channel": channel["code"]})
        assert _rows(page.text) == []  # another location's held order stays hidden
    assert client.get(f"/api/v1/orders/{order['id']}").json()["status"] == "on_hold"
