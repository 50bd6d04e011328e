"""Domain events: facts in the past tense, recorded with the change that caused them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Actor:
    """Who caused a change: an API key, a staff user or the system itself."""

    kind: str  # "api_key" | "user" | "system"
    id: str
    name: str

    @classmethod
    def system(cls, name: str = "switchyard") -> Actor:
        return cls("system", "system", name)


@dataclass(frozen=True, slots=True)
class DomainEvent:
    type: str  # e.g. "order.placed", "fulfillment.shipped"
    aggregate_type: str
    aggregate_id: str
    data: dict[str, Any] = field(default_factory=dict)
    order_id: str | None = None
    channel_id: str | None = None
