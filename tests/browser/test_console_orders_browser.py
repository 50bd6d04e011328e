"""The order search and order page in chromium: find an order (htmx updates the table and
the URL), open it, place a hold and release it with a note; the timeline names the user.
On a tablet's viewport, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from tests.browser.conftest import TABLET, Desk
from tests.console.staff import make_user
from tests.e2e.skeleton import make_channel, make_location, make_sku, order_body, stock


def test_find_an_order_hold_it_and_release_it_with_a_note(
    desk: Desk, live_url: str, client, database, tmp_path: Path
):
    channel, warehouse = make_channel(client, name="Web shop"), make_location(client)
    sku = make_sku(client, channel, "49.00")
    stock(database, sku, warehouse, 10)
    orders = []
    for _ in range(3):
        r = client.post("/api/v1/orders", json=order_body(channel, [(sku, 1)]))
        assert r.status_code == 201, r.text
        orders.append(r.json())
    wanted = orders[1]
    user = make_user(database, "customer_service", name="Carla Service")

    def steps(page: Page) -> dict[str, Any]:
        page.goto(f"/console/orders?channel={channel['code']}")
        rows_before = page.locator("#results tbody tr").count()
        page.get_by_label("Find", exact=True).fill(wanted["external_id"])
        page.get_by_label("Find", exact=True).press("Enter")
        page.wait_for_url(f"**find={wanted['external_id']}**")
        page.wait_for_function("document.querySelectorAll('#results tbody tr').length === 1")
        searched_url = page.url
        page.get_by_role("link", name=wanted["external_id"]).click()
        page.wait_for_url(f"**/console/orders/{wanted['id']}")
        page.locator("summary", has_text="Place a hold").click()
        page.get_by_label("Hold type").select_option("fraud")
        page.get_by_label("Hold reason").fill("Card used from two countries")
        page.get_by_role("button", name="Place hold").click()
        page.wait_for_selector("text=Hold placed.")
        held_badge = page.locator("h1").inner_text()
        page.get_by_label("Release note").fill("Customer confirmed by phone")
        page.get_by_role("button", name="Release hold").click()
        page.wait_for_selector("text=Hold released.")
        return {
            "rows_before": rows_before,
            "searched_url": searched_url,
            "held": held_badge,
            "heading": page.locator("h1").inner_text(),
            "timeline": page.locator("ol.timeline").inner_text(),
            "inner_width": page.evaluate("window.innerWidth"),
            "scroll_width": page.evaluate("document.scrollingElement.scrollWidth"),
        }

    seen = desk.act(live_url, user.email, steps, device=TABLET, screenshot=tmp_path / "order.png")
    assert seen["rows_before"] == 3
    assert f"channel={channel['code']}" in seen["searched_url"]  # the filters stay
    assert "On hold" in seen["held"] and "Held since" in seen["held"]
    assert "On hold" not in seen["heading"] and "Allocated" in seen["heading"]
    timeline = seen["timeline"]
    assert "Put on hold — Fraud: Card used from two countries" in timeline
    assert (
        "Hold released — Fraud: Card used from two countries. Note: Customer confirmed by phone"
        in timeline
    )
    assert timeline.count("Carla Service") >= 2
    assert seen["scroll_width"] <= seen["inner_width"], "the page scrolls sideways on a tablet"
    r = client.get(f"/api/v1/orders/{wanted['id']}")
    assert r.json()["status"] == "allocated" and r.json()["held_since"] is None
