"""Notification rules without a database: keys, locale and time zone, what an SMTP answer
means, the channel's settings, and rendering in English and German."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import available_timezones

import pytest

from switchyard.channels.notification_policy import notification_errors, notification_policy
from switchyard.notifications import domain as d
from switchyard.notifications.render import Formats, render

NOW = datetime(2026, 12, 4, 21, 0, tzinfo=UTC)
POLICY = d.RetryPolicy(backoff_base=30, backoff_max=3600, retry_for=3600, jitter=0.25)
ZONES = frozenset(available_timezones())


def _decide(result: d.AttemptResult, attempts: int = 1, started: datetime = NOW) -> d.Outcome:
    return d.decide(result, attempts=attempts, retry_from=started, now=NOW, policy=POLICY, rand=0)


def test_2xx_is_sent_5xx_fails_for_good_and_4xx_or_silence_is_retried() -> None:
    assert _decide(d.AttemptResult(250, "OK")).status == d.SENT
    failed = _decide(d.AttemptResult(550, "5.1.1 no such user"))
    assert (failed.status, failed.attempt_outcome, failed.next_attempt_at) == (
        d.FAILED,
        "failed",
        None,
    )
    assert "550" in (failed.error or "") and "no such user" in (failed.error or "")
    for result in (d.AttemptResult(421, "try later"), d.AttemptResult(None, None, "refused")):
        retry = _decide(result, attempts=1)
        assert retry.status == d.RETRYING and retry.next_attempt_at == NOW + timedelta(seconds=30)
    assert _decide(d.AttemptResult(499, "x")).status == d.RETRYING
    assert _decide(d.AttemptResult(500, "x")).status == d.FAILED
    assert _decide(d.AttemptResult(599, "x")).status == d.FAILED
    assert _decide(d.AttemptResult(600, "x")).status == d.RETRYING  # no such class: not final


def test_retries_back_off_and_give_up_after_retry_for() -> None:
    delays = [d.backoff_delay(n, POLICY, 0) for n in (1, 2, 3, 8, 20)]
    assert delays == [30, 60, 120, 3600, 3600]
    assert d.backoff_delay(1, POLICY, 0.999) == pytest.approx(30 * 0.75, rel=0.01)
    late = _decide(d.AttemptResult(421, "busy"), attempts=9, started=NOW - timedelta(hours=1))
    assert late.status == d.FAILED and "gave up after 9 attempts" in (late.error or "")
    almost = NOW - timedelta(seconds=3599)
    assert _decide(d.AttemptResult(421, "busy"), started=almost).status == d.RETRYING


def test_keys_and_message_ids() -> None:
    assert d.key(d.SHIPPED, "ful_1") == "shipped:ful_1"
    assert d.message_id("ntf_X") == "<ntf_X@switchyard.notifications>"
    assert d.cancelled_by("order.cancelled", {})
    assert d.cancelled_by("order.status_changed", {"to": "cancelled"})
    assert not d.cancelled_by("order.status_changed", {"to": "shipped"})
    risks = [
        {"fulfillment_id": "f2", "reason": "late"},
        {"fulfillment_id": "f1", "reason": "not_shipped_by_ship_by"},
        {"fulfillment_id": "f3", "reason": "not_acknowledged"},
        {"fulfillment_id": "f2", "reason": "not_shipped_by_ship_by"},
    ]
    assert d.delayed_fulfillments(risks) == ["f1", "f2"]
    assert d.shipped_share(2, 3) == (2, 3, False)
    assert d.shipped_share(3, 3) == (3, 3, True)


def test_the_locale_and_time_zone_come_from_the_order_the_channel_or_the_country() -> None:
    assert d.choose_locale("de-AT", "en", "NL") == "de"
    assert d.choose_locale("fr", "en", "DE") == "en"  # no French templates: the channel's
    assert d.choose_locale(None, None, "AT") == "de"
    assert d.choose_locale(None, None, "nl") == "en"
    assert d.choose_locale(None, None, None) == "en"
    assert d.choose_time_zone("Asia/Tokyo", "Europe/Berlin", None, "DE", ZONES) == "Asia/Tokyo"
    assert d.choose_time_zone("Mars/Base", None, "Europe/Vienna", "DE", ZONES) == "Europe/Vienna"
    assert d.choose_time_zone(None, None, None, "nl", ZONES) == "Europe/Amsterdam"
    assert d.choose_time_zone(None, None, None, "ZZ", ZONES) == "UTC"


def test_channel_settings_switch_triggers_and_are_checked() -> None:
    policy = notification_policy({"notifications": {"triggers": {"shipped": False}}})
    assert not policy.sends("shipped") and policy.sends("confirmation")
    assert not notification_policy({"notifications": {"enabled": False}}).sends("confirmation")
    assert notification_policy(None).sends("delivered")
    assert notification_errors({}) == []
    good = {
        "enabled": True,
        "triggers": dict.fromkeys(d.TRIGGERS, True),
        "locale": "de",
        "time_zone": "Europe/Berlin",
        "brand_name": "Shop",
        "logo_url": "https://x.example/logo.png",
        "color": "#00aaff",
        "sender": "Shop <shop@x.example>",
        "reply_to": "help@x.example",
        "footer": "Shop GmbH",
    }
    assert notification_errors({"notifications": good}) == []
    bad = {
        "enabled": "yes",
        "triggers": {"shipped": 1, "nope": True},
        "locale": "fr",
        "time_zone": "Mars/Base",
        "logo_url": "http://x.example/logo.png",
        "color": "blue",
        "sender": "not an address",
        "footer": "x" * 1001,
        "extra": 1,
    }
    fields = sorted(e.field for e in notification_errors({"notifications": bad}))
    assert fields == [
        f"settings.notifications.{k}"
        for k in sorted(
            [
                "color",
                "enabled",
                "extra",
                "footer",
                "locale",
                "logo_url",
                "sender",
                "time_zone",
                "triggers.nope",
                "triggers.shipped",
            ]
        )
    ]
    assert [e.code for e in notification_errors({"notifications": []})] == ["invalid_notifications"]


def test_money_and_dates_in_german_and_english() -> None:
    de, en = Formats("de", "Europe/Berlin"), Formats("en", "America/New_York")
    assert de.money("1234.5", "EUR") == "1.234,50\xa0€"
    assert en.money("1234.5", "EUR") == "€1,234.50"
    assert de.day(date(2026, 12, 24)) == "24. Dezember 2026"
    assert en.day(date(2026, 12, 24)) == "December 24, 2026"
    # 23:30 UTC is already the next day in Berlin, still the same day in New York
    late = datetime(2026, 12, 24, 23, 30, tzinfo=UTC)
    assert de.day(late) == "25. Dezember 2026" and en.day(late) == "December 24, 2026"
    assert "00:30" in de.when(late) and "6:30" in en.when(late)


def _view() -> dict[str, object]:
    return {
        "brand": {"name": "Shop <&>", "logo_url": None, "color": None, "footer": "Shop GmbH"},
        "customer_name": "Anna",
        "tracking_url": "https://shop.example/track/tok_123",
        "order": {
            "reference": "WEB-1",
            "placed_at": datetime(2026, 12, 4, 10, 0, tzinfo=UTC),
            "currency": "EUR",
            "lines": [{"name": "Sweater <b>", "sku": "S", "quantity": 2, "amount": "178.00"}],
            "waiting": 0,
            "subtotal": "178.00",
            "shipping": "4.90",
            "taxes": "0.00",
            "total": "182.90",
            "promised_delivery": date(2026, 12, 8),
            "pickup_store": None,
        },
        "shipment": {
            "carrier": "DHL",
            "tracking_number": "0034",
            "tracking_link": "https://dhl.example/?n=0034",
            "goods": [{"name": "Sweater <b>", "quantity": 2}],
            "units": 2,
            "total_units": 3,
            "complete": False,
            "estimated_delivery": date(2026, 12, 8),
        },
    }


@pytest.mark.parametrize("trigger", d.TRIGGERS)
@pytest.mark.parametrize("locale", d.LOCALES)
def test_every_trigger_renders_in_both_languages(trigger: str, locale: str) -> None:
    view = _view() | {
        "change": {
            "kind": "order_updated",
            "rows": [{"field": "phone", "name": "phone", "before": "-", "after": "+49"}],
        },
        "delay": {
            "lines": [{"name": "Sweater", "quantity": 1, "eta": "2026-12-20"}],
            "promised_delivery": None,
        },
        "pickup": {
            "code": "123456",
            "store": "Berlin",
            "address_lines": ["Str. 1", "10119 Berlin"],
            "hours": "10:00-20:00",
            "collect_by": datetime(2026, 12, 10, 18, 0, tzinfo=UTC),
            "goods": [],
        },
        "delivered": {
            "goods": [{"name": "Sweater", "quantity": 2}],
            "at": datetime(2026, 12, 8, 12, 0, tzinfo=UTC),
        },
        "cancelled": {
            "lines": [{"name": "Sweater", "quantity": 2}],
            "shipped": False,
            "refunded": "178.00",
            "reason": None,
        },
    }
    rendered = render(trigger, locale, "Europe/Berlin", view)
    assert "WEB-1" in rendered.subject and "\n" not in rendered.subject
    assert "https://shop.example/track/tok_123" in rendered.text
    assert 'href="https://shop.example/track/tok_123"' in rendered.html
    assert "<style" not in rendered.html and "style=" in rendered.html
    assert "Shop &lt;&amp;&gt;" in rendered.html
    assert "<b>" not in rendered.html


def test_a_partial_shipment_says_how_many_of_how_many() -> None:
    en = render("shipped", "en", "UTC", _view())
    assert en.subject == "2 of 3 items of your order WEB-1 shipped"
    assert "https://dhl.example/?n=0034" in en.text and "December 8, 2026" in en.text
    de = render("shipped", "de", "Europe/Berlin", _view())
    assert de.subject == "2 von 3 Artikeln Ihrer Bestellung WEB-1 versandt"
    assert "8. Dezember 2026" in de.text
    confirmation = render("confirmation", "de", "Europe/Berlin", _view())
    assert "182,90\xa0€" in confirmation.text and "4. Dezember 2026" in confirmation.text
