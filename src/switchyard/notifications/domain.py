"""Customer notifications: which step of an order sends which message, the message's
idempotency key, its language and time zone, and what an SMTP attempt's answer means.

Pure Python: no framework or database imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

# -- triggers ---------------------------------------------------------------------------
CONFIRMATION = "confirmation"
CHANGED = "changed"
DELAY = "delay"
READY_FOR_PICKUP = "ready_for_pickup"
SHIPPED = "shipped"
DELIVERED = "delivered"
CANCELLED = "cancelled"
TRIGGERS = (CONFIRMATION, CHANGED, DELAY, READY_FOR_PICKUP, SHIPPED, DELIVERED, CANCELLED)
# Updates a customer may opt out of (``customers.email_opt_out``): nothing in them is
# needed to receive or collect the order. The rest are transactional and always sent:
# the confirmation, delays, the pickup code, shipping (tracking) and cancellation.
NON_ESSENTIAL = frozenset({CHANGED, DELIVERED})
ESSENTIAL = frozenset(TRIGGERS) - NON_ESSENTIAL
# Triggers about one fulfillment (the others are about the whole order).
PER_FULFILLMENT = frozenset({READY_FOR_PICKUP, SHIPPED, DELIVERED})

TRIGGER_EVENTS: dict[str, tuple[str, ...]] = {
    CONFIRMATION: ("order.placed",),
    CHANGED: ("order.amended",),
    DELAY: ("order.backordered", "order.at_risk"),
    READY_FOR_PICKUP: ("fulfillment.ready_for_pickup",),
    SHIPPED: ("fulfillment.shipped",),
    DELIVERED: ("fulfillment.delivered",),
    CANCELLED: ("order.cancelled", "order.status_changed"),
}
# Jeopardy reasons that mean the customer's date slips (the others are internal deadlines
# a location may still make up for).
DELAY_REASONS = frozenset({"late", "not_shipped_by_ship_by"})

# -- statuses ---------------------------------------------------------------------------
QUEUED, SENDING, RETRYING = "queued", "sending", "retrying"
SENT, FAILED, SKIPPED, SUPPRESSED = "sent", "failed", "skipped", "suppressed"
STATUSES = (QUEUED, SENDING, RETRYING, SENT, FAILED, SKIPPED, SUPPRESSED)
ACTIVE = (QUEUED, SENDING, RETRYING)  # may still be attempted
RESOLVED = (SENT, FAILED, SKIPPED, SUPPRESSED)

# Attempt outcomes in the delivery log.
OUT_SENT, OUT_RETRY, OUT_FAILED, OUT_ABANDONED = "sent", "retry", "failed", "abandoned"

MESSAGE_ID_DOMAIN = "switchyard.notifications"


def key(trigger: str, *parts: str) -> str:
    """The idempotency key: one notification per trigger and cause."""
    return ":".join((trigger, *parts))


def message_id(notification_id: str) -> str:
    """The Message-ID header, fixed when the notification is made (same on every retry)."""
    return f"<{notification_id}@{MESSAGE_ID_DOMAIN}>"


def skipped_for_customer(trigger: str, has_email: bool, opted_out: bool) -> str | None:
    """Why the customer is not sent ``trigger`` (``no_email``, ``opted_out``), or None."""
    if not has_email:
        return "no_email"
    if opted_out and trigger in NON_ESSENTIAL:
        return "opted_out"
    return None


def cancelled_by(event_type: str, data: dict[str, Any]) -> bool:
    """Does this event cancel the order (a cancel, or a status that became cancelled)?"""
    if event_type == "order.cancelled":
        return True
    return event_type == "order.status_changed" and data.get("to") == "cancelled"


def delayed_fulfillments(risks: list[dict[str, Any]]) -> list[str]:
    """Fulfillments of ``order.at_risk`` risks that make the customer's date slip."""
    found = [r["fulfillment_id"] for r in risks if r.get("reason") in DELAY_REASONS]
    return sorted(set(found))


# -- language and time zone -------------------------------------------------------------
LOCALES = ("en", "de")
DEFAULT_LOCALE = "en"
GERMAN_COUNTRIES = frozenset({"DE", "AT", "CH", "LI", "LU"})
COUNTRY_TIME_ZONES = {
    "DE": "Europe/Berlin",
    "AT": "Europe/Vienna",
    "CH": "Europe/Zurich",
    "LI": "Europe/Vaduz",
    "LU": "Europe/Luxembourg",
    "NL": "Europe/Amsterdam",
    "BE": "Europe/Brussels",
    "FR": "Europe/Paris",
    "IT": "Europe/Rome",
    "ES": "Europe/Madrid",
    "PL": "Europe/Warsaw",
    "DK": "Europe/Copenhagen",
    "GB": "Europe/London",
    "IE": "Europe/Dublin",
    "US": "America/New_York",
}


def supported_locale(value: Any) -> str | None:
    """``de``, ``de-AT``, ``de_DE`` -> ``de``; None for a language without templates."""
    if not isinstance(value, str) or not value:
        return None
    language = value.replace("_", "-").split("-")[0].lower()
    return language if language in LOCALES else None


def choose_locale(order_locale: Any, channel_locale: str | None, country_code: str | None) -> str:
    """The order's own (``attributes.locale``), the channel's, the country's, or English."""
    for candidate in (order_locale, channel_locale):
        found = supported_locale(candidate)
        if found:
            return found
    if country_code and country_code.upper() in GERMAN_COUNTRIES:
        return "de"
    return DEFAULT_LOCALE


def choose_time_zone(
    order_zone: Any,
    channel_zone: str | None,
    location_zone: str | None,
    country_code: str | None,
    known: frozenset[str] | set[str],
) -> str:
    """The order's (``attributes.time_zone``), the channel's, the pickup store's, the
    destination country's, or UTC; names not in ``known`` are passed over."""
    country_zone = COUNTRY_TIME_ZONES.get((country_code or "").upper())
    for candidate in (order_zone, channel_zone, location_zone, country_zone):
        if isinstance(candidate, str) and candidate in known:
            return candidate
    return "UTC"


def shipped_share(shipped_units: int, open_units: int) -> tuple[int, int, bool]:
    """(units in this parcel, units of the order, whether this parcel holds them all)."""
    total = max(open_units, shipped_units)
    return shipped_units, total, shipped_units >= total


# -- delivery attempts ------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with jitter for ``retry_for`` seconds from the first attempt."""

    backoff_base: float = 30.0
    backoff_max: float = 3600.0
    retry_for: float = 48 * 3600.0
    jitter: float = 0.25


@dataclass(frozen=True, slots=True)
class AttemptResult:
    """What one SMTP hand-over produced: the server's code and reply, or an error before
    any answer (connection refused, timeout, dropped connection)."""

    smtp_code: int | None
    reply: str | None = None
    error: str | None = None
    invalid_address: bool = False  # the address cannot be sent to at all

    @property
    def sent(self) -> bool:
        return self.smtp_code is not None and 200 <= self.smtp_code < 300

    @property
    def permanent(self) -> bool:
        """5xx: the server refused the message for good (unknown mailbox, policy); or the
        address is one no server can take (e.g. not ASCII, to a server without SMTPUTF8)."""
        if self.invalid_address:
            return True
        return self.smtp_code is not None and 500 <= self.smtp_code < 600


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str
    attempt_outcome: str
    next_attempt_at: datetime | None
    error: str | None


def backoff_delay(failures: int, policy: RetryPolicy, rand: float) -> float:
    """Seconds to wait after the ``failures``-th failure; ``rand`` is uniform in [0, 1)."""
    exponent = min(max(failures - 1, 0), 62)
    delay = min(policy.backoff_max, policy.backoff_base * 2.0**exponent)
    return delay * (1.0 - policy.jitter * rand)


def describe(result: AttemptResult) -> str | None:
    if result.error and result.smtp_code is None:
        return result.error
    if result.smtp_code is not None and not result.sent:
        return f"the SMTP server answered {result.smtp_code} {result.reply or ''}".strip()
    return None


def decide(
    result: AttemptResult,
    *,
    attempts: int,
    retry_from: datetime,
    now: datetime,
    policy: RetryPolicy,
    rand: float,
) -> Outcome:
    """The notification's next state after its ``attempts``-th attempt produced ``result``:
    sent on 2xx; failed for good on 5xx; otherwise (4xx, no answer) retried with backoff
    until ``retry_for`` has passed."""
    if result.sent:
        return Outcome(SENT, OUT_SENT, None, None)
    error = describe(result)
    if result.permanent:
        return Outcome(FAILED, OUT_FAILED, None, error)
    if now - retry_from >= timedelta(seconds=policy.retry_for):
        return Outcome(FAILED, OUT_FAILED, None, f"gave up after {attempts} attempts: {error}")
    delay = backoff_delay(attempts, policy, rand)
    return Outcome(RETRYING, OUT_RETRY, now + timedelta(seconds=delay), error)
