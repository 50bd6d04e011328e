"""The customer asks for a return on the tracking page, in chromium on a phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from playwright.sync_api import Page

from switchyard.db.uow import Database
from tests.browser.conftest import PHONE, Desk
from tests.e2e.returns_setup import delivered_order


def test_a_customer_returns_one_sweater_from_the_phone(
    client: TestClient, database: Database, live_url: str, desk: Desk, tmp_path: Path
) -> None:
    s = delivered_order(client, database, quantity=2)
    token, line = s["order"]["tracking_token"], s["line_id"]

    def steps(page: Page) -> dict[str, Any]:
        page.goto(f"/track/{token}")
        page.get_by_label("Quantity to return (up to 2)").fill("1")
        page.get_by_label("Reason").select_option("too_large")
        page.get_by_role("button", name="Request a return").click()
        page.wait_for_url(f"**/track/{token}?done=return*")
        return {
            "notice": page.locator(".notice").inner_text(),
            "status": page.locator(".return-status").all_inner_texts(),
            "label": page.get_by_role("link", name="Print your return label").get_attribute("href"),
            "left": page.get_by_label("Quantity to return (up to 1)").count(),
            "width": page.evaluate("document.scrollingElement.scrollWidth"),
        }

    seen = desk.act(
        live_url, "", steps, sign_in=False, device=PHONE, screenshot=tmp_path / "return.png"
    )
    assert seen["notice"] == "Thank you: your return is registered."
    assert seen["status"] == ["Approved: please send it back"]
    (ret,) = client.get(f"/api/v1/returns?order_id={s['order']['id']}").json()["items"]
    assert seen["label"] == f"/track/{token}/returns/{ret['id']}/label.pdf"
    assert ret["lines"][0]["reason"] == "too_large" and ret["lines"][0]["quantity"] == 1
    assert ret["lines"][0]["order_line_id"] == line
    assert seen["left"] == 1  # one sweater may still come back
    assert seen["width"] <= PHONE["viewport"]["width"]
