"""The exception queue in chromium: a hold released from the queue with a note."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from tests.browser.conftest import TABLET, Desk
from tests.console.dashboard_seed import held_order
from tests.console.staff import make_user
from tests.e2e.skeleton import make_channel, make_location, make_sku, stock


def test_a_hold_is_released_from_the_queue(desk: Desk, live_url, client, database, tmp_path: Path):
    channel, location = make_channel(client), make_location(client)
    sku = make_sku(client, channel, "20.00")
    stock(database, sku, location, 5)
    first, second = held_order(client, channel, sku), held_order(client, channel, sku)
    user = make_user(database, "customer_service", name="Rita Release")

    def release(page: Page) -> dict[str, object]:
        page.goto(f"/console/exceptions?channel={channel['code']}")
        rows = page.locator("table.queue tbody tr").count()
        page.on("dialog", lambda dialog: dialog.accept())
        page.get_by_label("Select every order on this page").check()
        ticked = page.locator('input[name="order"]:checked').count()
        page.get_by_label(f"Select order {second['external_id']}").uncheck()
        page.get_by_label("Note (shown on each order's timeline; needed to release)").fill(
            "price confirmed by the buyer"
        )
        page.get_by_role("button", name="Release holds").click()
        page.wait_for_selector(".bulk-results")
        return {
            "rows": rows,
            "ticked": ticked,
            "result": page.locator(".bulk-results").inner_text(),
            "left": page.locator("table.queue tbody tr").count(),
        }

    seen = desk.act(live_url, user.email, release, device=TABLET, screenshot=tmp_path / "q.png")
    assert (seen["rows"], seen["ticked"]) == (2, 2)
    assert "1 of 1 done." in str(seen["result"]) and first["id"] in str(seen["result"])
    assert seen["left"] == 1
    assert client.get(f"/api/v1/orders/{first['id']}").json()["status"] == "allocated"
    assert client.get(f"/api/v1/orders/{second['id']}").json()["status"] == "on_hold"
    events = client.get(f"/api/v1/orders/{first['id']}/events").json()["items"]
    released = next(e for e in events if e["type"] == "order.hold_released")
    assert released["actor"]["name"] == "Rita Release"
    assert released["data"]["note"] == "price confirmed by the buyer"
