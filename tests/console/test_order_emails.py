"""The order page's "Customer emails": the order's messages as GET
/orders/{id}/notifications lists them, a Resend that runs POST /notifications/{id}/resend's
use case once per click (form token), and the customer's opt-out of non-essential emails
in the customer box; with the API's permissions (SQLite and PostgreSQL)."""

from __future__ import annotations

import html
import re
from typing import Any

from tests.console.staff import Console, make_user
from tests.e2e.skeleton import make_channel, make_location, make_sku, order_body, stock
from tests.e2e.test_notifications import notes, place, timeline
from tests.smtp import SmtpServer, mail_worker, smtp_server

__all__ = ["smtp_server"]


def _order_with_sent_confirmation(
    client: Any, database: Any, smtp: SmtpServer
) -> tuple[dict[str, Any], dict[str, Any]]:
    channel = make_channel(client, settings={"notifications": {"locale": "en"}})
    warehouse = make_location(client)
    sku = make_sku(client, channel, "15.00")
    stock(database, sku, warehouse, 5)
    order = place(client, order_body(channel, [(sku, 1)]))
    mail_worker(database, smtp.port, [channel["id"]]).drain()
    return order, warehouse


def _emails_table(page: str) -> list[list[str]]:
    table = page.split('id="emails"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S)
    return [
        [
            " ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split())
            for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in rows
    ]


def _token(page: str, notification_id: str) -> str:
    form = page.split(f"/emails/{notification_id}/resend", 1)[1].split("</form>", 1)[0]
    found = re.search(r'name="form_token" value="([^"]+)"', form)
    assert found
    return found.group(1)


def test_the_page_lists_the_emails_and_resend_queues_one_per_click(
    app, client, database, smtp_server
):
    order, _ = _order_with_sent_confirmation(client, database, smtp_server)
    (confirmation,) = notes(client, order["id"])
    assert confirmation["status"] == "sent"
    agent = make_user(database, "customer_service", name="Cora Service")
    url = f"/console/orders/{order['id']}"
    with Console(app, agent.email) as desk:
        page = desk.get(url).text
        assert "Customer emails" in page
        ((trigger, to, status, attempts, reply, sent, _),) = _emails_table(page)
        assert trigger.startswith("Confirmation") and to == order["email"]
        assert (status, attempts) == ("Sent", "1")
        assert reply.startswith("250")
        assert sent != "—"
        body = {"form_token": _token(page, confirmation["id"])}
        first = desk.post(f"{url}/emails/{confirmation['id']}/resend", body)
        again = desk.post(f"{url}/emails/{confirmation['id']}/resend", body)  # double click
        assert first.status_code == again.status_code == 303, again.text[:1000]
        after = desk.get(first.headers["location"]).text
        assert "queued again for" in after
        assert len(_emails_table(after)) == 2
        timeline_text = html.unescape(after.split('id="h-timeline"', 1)[1])
        assert f"The confirmation email was sent to {order['email']}" in timeline_text
        assert "The confirmation email was queued again" in timeline_text
        assert "Cora Service" in timeline_text
    found = notes(client, order["id"])
    assert [n["resent_from"] for n in found] == [None, confirmation["id"]]
    (resent,) = [e for e in timeline(client, order["id"]) if e["type"] == "notification.resent"]
    assert resent["actor"]["id"] == agent.id


def test_a_store_associate_sees_no_emails_and_cannot_resend(app, client, database, smtp_server):
    order, warehouse = _order_with_sent_confirmation(client, database, smtp_server)
    (confirmation,) = notes(client, order["id"])
    associate = make_user(database, "store_associate", locations=[warehouse["code"]])
    url = f"/console/orders/{order['id']}"
    with Console(app, associate.email) as desk:
        page = desk.get(url)
        assert page.status_code == 200, page.text[:1000]
        assert "Customer emails" not in page.text and "/resend" not in page.text
        forged = desk.post(f"{url}/emails/{confirmation['id']}/resend", {"form_token": "x"})
        assert forged.status_code == 403
        opt = desk.post(f"{url}/customer/emails", {"email_opt_out": "true"})
        assert opt.status_code == 403  # customers:write
    assert len(notes(client, order["id"])) == 1


def test_resending_another_orders_email_is_a_404_and_queues_nothing(
    app, client, database, smtp_server
):
    order, _ = _order_with_sent_confirmation(client, database, smtp_server)
    other, _ = _order_with_sent_confirmation(client, database, smtp_server)
    (theirs,) = notes(client, other["id"])
    agent = make_user(database, "customer_service")
    with Console(app, agent.email) as desk:
        r = desk.post(f"/console/orders/{order['id']}/emails/{theirs['id']}/resend", {})
        assert r.status_code == 404, r.text[:500]
        r = desk.post(f"/console/orders/{order['id']}/emails/ntf_nothing/resend", {})
        assert r.status_code == 404
    assert len(notes(client, other["id"])) == 1 and len(notes(client, order["id"])) == 1


def test_the_customer_box_opts_the_customer_out_of_non_essential_emails(app, client, database):
    channel = make_channel(client)
    warehouse = make_location(client)
    sku = make_sku(client, channel, "15.00")
    stock(database, sku, warehouse, 5)
    order = place(client, order_body(channel, [(sku, 1)]))
    agent = make_user(database, "customer_service")
    url = f"/console/orders/{order['id']}"
    with Console(app, agent.email) as desk:
        page = desk.get(url).text
        assert "Every email" in page and "Opt out of non-essential emails" in page
        version = re.search(r'name="customer_version" value="(\d+)"', page)
        assert version
        r = desk.post(
            f"{url}/customer/emails", {"email_opt_out": "true", "customer_version": version[1]}
        )
        assert r.status_code == 303, r.text[:1000]
        page = desk.get(r.headers["location"]).text
        assert "Transactional only" in page and "Send every email again" in page
        stale = desk.post(
            f"{url}/customer/emails", {"email_opt_out": "false", "customer_version": version[1]}
        )
        assert stale.status_code == 412, stale.text[:500]
        bad = desk.post(f"{url}/customer/emails", {"email_opt_out": "perhaps"})
        assert bad.status_code == 422 and "Not saved" in bad.text
    r = client.get(f"/api/v1/customers/{order['customer_id']}")
    assert r.json()["email_opt_out"] is True and r.json()["version"] == 2
