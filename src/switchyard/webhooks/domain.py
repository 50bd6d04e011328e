"""Webhook subscriptions: which events an endpoint hears, where, and with what secret.

Pure Python: no framework or database imports.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from switchyard.events import catalogue
from switchyard.kernel.errors import FieldError, ValidationFailed

# Event families a subscriber may hear. Internal events (api_key.*, webhook_endpoint.*, ...)
# never leave through webhooks, so "*" means every event of these families.
FAMILIES = catalogue.PUBLIC_FAMILIES
SECRET_PREFIX = "whsec_"
MAX_PATTERNS = 50
_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")

PENDING, DELIVERING, SUCCEEDED, FAILED, DEAD = (
    "pending",
    "delivering",
    "succeeded",
    "failed",
    "dead",
)
STATUSES = (PENDING, DELIVERING, SUCCEEDED, FAILED, DEAD)
ACTIVE = (PENDING, DELIVERING, FAILED)  # not yet resolved: may still be attempted
RESOLVED = (SUCCEEDED, DEAD)


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` is not a valid event type filter, or None when it is."""
    if pattern == "*":
        return None
    family, dot, rest = pattern.partition(".")
    if family not in FAMILIES:
        return f"'{pattern}': the event family must be one of {', '.join(FAMILIES)}"
    if not dot or not rest:
        return f"'{pattern}': write '{family}.*' for every {family} event"
    if rest == "*" or catalogue.get(pattern) is not None:
        return None
    if _NAME.match(rest):
        known = ", ".join(catalogue.names_in(family)) or "none yet"
        return f"'{pattern}' is no event type; the {family} events are: {known}"
    return f"'{pattern}': use '*', '<family>.*' or an exact type such as '{family}.created'"


def validate_event_types(patterns: list[str]) -> list[str]:
    errors = [
        FieldError(f"event_types.{i}", "invalid_event_type", problem)
        for i, p in enumerate(patterns)
        if (problem := pattern_problem(p)) is not None
    ]
    if not patterns:
        errors.append(FieldError("event_types", "required", "list at least one event type"))
    if len(patterns) > MAX_PATTERNS:
        errors.append(FieldError("event_types", "too_many", f"at most {MAX_PATTERNS}"))
    if errors:
        raise ValidationFailed(
            "invalid_event_types", "the event type filters are not valid", errors
        )
    return list(dict.fromkeys(patterns))


def matches(patterns: Iterable[str], event_type: str) -> bool:
    """True when one of ``patterns`` selects ``event_type`` (of a public family)."""
    family = event_type.partition(".")[0]
    if family not in FAMILIES:
        return False
    for pattern in patterns:
        if pattern in ("*", event_type):
            return True
        if pattern.endswith(".*") and event_type.startswith(pattern[:-1]):
            return True
    return False


def channel_allows(channel_ids: list[str], event: dict[str, Any]) -> bool:
    """Channel filter: an endpoint listing channels hears only those channels' events.

    Events without a channel reach channel-filtered endpoints only when they concern no
    order (stock levels are shared); an order event that lacks its channel goes only to
    endpoints without a channel filter, so no system hears another channel's orders.
    """
    if not channel_ids:
        return True
    if event.get("channel_id") is not None:
        return event["channel_id"] in channel_ids
    return event.get("order_id") is None


def wants(endpoint: dict[str, Any], event: dict[str, Any]) -> bool:
    """Does this enabled endpoint receive this event (recorded after it subscribed)?"""
    occurred: datetime = event["occurred_at"]
    return (
        occurred >= endpoint["created_at"]
        and matches(endpoint["event_types"], event["type"])
        and channel_allows(endpoint["channel_ids"], event)
    )


def validate_url(url: str) -> str:
    parts = urlsplit(url.strip())
    problem = None
    if parts.scheme not in ("http", "https"):
        problem = "use an http:// or https:// URL"
    elif not parts.hostname:
        problem = "the URL needs a host"
    elif parts.username or parts.password:
        problem = "put no credentials in the URL; verify the signature instead"
    elif parts.fragment:
        problem = "a webhook URL has no #fragment"
    if problem:
        raise ValidationFailed(
            "invalid_url",
            "the endpoint URL is not valid",
            [FieldError("url", "invalid_url", problem)],
        )
    return url.strip()


def generate_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def validate_secret(secret: str) -> str:
    """Accept a secret the subscriber chose: ``whsec_`` and 24 to 64 bytes in base64."""
    problem = None
    if not secret.startswith(SECRET_PREFIX):
        problem = f"the secret starts with '{SECRET_PREFIX}'"
    else:
        try:
            raw = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        if not 24 <= len(raw) <= 64:
            problem = "after 'whsec_', 24 to 64 bytes in standard base64"
    if problem:
        raise ValidationFailed(
            "invalid_secret",
            "the webhook secret is not valid",
            [FieldError("secret", "invalid_secret", problem)],
        )
    return secret
