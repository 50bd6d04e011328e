"""In chromium: the "Receive stock" form sent twice at once books one receipt (its token),
and the order page's "Customer emails" resends a message with one click (tablet)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from tests.browser.conftest import TABLET, Desk
from tests.console.staff import make_user
from tests.e2e.skeleton import make_channel, make_location, make_sku, order_body, stock
from tests.e2e.test_notifications import notes, place
from tests.smtp import SmtpServer, mail_worker, smtp_server

__all__ = ["smtp_server"]

SEND_TWICE = """async (selector) => {
  const form = document.querySelector(selector);
  const send = () => fetch(form.action, {
    method: "POST", body: new URLSearchParams(new FormData(form)), redirect: "manual"});
  await Promise.all([send(), send()]);
}"""


def test_a_double_click_on_receive_books_one_receipt(
    desk: Desk, live_url, client, database, tmp_path: Path
):
    channel = make_channel(client)
    here = make_location(client, name="Erfurt warehouse")
    sku = make_sku(client, channel)
    stock(database, sku, here, 10)
    user = make_user(database, "merchandiser")

    posts: list[str] = []

    def receive_twice(page: Page) -> str:
        page.on(
            "request",
            lambda r: posts.append(r.url) if r.method == "POST" and "/receive" in r.url else None,
        )
        page.goto(f"/console/inventory/skus/{sku['sku']}")
        form = page.locator("form#receive")
        form.get_by_label("Units received").fill("6")
        # the form as drawn, sent twice at once (a double click that both reach the server)
        page.evaluate(SEND_TWICE, "form#receive")
        page.reload()
        return page.locator('[data-figure="on_hand"]').inner_text()

    on_hand = desk.act(live_url, user.email, receive_twice, screenshot=tmp_path / "receive.png")
    r = client.get("/api/v1/inventory/movements", params={"sku": sku["sku"], "limit": 50})
    receipts = [m for m in r.json()["items"] if m["kind"] == "receipt" and m["quantity"] == 6]
    assert len(posts) == 2, posts  # the browser did send the form twice
    assert len(receipts) == 1 and on_hand == "16"


def test_resending_a_customer_email_from_the_order_page(
    desk: Desk, live_url, client, database, smtp_server: SmtpServer, tmp_path: Path
):
    channel = make_channel(client, settings={"notifications": {"locale": "en"}})
    warehouse = make_location(client)
    sku = make_sku(client, channel, "15.00")
    stock(database, sku, warehouse, 5)
    order = place(client, order_body(channel, [(sku, 1)]))
    mail_worker(database, smtp_server.port, [channel["id"]]).drain()
    agent = make_user(database, "customer_service")

    def resend(page: Page) -> dict[str, object]:
        page.goto(f"/console/orders/{order['id']}")
        section = page.locator("section[aria-labelledby=h-emails]")
        before = section.locator("tbody tr").count()
        page.once("dialog", lambda dialog: dialog.accept())
        section.get_by_role("button", name="Resend").click()
        page.wait_for_selector(".flash")
        return {
            "before": before,
            "after": page.locator("#emails tbody tr").count(),
            "flash": page.locator(".flash").inner_text(),
            "wide": page.evaluate("document.scrollingElement.scrollWidth > window.innerWidth + 1"),
        }

    seen = desk.act(
        live_url, agent.email, resend, device=TABLET, screenshot=tmp_path / "emails.png"
    )
    assert seen["before"] == 1 and seen["after"] == 2
    assert "queued again" in str(seen["flash"])
    assert [n["resent_from"] is not None for n in notes(client, order["id"])] == [False, True]
    assert not seen["wide"], "the page scrolls sideways on a tablet"
