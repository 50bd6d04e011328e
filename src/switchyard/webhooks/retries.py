"""When to try a delivery again, and when to give up. Pure Python."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from switchyard.webhooks.domain import DEAD, FAILED, SUCCEEDED


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with jitter, for ``retry_for`` seconds from the first attempt.

    The n-th failure waits ``backoff_base * 2**(n-1)`` seconds, at most ``backoff_max``,
    less a random share of up to ``jitter``. A failure later than ``retry_for`` after the
    delivery was created (or manually retried) makes it dead, so the last attempt is made
    at least ``retry_for`` seconds after the first.
    """

    backoff_base: float = 5.0
    backoff_max: float = 4 * 3600.0
    retry_for: float = 24 * 3600.0
    jitter: float = 0.25


@dataclass(frozen=True, slots=True)
class AttemptResult:
    """What one HTTP attempt produced: a status code, or an error before any answer."""

    status_code: int | None
    duration_ms: int
    error: str | None = None
    response_excerpt: str | None = None
    retry_after: float | None = None  # seconds, from a Retry-After header

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str
    next_attempt_at: datetime | None
    error: str | None
    disable_endpoint: bool = False


def backoff_delay(failures: int, policy: RetryPolicy, rand: float) -> float:
    """Seconds to wait after the ``failures``-th failure; ``rand`` is uniform in [0, 1)."""
    exponent = min(max(failures - 1, 0), 62)
    delay = min(policy.backoff_max, policy.backoff_base * 2.0**exponent)
    return delay * (1.0 - policy.jitter * rand)


def describe(result: AttemptResult) -> str | None:
    if result.error:
        return result.error
    if result.status_code is not None and not result.succeeded:
        return f"the endpoint answered HTTP {result.status_code}"
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
    """The delivery's next state after its ``attempts``-th attempt produced ``result``."""
    if result.succeeded:
        return Outcome(SUCCEEDED, None, None)
    if result.status_code == 410:
        return Outcome(
            DEAD, None, "the endpoint answered 410 Gone: it was disabled", disable_endpoint=True
        )
    error = describe(result)
    if now - retry_from >= timedelta(seconds=policy.retry_for):
        return Outcome(DEAD, None, f"gave up after {attempts} attempts: {error}")
    delay = backoff_delay(attempts, policy, rand)
    if result.retry_after is not None:
        delay = max(delay, min(result.retry_after, policy.backoff_max))
    return Outcome(FAILED, now + timedelta(seconds=delay), error)


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (the HTTP-date form is ignored: backoff applies instead)."""
    if value is None or not value.strip().isdigit():
        return None
    return float(value.strip())
