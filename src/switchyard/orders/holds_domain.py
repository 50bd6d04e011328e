"""Holds: why an order waits for a person before it may go to fulfilment. Pure Python.

An order is held while it has at least one active hold; each hold has a type
(``HOLD_TYPES``), says where it came from (``validation`` warnings at placement or
amendment, or ``manual``) and, once released, who released it, when and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from switchyard.kernel.errors import FieldError, ValidationFailed
from switchyard.kernel.ids import new_id
from switchyard.orders.validation import HOLD_TYPES, Finding

MAX_REASON = 1000
# Holds only the system places (sourcing: units no location can take); staff release them.
SYSTEM_HOLD_TYPES = ("sourcing",)


@dataclass(slots=True)
class Hold:
    id: str
    order_id: str
    type: str
    source: str  # validation | manual
    reason: str
    findings: list[dict[str, Any]] = field(default_factory=list)
    placed_at: datetime | None = None
    placed_by: str = ""
    released_at: datetime | None = None
    released_by: str | None = None
    resolution: str | None = None  # released | order_cancelled
    note: str | None = None

    @property
    def active(self) -> bool:
        return self.released_at is None

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "source": self.source, "reason": self.reason}


def check_hold_type(hold_type: str, field_name: str = "type", *, system: bool = False) -> None:
    """A hold type staff may place (``system``: or one the system places, for filters)."""
    known = HOLD_TYPES + SYSTEM_HOLD_TYPES if system else HOLD_TYPES
    if hold_type not in known:
        raise ValidationFailed(
            "invalid_hold_type",
            f"'{hold_type}' is not a hold type",
            [FieldError(field_name, "invalid_choice", f"one of: {', '.join(known)}")],
        )


def _reason(findings: list[Finding]) -> str:
    text = "; ".join(f.message for f in findings)
    return text if len(text) <= MAX_REASON else text[: MAX_REASON - 1] + "…"


def holds_from_findings(
    order_id: str, warnings: Iterable[Finding], placed_by: str, now: datetime
) -> list[Hold]:
    """One hold per hold type among the validation warnings, carrying its findings."""
    by_type: dict[str, list[Finding]] = {}
    for finding in warnings:
        if finding.hold_type is not None:
            by_type.setdefault(finding.hold_type, []).append(finding)
    return [
        Hold(
            id=new_id("hld"),
            order_id=order_id,
            type=hold_type,
            source="validation",
            reason=_reason(by_type[hold_type]),
            findings=[f.as_dict() for f in by_type[hold_type]],
            placed_at=now,
            placed_by=placed_by,
        )
        for hold_type in HOLD_TYPES
        if hold_type in by_type
    ]


def held_since(active: Iterable[Hold]) -> datetime | None:
    """When the order's longest-standing active hold was placed; None when there is none."""
    times = [h.placed_at for h in active if h.active and h.placed_at is not None]
    return min(times) if times else None
