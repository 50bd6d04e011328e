"""The store workbench on a tablet in chromium: a click & collect order released, scanned
(a keyboard-wedge scanner types the code and Enter), made ready and handed over with the
customer's pickup code; and a Berlin associate refused a Munich fulfillment."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import TABLET, Desk
from tests.console.staff import make_user
from tests.console.test_workbench import fulfillment, pickup_code, place, store


def _wide(page: Page) -> tuple[int, int]:
    return page.evaluate("window.innerWidth"), page.evaluate(
        "document.scrollingElement.scrollWidth"
    )


def test_a_click_and_collect_order_is_handed_over_at_the_store_workbench(
    desk: Desk, live_url, client, database, tmp_path: Path
):
    berlin = store(client)
    order, fid, sku = place(client, database, berlin, qty=2)  # placed by the admin API
    user = make_user(database, "store_associate", locations=[berlin["code"]], name="Sam Store")

    def pick_and_shelve(page: Page) -> dict[str, object]:
        page.get_by_role("link", name="Workbench", exact=True).click()
        expect(page.get_by_role("heading", name="Workbench: Store Berlin Mitte")).to_be_visible()
        page.get_by_role("link", name=re.compile("To release")).click()
        expect(page.locator("#queue")).to_contain_text(order["external_id"])
        page.screenshot(path=str(tmp_path / "workbench-queue.png"), full_page=True)
        page.get_by_role("link", name=order["external_id"]).click()
        page.wait_for_url(f"**/workbench/fulfillments/{fid}")
        page.get_by_role("button", name="Release to the location").click()
        expect(page.locator("#status")).to_have_text("To accept")
        page.get_by_role("button", name="Accept: we will fulfil it").click()
        expect(page.locator("#status")).to_have_text("Accepted, to pick")

        scan = page.locator("input[data-scan]")
        expect(scan).to_be_focused()  # ready for the scanner
        page.keyboard.type("4000000000000")  # a code that is not on this order
        page.keyboard.press("Enter")
        expect(page.locator("#work")).to_contain_text("that code is not on this fulfillment")
        wrong = page.locator("#work [role=alert]").first.inner_text()
        for _ in range(2):  # the scanner again, straight into the refocused field
            expect(page.locator("input[data-scan]")).to_be_focused()
            page.keyboard.type(sku["barcode"])
            page.keyboard.press("Enter")
            expect(page.get_by_role("status")).to_have_text("Scanned.")
        line = page.locator("table.wb-lines tbody tr").first
        expect(line.locator(".wb-picked")).to_have_text("2")
        page.screenshot(path=str(tmp_path / "workbench-picking.png"), full_page=True)
        page.get_by_role("button", name="Confirm pick").click()
        expect(page.locator("#status")).to_have_text("Picked")
        page.get_by_role("button", name=re.compile("On the pickup shelf")).click()
        expect(page.locator("#status")).to_have_text("Ready for pickup")
        return {"wrong": wrong, "width": _wide(page)}

    seen = desk.act(
        live_url,
        user.email,
        pick_and_shelve,
        device=TABLET,
        screenshot=tmp_path / "workbench-ready.png",
    )
    assert "is no SKU or barcode of this fulfillment" in str(seen["wrong"])
    inner, scroll = seen["width"]  # type: ignore[misc]
    assert inner == 820 and scroll <= inner, seen["width"]
    assert fulfillment(client, fid)["status"] == "ready_for_pickup"
    code = pickup_code(client, order["id"])  # what the customer was sent
    wrong_code = "000000" if code != "000000" else "111111"

    def hand_over(page: Page) -> str:
        page.goto(f"/console/workbench?location={berlin['code']}&status=ready_for_pickup")
        page.get_by_role("link", name=order["external_id"]).click()
        field = page.get_by_label("Pickup code the customer tells you")
        field.fill(wrong_code)
        page.get_by_role("button", name="Hand over").click()
        expect(page.locator("#work")).to_contain_text("that code does not match")
        expect(page.locator("#status")).to_have_text("Ready for pickup")
        refused = page.locator("#e-pickup_code").inner_text()
        page.get_by_label("Pickup code the customer tells you").fill(code)
        page.get_by_role("button", name="Hand over").click()
        expect(page.locator("#status")).to_have_text("Collected")
        expect(page.get_by_role("status")).to_have_text("Handed over to the customer.")
        return refused

    refused = desk.act(
        live_url,
        user.email,
        hand_over,
        device=TABLET,
        screenshot=tmp_path / "workbench-handed-over.png",
    )
    assert "nothing was handed over" in refused
    assert fulfillment(client, fid)["status"] == "picked_up"
    events = client.get(f"/api/v1/orders/{order['id']}/events").json()["items"]
    (collected,) = [e for e in events if e["type"] == "fulfillment.picked_up"]
    assert collected["actor"] == {"kind": "user", "id": user.id, "name": "Sam Store"}


def test_a_berlin_associate_is_refused_a_munich_fulfillment(
    desk: Desk, live_url, client, database, tmp_path: Path
):
    berlin, munich = store(client), store(client, "Store München")
    order, fid, _ = place(client, database, munich)
    user = make_user(database, "store_associate", locations=[berlin["code"]])

    def try_munich(page: Page) -> dict[str, object]:
        page.goto("/console/workbench")
        offered = page.locator("#f-location option").all_inner_texts()
        response = page.goto(f"/console/workbench/fulfillments/{fid}")
        assert response is not None
        opened = {"status": response.status, "text": page.inner_text("main")}
        token = page.locator("input[name=csrf_token]").first.get_attribute("value") or ""
        forged = page.request.post(
            f"/console/workbench/fulfillments/{fid}/accept", form={"csrf_token": token}
        )
        queue = page.goto(f"/console/workbench?location={munich['code']}&status=created")
        assert queue is not None
        return {
            "offered": offered,
            "opened": opened,
            "forged": forged.status,
            "queue": (queue.status, page.inner_text("main")),
        }

    seen = desk.act(
        live_url, user.email, try_munich, device=TABLET, screenshot=tmp_path / "refused.png"
    )
    assert not any("München" in o for o in seen["offered"]), seen["offered"]  # type: ignore[union-attr]
    opened = seen["opened"]
    assert opened["status"] in (403, 404), opened  # type: ignore[index]
    assert order["external_id"] not in opened["text"]  # type: ignore[index]
    assert "a location you are not assigned to" in opened["text"]  # type: ignore[index]
    assert seen["forged"] in (403, 404)
    status, text = seen["queue"]  # type: ignore[misc]
    assert status == 403 and fid not in text
    assert fulfillment(client, fid)["status"] == "created"
