"""What a subscriber receives: the JSON body and the Standard Webhooks headers.

The body is rendered from the stored event, so it is byte-for-byte the same on every
attempt; the timestamp and signature are made fresh for each attempt.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from standardwebhooks import Webhook


def render(event: dict[str, Any]) -> str:
    """The body: ``{"type", "timestamp", "data"}`` as the Standard Webhooks spec suggests."""
    occurred: datetime = event["occurred_at"]
    body = {
        "type": event["type"],
        "timestamp": occurred.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "data": {
            "event_id": event["event_id"],
            "sequence": event["seq"],
            "aggregate_type": event["aggregate_type"],
            "aggregate_id": event["aggregate_id"],
            "order_id": event["order_id"],
            "channel_id": event["channel_id"],
            "details": event["data"],
        },
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)


def signing_secrets(endpoint: dict[str, Any], now: datetime) -> tuple[str, ...]:
    """The current secret, plus the previous one while its grace period after rotation runs."""
    expires = endpoint.get("previous_secret_expires_at")
    if endpoint.get("previous_secret") and expires is not None and expires > now:
        return (endpoint["secret"], endpoint["previous_secret"])
    return (endpoint["secret"],)


def sign_headers(
    webhook_id: str, body: str, secrets: tuple[str, ...], at: datetime
) -> dict[str, str]:
    """``webhook-id``, ``webhook-timestamp`` and one ``v1,`` signature per secret."""
    signatures = " ".join(Webhook(secret).sign(webhook_id, at, body) for secret in secrets)
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signatures,
    }
