"""Signing in, out and being locked out of the console in a real browser (chromium)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


def _serve(html: str) -> tuple[ThreadingHTTPServer, str]:
    """Another site's page (another port of this host), as an attacker would host it."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def test_a_form_posted_from_another_page_is_refused(desk: Desk, live_url, database):
    """A signed-in agent opens a page that posts to the console (a hold on an order would
    be one click away): the console refuses it for want of the session's CSRF token, and
    nothing happens; the agent stays signed in."""
    user = make_user(database, "customer_service")
    forged = (
        f'<form method="post" action="{live_url}/console/logout">'
        '<button type="submit">Win a prize</button></form>'
    )
    server, attacker = _serve(forged)
    try:

        def visit(page: Page) -> tuple[int, str, str]:
            page.goto(attacker)
            with page.expect_navigation() as nav:
                page.get_by_role("button", name="Win a prize").click()
            response = nav.value
            text = page.inner_text("main")
            page.goto("/console")
            return (response.status if response else 0), text, page.url

        status, text, after = desk.act(live_url, user.email, visit)
    finally:
        server.shutdown()
    assert status == 403 and "Form expired" in text
    assert after.endswith("/console")  # still signed in: the forged sign-out did nothing
