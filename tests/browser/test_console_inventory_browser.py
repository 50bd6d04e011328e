"""An inventory adjustment made in a real browser (chromium, tablet sized): found by its
code, booked in the SKU's form, visible in the figures and the movement history."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from tests.browser.conftest import TABLET, Desk
from tests.console.staff import make_user
from tests.e2e.skeleton import make_channel, make_location, make_sku, stock


def test_an_inventory_adjustment_in_the_browser(
    desk: Desk, live_url, client, database, tmp_path: Path
):
    channel = make_channel(client)
    here = make_location(client, name="Erfurt warehouse")
    elsewhere = make_location(client, name="Munich warehouse")
    sku = make_sku(client, channel)
    stock(database, sku, here, 10)
    stock(database, sku, elsewhere, 5)
    user = make_user(database, "warehouse", locations=[here["code"]], name="Wanda Warehouse")

    def adjust(page: Page) -> dict[str, object]:
        page.goto("/console/inventory")
        page.get_by_label("SKU code or name").fill(sku["sku"])
        page.get_by_role("button", name="Show").click()
        page.get_by_role("link", name=sku["sku"]).click()
        page.wait_for_url(f"**/console/inventory/skus/{sku['sku']}")
        before = page.locator('[data-figure="on_hand"]').inner_text()
        form = page.locator("form#adjust")
        offered = form.get_by_label("Location").locator("option").all_inner_texts()
        form.get_by_label("Change in units").fill("-4")
        form.get_by_label("Reason").fill("damaged")
        page.once("dialog", lambda dialog: dialog.accept())  # the confirmation
        form.get_by_role("button", name="Adjust stock").click()
        page.wait_for_selector(".flash")
        return {
            "before": before,
            "offered": offered,
            "flash": page.locator(".flash").inner_text(),
            "on_hand": page.locator('[data-figure="on_hand"]').inner_text(),
            "row": page.locator(f'#per-location tr[data-location="{here["code"]}"]').inner_text(),
            "newest": page.locator("#movements tbody tr").first.inner_text(),
            "wide": page.evaluate("document.scrollingElement.scrollWidth > window.innerWidth + 1"),
        }

    seen = desk.act(
        live_url, user.email, adjust, device=TABLET, screenshot=tmp_path / "inventory.png"
    )
    assert seen["before"] == "15"
    assert seen["offered"] == [f"{here['code']} · Erfurt warehouse"]  # only where she works
    assert seen["flash"] == f"Stock at {here['code']} adjusted by -4."
    assert seen["on_hand"] == "11"
    assert seen["row"].split()[:5] == [here["code"], "·", "Erfurt", "warehouse", "6"]
    newest = str(seen["newest"])
    assert "Adjustment" in newest and "-4" in newest and "damaged" in newest
    assert "Wanda Warehouse" in newest
    assert not seen["wide"], "the page scrolls sideways on a tablet"


def test_a_location_list_filtered_by_stock_health_keeps_the_filters_in_the_url(
    desk: Desk, live_url, client, database, tmp_path: Path
):
    channel = make_channel(client)
    here = make_location(client, name="Berlin store", type="store")
    fine, short = make_sku(client, channel), make_sku(client, channel)
    stock(database, fine, here, 8)
    stock(database, short, here, 2)
    r = client.patch(
        f"/api/v1/inventory/levels/{short['sku']}/{here['code']}", json={"safety_stock": 5}
    )
    assert r.status_code == 200, r.text
    user = make_user(database, "viewer")

    def filter_list(page: Page) -> dict[str, object]:
        page.goto("/console/inventory")
        page.get_by_label("Location").select_option(here["code"])
        page.get_by_role("link", name=fine["sku"]).wait_for()
        page.get_by_label("Below safety stock").check()
        page.get_by_role("link", name=fine["sku"]).wait_for(state="detached")
        return {
            "url": page.url,
            "rows": page.locator("#results tbody tr").all_inner_texts(),
        }

    seen = desk.act(
        live_url, user.email, filter_list, device=TABLET, screenshot=tmp_path / "list.png"
    )
    assert f"location={here['code']}" in str(seen["url"]) and "below_safety=1" in str(seen["url"])
    rows = seen["rows"]
    assert isinstance(rows, list) and len(rows) == 1 and short["sku"] in rows[0]
