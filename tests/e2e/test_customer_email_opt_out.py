"""A customer who opts out of non-essential emails still gets every transactional one:
``changed`` and ``delivered`` are skipped with ``opted_out`` on the timeline, the
confirmation and the shipping notice are sent (SQLite and PostgreSQL, real SMTP)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from switchyard.db.uow import Database
from tests.e2e.skeleton import make_channel, make_location, make_sku, order_body, stock
from tests.e2e.test_fulfillment_flow import make_carrier
from tests.e2e.test_notifications import notes, place, ship, timeline
from tests.helpers import ref
from tests.smtp import SmtpServer, mail_worker, smtp_server

__all__ = ["smtp_server"]


def test_an_opted_out_customer_gets_only_transactional_mail(
    client: TestClient, database: Database, smtp_server: SmtpServer
) -> None:
    channel = make_channel(client, settings={"notifications": {"locale": "en"}})
    warehouse = make_location(client)
    carrier = make_carrier(client)
    sku = make_sku(client, channel, "20.00")
    stock(database, sku, warehouse, 5)
    email = f"{ref('otto')}@example.com"
    order = place(client, order_body(channel, [(sku, 1)], customer={"email": email}))
    customer_id = order["customer_id"]

    r = client.get(f"/api/v1/customers/{customer_id}")
    assert r.status_code == 200 and r.json()["email_opt_out"] is False
    r = client.patch(f"/api/v1/customers/{customer_id}", json={"email_opt_out": True})
    assert r.status_code == 200, r.text
    assert r.json()["email_opt_out"] is True and r.json()["version"] == 2

    r = client.patch(f"/api/v1/orders/{order['id']}", json={"phone": "+49 30 7654321"})
    assert r.status_code == 200, r.text
    (ful,) = client.get(f"/api/v1/orders/{order['id']}").json()["fulfillments"]
    ship(client, ful["id"], carrier, "PX30000000001")
    assert client.post(f"/api/v1/fulfillments/{ful['id']}/deliver").status_code == 200

    mail_worker(database, smtp_server.port, [channel["id"]]).drain()
    subjects = sorted(m["Subject"] for m in smtp_server.inbox.to(email))
    ext = order["external_id"]
    assert subjects == [f"Your order {ext} has shipped", f"Your order {ext} is confirmed"]
    statuses = sorted((n["trigger"], n["status"]) for n in notes(client, order["id"]))
    assert statuses == [
        ("changed", "skipped"),
        ("confirmation", "sent"),
        ("delivered", "skipped"),
        ("shipped", "sent"),
    ]
    skipped = [
        e["data"] for e in timeline(client, order["id"]) if e["type"] == "notification.skipped"
    ]
    assert sorted(s["trigger"] for s in skipped) == ["changed", "delivered"]
    assert {s["reason"] for s in skipped} == {"opted_out"}


def test_the_opt_out_is_set_at_creation_and_refuses_null(client: TestClient) -> None:
    email = f"{ref('pia')}@example.com"
    r = client.post("/api/v1/customers", json={"email": email, "email_opt_out": True})
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["email_opt_out"] is True
    r = client.patch(f"/api/v1/customers/{created['id']}", json={"email_opt_out": None})
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"].endswith("email_opt_out")
    r = client.patch(f"/api/v1/customers/{created['id']}", json={"email_opt_out": "maybe"})
    assert r.status_code == 422, r.text
    r = client.patch(f"/api/v1/customers/{created['id']}", json={"email_opt_out": False})
    assert r.status_code == 200 and r.json()["email_opt_out"] is False
