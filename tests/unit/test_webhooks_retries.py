"""Backoff, give-up and 410 rules, and the relay's gap bookkeeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from switchyard.webhooks import gaps
from switchyard.webhooks.retries import (
    AttemptResult,
    RetryPolicy,
    backoff_delay,
    decide,
    parse_retry_after,
)

T0 = datetime(2025, 1, 1, tzinfo=UTC)
POLICY = RetryPolicy(backoff_base=5, backoff_max=3600, retry_for=86400, jitter=0.25)


def test_backoff_doubles_up_to_the_cap_with_jitter_below():
    assert [backoff_delay(n, POLICY, 0.0) for n in (1, 2, 3, 4)] == [5, 10, 20, 40]
    assert backoff_delay(30, POLICY, 0.0) == 3600
    assert backoff_delay(1000, POLICY, 0.0) == 3600
    assert backoff_delay(3, POLICY, 0.999) > 20 * 0.75
    assert backoff_delay(3, POLICY, 0.5) == 20 * 0.875


def test_success_and_failures():
    ok = decide(AttemptResult(204, 12), attempts=1, retry_from=T0, now=T0, policy=POLICY, rand=0)
    assert (ok.status, ok.next_attempt_at, ok.disable_endpoint) == ("succeeded", None, False)
    failed = decide(
        AttemptResult(500, 12), attempts=3, retry_from=T0, now=T0, policy=POLICY, rand=0
    )
    assert failed.status == "failed"
    assert failed.next_attempt_at == T0 + timedelta(seconds=20)
    assert "500" in (failed.error or "")
    refused = decide(
        AttemptResult(None, 3, error="ConnectError: refused"),
        attempts=1,
        retry_from=T0,
        now=T0,
        policy=POLICY,
        rand=0,
    )
    assert refused.status == "failed"
    assert refused.error == "ConnectError: refused"
    redirect = decide(
        AttemptResult(302, 1), attempts=1, retry_from=T0, now=T0, policy=POLICY, rand=0
    )
    assert redirect.status == "failed"


def test_gone_disables_the_endpoint():
    gone = decide(AttemptResult(410, 5), attempts=1, retry_from=T0, now=T0, policy=POLICY, rand=0)
    assert gone.status == "dead"
    assert gone.disable_endpoint


def test_retries_last_at_least_the_retry_window_then_die():
    """Simulate a receiver that is down for good: attempts span at least a day."""
    now, attempts = T0, 0
    while True:
        attempts += 1
        outcome = decide(
            AttemptResult(503, 5),
            attempts=attempts,
            retry_from=T0,
            now=now,
            policy=POLICY,
            rand=0.5,
        )
        if outcome.status == "dead":
            break
        assert outcome.next_attempt_at is not None
        now = outcome.next_attempt_at
    assert now - T0 >= timedelta(days=1)
    assert now - T0 < timedelta(days=1, hours=1)
    assert 20 < attempts < 40
    assert "gave up" in (outcome.error or "")


def test_retry_after_is_honoured_within_the_cap():
    slow = AttemptResult(429, 5, retry_after=120)
    out = decide(slow, attempts=1, retry_from=T0, now=T0, policy=POLICY, rand=0)
    assert out.next_attempt_at == T0 + timedelta(seconds=120)
    huge = AttemptResult(503, 5, retry_after=10**9)
    out = decide(huge, attempts=1, retry_from=T0, now=T0, policy=POLICY, rand=0)
    assert out.next_attempt_at == T0 + timedelta(seconds=3600)
    assert parse_retry_after(" 7 ") == 7.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") is None
    assert parse_retry_after(None) is None


def test_gaps_are_remembered_until_filled_or_timed_out():
    timeout = timedelta(minutes=10)
    high, missing = gaps.advance(10, {}, [11, 14, 15], now=T0, timeout=timeout)
    assert high == 15
    assert sorted(missing) == [12, 13]
    high, missing = gaps.advance(
        high, missing, [13, 16], now=T0 + timedelta(minutes=1), timeout=timeout
    )
    assert (high, sorted(missing)) == (16, [12])
    high, missing = gaps.advance(high, missing, [], now=T0 + timedelta(minutes=11), timeout=timeout)
    assert (high, missing) == (16, {})
    assert gaps.decode(gaps.encode({5: T0})) == {5: T0}


def test_a_huge_jump_keeps_the_gap_set_bounded():
    high, missing = gaps.advance(0, {}, [10**9], now=T0, timeout=timedelta(minutes=10))
    assert high == 10**9
    assert len(missing) == gaps.MAX_GAPS
    assert max(missing) == 10**9 - 1
