"""Timezone-aware UTC time, in one place so tests and the domain agree."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
