"""Signing in, out and being locked out of the console in a real browser (chromium)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from switchyard.staff.domain import MAX_FAILED_SIGN_INS
from tests.browser.conftest import Desk
from tests.console.staff import make_user


def test_sign_in_out_and_lockout_in_a_browser(desk: Desk, live_url, database, tmp_path: Path):
    user = make_user(database, "customer_service", name="Carla Service")

    def signed_in_then_out(page: Page) -> tuple[str, str, str]:
        header = page.locator("header.top").inner_text()
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/console/login")
        page.goto("/console")
        return header, page.url, page.title()

    header, url, title = desk.act(live_url, user.email, signed_in_then_out)
    assert "Carla Service" in header and "Customer service" in header
    assert "Orders" in header and "Settings" not in header  # not an admin
    assert url.endswith("/console/login?next=%2Fconsole") and title.startswith("Sign in")

    def wrong_passwords(page: Page) -> list[str]:
        messages = []
        for _ in range(MAX_FAILED_SIGN_INS + 1):
            page.goto("/console/login")
            page.get_by_label("Email").fill(user.email)
            page.get_by_label("Password").fill("not my password")
            page.get_by_role("button", name="Sign in").click()
            messages.append(page.get_by_role("alert").inner_text())
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill("correct horse battery")
        page.get_by_role("button", name="Sign in").click()
        messages.append(page.get_by_role("alert").inner_text())
        return messages

    messages = desk.act(
        live_url, user.email, wrong_passwords, sign_in=False, screenshot=tmp_path / "locked.png"
    )
    assert messages[0] == "The email or the password is wrong."
    assert all("locked" in m for m in messages[MAX_FAILED_SIGN_INS - 1 :]), messages
