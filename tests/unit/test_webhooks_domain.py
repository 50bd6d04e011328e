"""Subscription rules: event type patterns, channel filters, URLs and secrets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook

from switchyard.kernel.errors import ValidationFailed
from switchyard.webhooks.domain import (
    channel_allows,
    generate_secret,
    matches,
    validate_event_types,
    validate_secret,
    validate_url,
    wants,
)

T0 = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("patterns", "event_type", "expected"),
    [
        (["*"], "order.placed", True),
        (["*"], "fulfillment.shipped", True),
        (["*"], "api_key.created", False),
        (["*"], "webhook_endpoint.disabled", False),
        (["order.*"], "order.placed", True),
        (["order.*"], "order.line.allocated", True),
        (["order.*"], "orders.placed", False),
        (["order.*"], "fulfillment.shipped", False),
        (["fulfillment.shipped"], "fulfillment.shipped", True),
        (["fulfillment.shipped"], "fulfillment.packed", False),
        (["shipment.*", "return.*"], "return.received", True),
        (["inventory.changed"], "inventory.changed", True),
    ],
)
def test_patterns_select_event_types(patterns, event_type, expected):
    assert matches(patterns, event_type) is expected


def test_invalid_patterns_name_each_field():
    with pytest.raises(ValidationFailed) as caught:
        validate_event_types(["order.*", "api_key.*", "order", "order.Placed", "**"])
    fields = [e.field for e in caught.value.errors]
    assert fields == ["event_types.1", "event_types.2", "event_types.3", "event_types.4"]
    with pytest.raises(ValidationFailed):
        validate_event_types([])
    assert validate_event_types(["order.*", "order.*", "*"]) == ["order.*", "*"]


def test_an_exact_type_must_be_catalogued():
    """A subscription to a type that is never sent would wait forever: refused, naming
    the family's real types."""
    assert validate_event_types(["order.status_changed"]) == ["order.status_changed"]
    with pytest.raises(ValidationFailed) as caught:
        validate_event_types(["order.placed", "order.completed", "return.lost"])
    errors = caught.value.errors
    assert [e.field for e in errors] == ["event_types.1", "event_types.2"]
    assert "order.status_changed" in errors[0].message
    assert "return.received" in errors[1].message
    assert validate_event_types(["return.*", "return.received"]) == ["return.*", "return.received"]


def test_channel_filter():
    theirs = {"channel_id": "chn_b", "order_id": "ord_1"}
    ours = {"channel_id": "chn_a", "order_id": "ord_2"}
    stock = {"channel_id": None, "order_id": None}
    orphan_order_event = {"channel_id": None, "order_id": "ord_3"}
    assert channel_allows(["chn_a"], ours)
    assert not channel_allows(["chn_a"], theirs)
    assert channel_allows(["chn_a"], stock)
    assert not channel_allows(["chn_a"], orphan_order_event)
    assert all(channel_allows([], e) for e in (ours, theirs, stock, orphan_order_event))


def test_endpoints_hear_only_events_after_they_subscribed():
    endpoint = {"event_types": ["order.*"], "channel_ids": [], "created_at": T0}
    event = {"type": "order.placed", "channel_id": "c", "order_id": "o", "occurred_at": T0}
    assert wants(endpoint, event)
    assert not wants(endpoint, {**event, "occurred_at": T0 - timedelta(seconds=1)})
    assert not wants(endpoint, {**event, "type": "fulfillment.created"})


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/x",
        "example.com/hook",
        "https://",
        "https://u:p@example.com/",
        "http://a/#x",
    ],
)
def test_bad_urls_are_refused(url):
    with pytest.raises(ValidationFailed) as caught:
        validate_url(url)
    assert caught.value.errors[0].field == "url"


def test_good_urls_pass():
    assert (
        validate_url(" https://erp.example.com/hooks?x=1 ") == "https://erp.example.com/hooks?x=1"
    )
    assert validate_url("http://127.0.0.1:8080/h") == "http://127.0.0.1:8080/h"


def test_generated_secrets_are_standard_webhooks_secrets():
    secret = generate_secret()
    assert secret.startswith("whsec_")
    assert validate_secret(secret) == secret
    assert generate_secret() != secret
    Webhook(secret)  # the reference library accepts it


@pytest.mark.parametrize("secret", ["abc", "whsec_", "whsec_c2hvcnQ=", "whsec_!!!notbase64!!!"])
def test_bad_secrets_are_refused(secret):
    with pytest.raises(ValidationFailed) as caught:
        validate_secret(secret)
    assert caught.value.code == "invalid_secret"
