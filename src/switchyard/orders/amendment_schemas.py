"""Request models for changing placed orders and for holds."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from switchyard.api.fields import PatchModel, RequestModel, Version
from switchyard.locations.schemas import Address
from switchyard.orders.input_checks import check_attributes

VersionField = Field(default=None, description="alternative to If-Match")


class OrderUpdate(PatchModel):
    """Fields to change; those left out stay as they are (``null`` clears optional ones)."""

    clearable = frozenset(
        {"shipping_address", "billing_address", "pickup_location", "phone", "po_number", "notes"}
        | {"attributes"}
    )

    shipping_address: Address | None = None
    billing_address: Address | None = None
    delivery_method: Literal["ship", "pickup"] | None = None
    pickup_location: str | None = Field(default=None, max_length=64)
    phone: str | None = Field(default=None, max_length=40)
    po_number: str | None = Field(default=None, max_length=100)
    notes: str | None = Field(default=None, max_length=5000)
    attributes: dict[str, Any] | None = None
    version: Version | None = VersionField

    @field_validator("attributes")
    @classmethod
    def _small_attributes(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if value is None else check_attributes(value)


class LineAdd(RequestModel):
    sku: str = Field(min_length=1, max_length=100)
    quantity: int = Field(gt=0, le=100_000)
    unit_price: Decimal | None = Field(
        default=None, ge=0, le=10**12, max_digits=18, decimal_places=4
    )
    discount: Decimal = Field(default=Decimal(0), ge=0, le=10**12, max_digits=18, decimal_places=4)
    version: Version | None = VersionField


class LineUpdate(PatchModel):
    quantity: int = Field(
        ge=0, le=100_000, description="units wanted, not counting cancelled ones; 0 cancels"
    )
    version: Version | None = VersionField


class HoldCreate(RequestModel):
    type: str = Field(description="address, fraud, compliance, price, payment or manual")
    reason: str = Field(min_length=1, max_length=1000)
    version: Version | None = VersionField


class HoldRelease(RequestModel):
    note: str = Field(min_length=1, max_length=2000, description="why it may go ahead")
    version: Version | None = VersionField


class HoldRead(BaseModel):
    id: str
    order_id: str
    type: str
    source: str
    reason: str
    findings: list[dict[str, Any]]
    placed_at: datetime | None
    placed_by: str
    released_at: datetime | None
    released_by: str | None
    resolution: str | None
    note: str | None


class ExceptionHold(BaseModel):
    id: str
    type: str
    source: str
    reason: str
    findings: list[dict[str, Any]]
    placed_at: datetime | None
    placed_by: str


class ExceptionItem(BaseModel):
    """One held order in the exception queue."""

    order_id: str
    external_id: str
    channel_id: str
    status: str
    email: str | None
    customer_name: str | None
    currency: str
    total: str
    placed_at: datetime
    held_since: datetime
    age_seconds: int
    version: int
    holds: list[ExceptionHold]
