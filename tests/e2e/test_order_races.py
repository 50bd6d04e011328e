"""Writes on one order racing each other through a real server: the same If-Match from
several clients, a cancel against a shipment, a cancel against a 3PL status update. One
wins, the others are refused, and stock, lines and fulfillments agree with the winner;
both databases (PostgreSQL: really at once)."""

from __future__ import annotations

import concurrent.futures as cf
import threading
from collections.abc import Callable
from typing import Any

import httpx

from switchyard.inventory.verify import verify
from switchyard.kernel.events import Actor
from tests.e2e.skeleton import available, make_channel, make_location, make_sku, order_body, stock

CLIENTS = 8


def _at_once(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], httpx.Response]) -> httpx.Response:
        start.wait(timeout=30)
        return call()

    with cf.ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def _shop(client: Any, database: Any, units: int) -> tuple[dict, dict, dict]:
    channel, loc = make_channel(client), make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, loc, units)
    return channel, loc, sku


def _clean(database: Any, sku: dict) -> None:
    assert database.run(Actor.system("tests"), lambda uow: verify(uow, [sku["id"]])) == []


def test_the_same_if_match_cancels_once(client, database, live_url, admin_key):
    channel, loc, sku = _shop(client, database, 5)
    order = client.post("/api/v1/orders", json=order_body(channel, [(sku, 2)])).json()
    assert available(database, sku, loc) == 3
    headers = {"Authorization": f"Bearer {admin_key}", "If-Match": f'"{order["version"]}"'}
    url = f"{live_url}/api/v1/orders/{order['id']}/cancel"
    with httpx.Client(timeout=60) as http:
        answers = _at_once([lambda: http.post(url, headers=headers)] * CLIENTS)
    codes = sorted(r.status_code for r in answers)
    assert codes == [200] + [412] * (CLIENTS - 1), [r.text for r in answers]
    assert {r.json()["code"] for r in answers if r.status_code == 412} == {"version_mismatch"}
    assert available(database, sku, loc) == 5
    events = client.get(f"/api/v1/orders/{order['id']}/events").json()["items"]
    assert [e["type"] for e in events].count("order.cancelled") == 1
    _clean(database, sku)


def test_the_same_if_match_amends_once(client, database, live_url, admin_key):
    channel, loc, sku = _shop(client, database, 20)
    order = client.post("/api/v1/orders", json=order_body(channel, [(sku, 2)])).json()
    line = order["lines"][0]["id"]
    headers = {"Authorization": f"Bearer {admin_key}", "If-Match": f'"{order["version"]}"'}
    url = f"{live_url}/api/v1/orders/{order['id']}/lines/{line}"
    # 3..7: each a change (the current 2 would be a no-op, rightly 200 when it goes first)
    wanted = [3 + n % 5 for n in range(CLIENTS)]
    with httpx.Client(timeout=60) as http:
        answers = _at_once(
            [lambda q=q: http.patch(url, json={"quantity": q}, headers=headers) for q in wanted]
        )
    won = [(q, r) for q, r in zip(wanted, answers, strict=True) if r.status_code == 200]
    assert len(won) == 1, [r.text for r in answers]
    assert sorted(r.status_code for r in answers)[1:] == [412] * (CLIENTS - 1)
    quantity, answer = won[0]
    final = client.get(f"/api/v1/orders/{order['id']}").json()
    assert final["version"] == answer.json()["version"] == order["version"] + 1
    assert final["lines"][0]["quantity"] - final["lines"][0]["quantities"]["cancelled"] == quantity
    assert available(database, sku, loc) == 20 - quantity
    _clean(database, sku)


def _packed_order(client: Any, database: Any) -> tuple[dict, dict, dict, str]:
    channel, loc, sku = _shop(client, database, 3)
    order = client.post("/api/v1/orders", json=order_body(channel, [(sku, 1)])).json()
    fid = order["fulfillments"][0]["id"]
    for step in ("pick", "pack"):
        assert client.post(f"/api/v1/fulfillments/{fid}/{step}").status_code == 200
    return order, loc, sku, fid


def _race_cancel_against(
    client: Any, database: Any, live_url: str, admin_key: str, rounds: int, path: str, body: Any
) -> dict[str, int]:
    """``rounds`` packed orders, each cancelled while ``path`` (a fulfillment step) runs.
    Checks each outcome is whole; how often each side won."""
    headers = {"Authorization": f"Bearer {admin_key}"}
    wins = {"cancel": 0, "fulfillment": 0}
    with httpx.Client(base_url=live_url, headers=headers, timeout=60) as http:
        for _ in range(rounds):
            order, loc, sku, fid = _packed_order(client, database)
            cancel, step = _at_once(
                [
                    lambda o=order: http.post(f"/api/v1/orders/{o['id']}/cancel"),
                    lambda f=fid: http.post(f"/api/v1/fulfillments/{f}/{path}", json=body),
                ]
            )
            assert cancel.status_code in (200, 409) and step.status_code in (200, 409), (
                cancel.text,
                step.text,
            )
            final = client.get(f"/api/v1/orders/{order['id']}").json()
            (f,) = final["fulfillments"]
            quantities = final["lines"][0]["quantities"]
            levels = client.get(f"/api/v1/inventory/levels/{sku['sku']}/{loc['code']}").json()
            if f["status"] == "cancelled":  # the cancel won: nothing left, the unit is back
                assert step.status_code == 409, step.text
                assert (quantities["cancelled"], quantities["shipped"]) == (1, 0)
                assert (levels["on_hand"], levels["reserved"]) == (3, 0)
                wins["cancel"] += 1
            else:  # the step won: the unit is on its way, not cancelled
                assert step.status_code == 200, step.text
                assert (quantities["cancelled"], quantities["shipped"]) == (0, 1)
                assert (levels["on_hand"], levels["reserved"]) == (2, 0)
                wins["fulfillment"] += 1
            _clean(database, sku)
    return wins


def test_a_cancel_racing_a_shipment_is_one_or_the_other(client, database, live_url, admin_key):
    body = {"carrier": "DHL", "tracking_number": "00340434161094042557"}
    wins = _race_cancel_against(client, database, live_url, admin_key, 6, "ship", body)
    assert sum(wins.values()) == 6


def test_a_cancel_racing_a_3pl_shipped_update_is_one_or_the_other(
    client, database, live_url, admin_key
):
    body = {"status": "shipped", "carrier": "DHL", "tracking_number": "00340434161094042558"}
    wins = _race_cancel_against(client, database, live_url, admin_key, 6, "status-updates", body)
    assert sum(wins.values()) == 6
