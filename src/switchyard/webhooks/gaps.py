"""Reading the outbox in order without losing events whose transactions commit late.

Event sequence numbers are handed out when a transaction inserts its events, not when it
commits, so on PostgreSQL the relay may see seq 11 before seq 10 has committed. Skipped
numbers are remembered as gaps and looked for again until ``timeout`` has passed (a
rolled-back transaction leaves a gap that never fills). Pure Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

MAX_GAPS = 10_000


def advance(
    last_seq: int,
    gaps: dict[int, datetime],
    seen: Iterable[int],
    *,
    now: datetime,
    timeout: timedelta,
) -> tuple[int, dict[int, datetime]]:
    """The new high-water mark and gap set after processing the events numbered ``seen``.

    ``seen`` holds both new events (above ``last_seq``) and late ones that filled gaps.
    """
    gaps = dict(gaps)
    high = last_seq
    for seq in sorted(set(seen)):
        if seq > high:
            for missing in range(max(high + 1, seq - MAX_GAPS), seq):
                gaps[missing] = now
            high = seq
        else:
            gaps.pop(seq, None)
    fresh = {seq: at for seq, at in gaps.items() if now - at < timeout}
    if len(fresh) > MAX_GAPS:
        fresh = dict(sorted(fresh.items())[-MAX_GAPS:])
    return high, fresh


def encode(gaps: dict[int, datetime]) -> dict[str, str]:
    return {str(seq): at.isoformat() for seq, at in sorted(gaps.items())}


def decode(raw: dict[str, str] | None) -> dict[int, datetime]:
    return {int(seq): datetime.fromisoformat(at) for seq, at in (raw or {}).items()}
