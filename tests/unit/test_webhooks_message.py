"""The body and headers a subscriber receives verify with the standardwebhooks library."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from switchyard.kernel.clock import utcnow
from switchyard.webhooks.domain import generate_secret
from switchyard.webhooks.message import render, sign_headers, signing_secrets


def event() -> dict:
    return {
        "event_id": "evt_1",
        "seq": 42,
        "type": "order.placed",
        "aggregate_type": "order",
        "aggregate_id": "ord_1",
        "order_id": "ord_1",
        "channel_id": "chn_1",
        "data": {"total": "12.50", "lines": 2},
        "occurred_at": utcnow(),
    }


def test_body_is_stable_and_standard_shaped():
    e = event()
    body = render(e)
    assert render(e) == body
    parsed = json.loads(body)
    assert parsed["type"] == "order.placed"
    assert parsed["timestamp"].endswith("Z")
    assert parsed["data"]["details"] == {"total": "12.50", "lines": 2}
    assert parsed["data"]["sequence"] == 42


def test_body_bytes_are_canonical():
    """Compact, keys sorted, times in UTC with Z, decimals and dates as text: the exact
    bytes a subscriber verifies, the same whatever order the details were built in."""
    e = event() | {
        "occurred_at": datetime(2030, 5, 6, 14, 0, 0, 250000, tzinfo=timezone(timedelta(hours=2))),
        "data": {"total": Decimal("12.50"), "eta": date(2030, 5, 9), "a": [1, {"z": 0, "b": None}]},
    }
    assert render(e) == (
        '{"data":{"aggregate_id":"ord_1","aggregate_type":"order","channel_id":"chn_1",'
        '"details":{"a":[1,{"b":null,"z":0}],"eta":"2030-05-09","total":"12.50"},'
        '"event_id":"evt_1","order_id":"ord_1","sequence":42},'
        '"timestamp":"2030-05-06T12:00:00.250000Z","type":"order.placed"}'
    )


def test_signature_verifies_and_tampering_does_not():
    secret = generate_secret()
    body = render(event())
    headers = sign_headers("msg_1", body, (secret,), utcnow())
    assert Webhook(secret).verify(body, headers)["data"]["event_id"] == "evt_1"
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace("12.50", "99.99"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(generate_secret()).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, {**headers, "webhook-id": "msg_2"})


def test_previous_secret_signs_during_its_grace_period():
    now = utcnow()
    old, new = generate_secret(), generate_secret()
    endpoint = {"secret": new, "previous_secret": old, "previous_secret_expires_at": now}
    assert signing_secrets(endpoint, now - timedelta(seconds=1)) == (new, old)
    assert signing_secrets(endpoint, now) == (new,)
    body = render(event())
    headers = sign_headers("msg_1", body, (new, old), now)
    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(body, headers)
    Webhook(new).verify(body, headers)
