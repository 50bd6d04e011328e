"""Risks of missing the promise, and the at-risk exception view, over HTTP."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from switchyard.orders.schemas import RiskSummary


class RiskRead(RiskSummary):
    """One risk of the order, active or cleared."""

    order_id: str
    cleared_at: datetime | None = Field(description="null while the risk holds")
    cleared_by: str | None = Field(
        description="what cleared it: the fulfillment's event, `check` or `resourced`"
    )
    occurrences: int = Field(description="how often it was found (again after clearing)")


class AtRiskItem(BaseModel):
    """One order at risk of missing its promise, in the exception view."""

    order_id: str
    external_id: str
    channel_id: str
    status: str
    email: str | None
    customer_name: str | None
    currency: str
    total: str
    placed_at: datetime
    held_since: datetime | None
    at_risk_since: datetime
    age_seconds: int = Field(description="seconds since its oldest active risk was found")
    version: int
    risks: list[RiskSummary]

    @classmethod
    def of(cls, item: dict[str, Any]) -> AtRiskItem:
        return cls(**item)
