"""Customer notifications end to end, on SQLite and PostgreSQL, against a real SMTP server
on loopback: every step of an order sends its email once, with the right recipient,
subject, both parts and the tracking link; split orders one per parcel; nothing twice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from switchyard.cli.main import app
from switchyard.db.uow import Database
from switchyard.notifications import catch_all
from tests.e2e.skeleton import make_channel, make_location, make_sku, order_body, stock
from tests.e2e.test_fulfillment_flow import BERLIN_STORE, make_carrier, split_order
from tests.helpers import assert_problem, ref
from tests.smtp import SmtpServer, free_port, mail_worker, parts, smtp_server

__all__ = ["smtp_server"]


def place(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    r = client.post("/api/v1/orders", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def ship(client: TestClient, fid: str, carrier: dict[str, Any], number: str) -> None:
    base = f"/api/v1/fulfillments/{fid}"
    for step in ("pick", "pack"):
        r = client.post(f"{base}/{step}")
        assert r.status_code == 200, r.text
    r = client.post(f"{base}/ship", json={"carrier": carrier["code"], "tracking_number": number})
    assert r.status_code == 200, r.text


def timeline(client: TestClient, order_id: str) -> list[dict[str, Any]]:
    r = client.get(f"/api/v1/orders/{order_id}/events", params={"limit": 500})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def notes(client: TestClient, order_id: str) -> list[dict[str, Any]]:
    r = client.get(f"/api/v1/orders/{order_id}/notifications")
    assert r.status_code == 200, r.text
    return r.json()["data"]


def test_every_step_of_an_order_sends_one_email(
    client: TestClient, database: Database, smtp_server: SmtpServer
) -> None:
    channel = make_channel(
        client, backorder_policy="backorder", settings={"notifications": {"locale": "en"}}
    )
    warehouse = make_location(client)
    store = make_location(client, **BERLIN_STORE)
    carrier = make_carrier(client)
    sku = make_sku(client, channel, "89.00")
    stock(database, sku, warehouse, 10)
    stock(database, sku, store, 10)
    email = f"{ref('anna')}@example.com"

    # placed -> amended -> shipped -> delivered
    order = place(
        client, order_body(channel, [(sku, 1)], customer={"email": email, "name": "Anna"})
    )
    r = client.patch(f"/api/v1/orders/{order['id']}", json={"phone": "+49 30 1234567"})
    assert r.status_code == 200, r.text
    (ful,) = client.get(f"/api/v1/orders/{order['id']}").json()["fulfillments"]
    ship(client, ful["id"], carrier, "PX00000000001")
    r = client.post(f"/api/v1/fulfillments/{ful['id']}/deliver")
    assert r.status_code == 200, r.text

    # a second order, cancelled
    other = f"{ref('ben')}@example.com"
    cancelled = place(client, order_body(channel, [(sku, 1)], customer={"email": other}))
    r = client.post(f"/api/v1/orders/{cancelled['id']}/cancel", json={"reason": "changed mind"})
    assert r.status_code == 200, r.text

    # a backorder: more than there is
    rare = make_sku(client, channel, "12.00")
    stock(database, rare, warehouse, 1)
    waiting = f"{ref('cleo')}@example.com"
    late = place(client, order_body(channel, [(rare, 3)], customer={"email": waiting}))

    # a pickup, made ready at the store
    picker = f"{ref('dora')}@example.com"
    body = order_body(channel, [(sku, 1)], customer={"email": picker}, delivery_method="pickup")
    pickup = place(client, body | {"pickup_location": store["code"]})
    (pf,) = pickup["fulfillments"]
    assert client.post(f"/api/v1/fulfillments/{pf['id']}/pick").status_code == 200
    r = client.post(f"/api/v1/fulfillments/{pf['id']}/ready-for-pickup")
    assert r.status_code == 200, r.text

    worker = mail_worker(database, smtp_server.port, [channel["id"]])
    assert worker.drain() > 0
    assert worker.drain() == 0  # nothing left, nothing sent twice

    inbox = smtp_server.inbox
    subjects = {
        e: sorted(m["Subject"] for m in inbox.to(e)) for e in (email, other, waiting, picker)
    }
    ext = order["external_id"]
    assert subjects[email] == sorted(
        [
            f"Your order {ext} is confirmed",
            f"Your order {ext} has been changed",
            f"Your order {ext} has shipped",
            f"Your order {ext} has been delivered",
        ]
    )
    assert subjects[other] == sorted(
        [
            f"Your order {cancelled['external_id']} is confirmed",
            f"Your order {cancelled['external_id']} has been cancelled",
        ]
    )
    # rendered after the cancel, the confirmation still confirms what was ordered
    (confirmed,) = [m for m in inbox.to(other) if "confirmed" in m["Subject"]]
    assert "Total: €89.00" in parts(confirmed)[0]
    (notice,) = [m for m in inbox.to(other) if "cancelled" in m["Subject"]]
    assert "1 x " in parts(notice)[0]
    assert f"Your order {late['external_id']} is delayed" in subjects[waiting]
    assert len(subjects[waiting]) == 2
    assert f"Your order {pickup['external_id']} is ready for pickup" in subjects[picker]
    assert len(subjects[picker]) == 2

    # the shipped message: both parts, the recipient, the tracking page and the carrier link
    (shipped,) = [m for m in inbox.to(email) if "shipped" in m["Subject"]]
    assert shipped["X-Envelope-To"] == email
    assert shipped["From"] == "Switchyard Test <shop@example.com>"
    text, html = parts(shipped)
    page = f"https://shop.example.com/track/{order['tracking_token']}"
    assert page in text and f'href="{page}"' in html
    assert "PX00000000001" in text and "https://track.example.com/?id=PX00000000001" in html
    assert "style=" in html and "<style" not in html  # the CSS is inlined
    # every message on the timeline and in the order's notification list
    listed = notes(client, order["id"])
    assert sorted(n["trigger"] for n in listed) == [
        "changed",
        "confirmation",
        "delivered",
        "shipped",
    ]
    assert all(n["status"] == "sent" and n["attempts_log"][0]["smtp_code"] == 250 for n in listed)
    sent = [e for e in timeline(client, order["id"]) if e["type"] == "notification.sent"]
    assert len(sent) == 4


def _shipped_order(
    client: TestClient,
    database: Database,
    settings: dict[str, Any] | None = None,
    channel_type: str = "web",
    **body: Any,
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """A channel and a placed order (one line at one warehouse); its fulfillment id."""
    channel = make_channel(client, settings=settings or {}, type=channel_type)
    warehouse = make_location(client)
    sku = make_sku(client, channel, "89.00")
    stock(database, sku, warehouse, 5)
    order = place(client, order_body(channel, [(sku, 2)], **body))
    (ful,) = order["fulfillments"]
    return channel, order, ful["id"]


def test_a_split_order_sends_one_shipped_email_per_parcel(
    client: TestClient, database: Database, smtp_server: SmtpServer
) -> None:
    s = split_order(client, database)
    order, carrier = s["order"], make_carrier(client)
    ship(client, s["wh_ful"], carrier, "PX10000000001")
    ship(client, s["st_ful"], carrier, "PX10000000002")
    worker = mail_worker(database, smtp_server.port, [s["channel"]["id"]])
    worker.drain()
    email = order["customer"]["email"] if order.get("customer") else None
    email = email or order["email"]
    shipped = [m for m in smtp_server.inbox.to(email) if "versandt" in m["Subject"]]
    ext = order["external_id"]
    # German (the address is in Berlin): 2 of the 3 units from the warehouse, 1 from the store
    assert sorted(m["Subject"] for m in shipped) == [
        f"1 von 3 Artikeln Ihrer Bestellung {ext} versandt",
        f"2 von 3 Artikeln Ihrer Bestellung {ext} versandt",
    ]
    numbers = sorted(
        n for m in shipped for n in ("PX10000000001", "PX10000000002") if n in parts(m)[0]
    )
    assert numbers == ["PX10000000001", "PX10000000002"]  # each parcel its own number
    assert len({m["Message-ID"] for m in shipped}) == 2
    assert worker.drain() == 0
    assert len(smtp_server.inbox.to(email)) == 3  # with the confirmation, nothing twice


def test_smtp_down_then_421_then_back_delivers_each_once_with_one_message_id(
    client: TestClient, database: Database, smtp_server: SmtpServer
) -> None:
    channel, order, _ = _shipped_order(client, database)
    sku = make_sku(client, channel)
    stock(database, sku, make_location(client), 1)
    place(client, order_body(channel, [(sku, 1)]))
    worker = mail_worker(database, smtp_server.port, [channel["id"]])

    smtp_server.stop()  # nothing listens: connection refused
    assert worker.step() == 2
    smtp_server.start()
    smtp_server.inbox.answers = ["421 4.3.2 try again later", "421 4.3.2 try again later"]
    assert worker.step() == 2
    assert worker.step() == 2  # recovered
    assert worker.step() == 0

    listed = notes(client, order["id"])
    (confirmation,) = listed
    assert confirmation["status"] == "sent" and confirmation["attempts"] == 3
    log = confirmation["attempts_log"]
    assert [a["outcome"] for a in log] == ["retry", "retry", "sent"]
    assert log[0]["smtp_code"] is None and "Connection" in (log[0]["error"] or "")
    assert log[1]["smtp_code"] == 421 and "try again later" in log[1]["reply"]
    assert log[2]["smtp_code"] == 250
    (received,) = smtp_server.inbox.to(order["email"])
    assert received["Message-ID"] == confirmation["message_id"]
    assert len(smtp_server.inbox.messages) == len(
        {m["Message-ID"] for m in smtp_server.inbox.messages}
    )


def test_a_550_stops_retrying_and_is_on_the_timeline(
    client: TestClient, database: Database, smtp_server: SmtpServer
) -> None:
    channel, order, _ = _shipped_order(client, database)
    smtp_server.inbox.refuse[order["email"]] = "550 5.1.1 mailbox unavailable"
    worker = mail_worker(database, smtp_server.port, [channel["id"]])
    assert worker.step() == 1
    assert worker.step() == 0  # not tried again
    (confirmation,) = notes(client, order["id"])
    assert confirmation["status"] == "failed" and confirmation["attempts"] == 1
    assert confirmation["last_smtp_code"] == 550
    assert "mailbox unavailable" in confirmation["last_error"]
    (failed,) = [e for e in timeline(client, order["id"]) if e["type"] == "notification.failed"]
    assert failed["data"]["smtp_code"] == 550 and failed["data"]["trigger"] == "confirmation"
    assert smtp_server.inbox.to(order["email"]) == []


def test_german_and_english_dates_and_money(
    client: TestClient, database: Database, smtp_server: SmtpServer
) -> None:
    _, german, _ = _shipped_order(client, database)  # to Berlin: German
    channel = make_channel(client)
    warehouse = make_location(client)
    sku = make_sku(client, channel, "1234.50")
    stock(database, sku, warehouse, 5)
    body = order_body(channel, [(sku, 1)], attributes={"locale": "en-GB"})
    english = place(client, body)
    worker = mail_worker(database, smtp_server.port, [german["channel_id"], channel["id"]])
    worker.drain()
    (de,) = smtp_server.inbox.to(german["email"])
    text, html = parts(de)
    assert de["Subject"] == f"Ihre Bestellung {german['external_id']} ist bestätigt"
    assert "178,00\xa0€" in text and "Gesamt" in text and "Vielen Dank" in html
    months_de = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August")
    months_de += ("September", "Oktober", "November", "Dezember")
    assert any(f" {m} 20" in text for m in months_de)
    (en,) = smtp_server.inbox.to(english["email"])
    text, html = parts(en)
    assert en["Subject"] == f"Your order {english['external_id']} is confirmed"
    assert "€1,234.50" in text and "Total" in text
    months_en = ("January", "February", "March", "April", "May", "June", "July", "August")
    months_en += ("September", "October", "November", "December")
    assert any(m in text for m in months_en)


def test_a_customer_without_email_gets_none_and_the_timeline_says_why(
    client: TestClient, database: Database, smtp_server: SmtpServer
) -> None:
    channel, order, _ = _shipped_order(
        client, database, channel_type="pos", customer={"name": "Walk-in", "phone": "+4930555010"}
    )
    assert order["email"] is None
    worker = mail_worker(database, smtp_server.port, [channel["id"]])
    worker.drain()
    (confirmation,) = notes(client, order["id"])
    assert confirmation["status"] == "skipped" and confirmation["attempts_log"] == []
    (skipped,) = [e for e in timeline(client, order["id"]) if e["type"] == "notification.skipped"]
    assert skipped["data"] == {"trigger": "confirmation", "reason": "no_email"}
    assert smtp_server.inbox.messages == []


def test_a_channel_switches_a_trigger_off_and_brands_its_mail(
    client: TestClient, database: Database, smtp_server: SmtpServer
) -> None:
    branding = {
        "triggers": {"confirmation": False},
        "brand_name": "Nordlicht <Mode>",
        "logo_url": "https://cdn.example.com/logo.png",
        "color": "#aa3300",
        "sender": "Nordlicht <service@nordlicht.example>",
        "reply_to": "hilfe@nordlicht.example",
        "footer": "Nordlicht GmbH <Erfurt>",
    }
    channel, order, fid = _shipped_order(client, database, {"notifications": branding})
    ship(client, fid, make_carrier(client), "PX20000000001")
    worker = mail_worker(database, smtp_server.port, [channel["id"]])
    worker.drain()
    (shipped,) = smtp_server.inbox.to(order["email"])  # no confirmation: switched off
    assert shipped["From"] == "Nordlicht <service@nordlicht.example>"
    assert shipped["Reply-To"] == "hilfe@nordlicht.example"
    text, html = parts(shipped)
    assert "Nordlicht GmbH <Erfurt>" in text and "Nordlicht GmbH &lt;Erfurt&gt;" in html
    assert "<Erfurt>" not in html  # autoescaped
    assert 'src="https://cdn.example.com/logo.png"' in html and "#aa3300" in html
    statuses = sorted((n["trigger"], n["status"]) for n in notes(client, order["id"]))
    assert statuses == [("confirmation", "suppressed"), ("shipped", "sent")]

    bad = {"notifications": {"triggers": {"shipped": "no", "teleported": True}, "color": "red"}}
    r = client.patch(
        f"/api/v1/channels/{channel['id']}",
        json={"settings": bad},
        headers={"If-Match": f'"{channel["version"]}"'},
    )
    body = assert_problem(r, 422, "invalid_channel")
    fields = sorted(e["field"] for e in body["errors"])
    assert fields == [
        "settings.notifications.color",
        "settings.notifications.triggers.shipped",
        "settings.notifications.triggers.teleported",
    ]


def test_resend_sends_the_same_content_as_a_new_message(
    client: TestClient, database: Database, smtp_server: SmtpServer
) -> None:
    channel, order, _ = _shipped_order(client, database)
    worker = mail_worker(database, smtp_server.port, [channel["id"]])
    worker.drain()
    (first,) = notes(client, order["id"])
    r = client.post(f"/api/v1/notifications/{first['id']}/resend")
    assert r.status_code == 201, r.text
    again = r.json()
    assert again["resent_from"] == first["id"] and again["status"] == "queued"
    assert again["message_id"] != first["message_id"]
    worker.drain()
    one, two = smtp_server.inbox.to(order["email"])
    assert one["Subject"] == two["Subject"] and parts(one)[0] == parts(two)[0]
    assert {one["Message-ID"], two["Message-ID"]} == {first["message_id"], again["message_id"]}
    assert any(e["type"] == "notification.resent" for e in timeline(client, order["id"]))
    assert_problem(
        client.post("/api/v1/notifications/ntf_nope/resend"), 404, "notification_not_found"
    )


def test_preview_renders_any_trigger_against_a_real_order(
    client: TestClient, database: Database
) -> None:
    _, order, fid = _shipped_order(client, database)
    ship(client, fid, make_carrier(client), "PX30000000001")
    r = client.get(
        "/api/v1/notifications/preview", params={"trigger": "shipped", "order_id": order["id"]}
    )
    assert r.status_code == 200, r.text
    found = r.json()
    assert found["fulfillment_id"] == fid and found["locale"] == "de"
    assert found["subject"] == f"Ihre Bestellung {order['external_id']} wurde versandt"
    assert "PX30000000001" in found["text"] and "<html" in found["html"]
    assert found["recipient"] == order["email"]
    r = client.get(
        "/api/v1/notifications/preview", params={"trigger": "nope", "order_id": order["id"]}
    )
    assert_problem(r, 422, "invalid_trigger")
    r = client.get(
        "/api/v1/notifications/preview",
        params={"trigger": "ready_for_pickup", "order_id": order["id"]},
    )
    assert_problem(r, 422, "no_fulfillment")


def test_an_address_the_server_cannot_take_fails_for_good_and_the_batch_goes_on(
    client: TestClient, database: Database, smtp_server: SmtpServer
) -> None:
    channel, plain, _ = _shipped_order(client, database)
    sku = make_sku(client, channel)
    stock(database, sku, make_location(client), 1)
    umlaut = place(
        client,
        order_body(channel, [(sku, 1)], customer={"email": f"jürgen.{ref('x')}@example.com"}),
    )
    smtp_server.stop()
    smtp_server.start(smtputf8=False)  # a server that takes ASCII addresses only
    worker = mail_worker(database, smtp_server.port, [channel["id"]])
    assert worker.step() == 2
    assert worker.step() == 0
    (failed,) = notes(client, umlaut["id"])
    assert failed["status"] == "failed" and "SMTPUTF8" in failed["last_error"]
    assert [n["status"] for n in notes(client, plain["id"])] == ["sent"]
    assert len(smtp_server.inbox.to(plain["email"])) == 1


def test_an_address_that_is_not_ascii_goes_to_a_server_with_smtputf8(
    client: TestClient, database: Database, smtp_server: SmtpServer
) -> None:
    email = f"jürgen.{ref('x')}@example.com"
    channel, order, _ = _shipped_order(client, database, customer={"email": email})
    mail_worker(database, smtp_server.port, [channel["id"]]).drain()
    (received,) = smtp_server.inbox.to(email)
    assert received["X-Envelope-To"] == email
    assert [n["status"] for n in notes(client, order["id"])] == ["sent"]


def test_the_cli_previews_and_the_catch_all_keeps_what_it_caught(
    client: TestClient, database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    channel, order, fid = _shipped_order(client, database)
    ship(client, fid, make_carrier(client), "PX40000000001")
    monkeypatch.setenv("SWITCHYARD_DATABASE_URL", str(database.engine.url.render_as_string(False)))
    runner = CliRunner()
    r = runner.invoke(app, ["notify", "preview", "--trigger", "shipped", "--order", order["id"]])
    assert r.exit_code == 0, r.output
    assert f"Subject: Ihre Bestellung {order['external_id']} wurde versandt" in r.output
    assert "PX40000000001" in r.output

    mail = tmp_path / "mail"
    port = free_port()
    catcher = catch_all.start("127.0.0.1", port, mail)
    try:
        mail_worker(database, port, [channel["id"]]).drain()
    finally:
        catcher.stop()
    files = sorted(mail.glob("*.eml"))
    assert len(files) == 2  # the confirmation and the shipping notice, one file each
    r = runner.invoke(app, ["notify", "outbox", "--directory", str(mail)])
    assert r.exit_code == 0, r.output
    assert "2 message(s)" in r.output and order["email"][:12] in r.output
    caught = catch_all.outbox(mail)
    assert {c.message_id for c in caught} == {n["message_id"] for n in notes(client, order["id"])}
