"""Request and response models for placing, reading and searching orders."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, EmailStr, Field, field_validator

from switchyard.api.fields import RequestModel, Version
from switchyard.locations.schemas import Address
from switchyard.orders.input_checks import check_attributes

Amount = Field(default=Decimal(0), ge=0, le=10**12, max_digits=18, decimal_places=4)


class CustomerIn(RequestModel):
    email: EmailStr | None = None
    name: str | None = Field(default=None, min_length=1, max_length=300)
    phone: str | None = Field(default=None, max_length=40)


class OrderLineIn(RequestModel):
    sku: str = Field(min_length=1, max_length=100)
    quantity: int = Field(gt=0, le=100_000)
    unit_price: Decimal | None = Field(
        default=None,
        ge=0,
        le=10**12,
        max_digits=18,
        decimal_places=4,
        description="defaults to the channel's price list",
    )
    discount: Decimal = Field(
        default=Decimal(0),
        ge=0,
        le=10**12,
        max_digits=18,
        decimal_places=4,
        description="amount off the whole line",
    )


class OrderFields(RequestModel):
    """What an order says besides its channel: shared by orders and drafts."""

    customer: CustomerIn = Field(default_factory=CustomerIn)
    shipping_address: Address | None = None
    billing_address: Address | None = None
    delivery_method: Literal["ship", "pickup"] = "ship"
    pickup_location: str | None = Field(
        default=None, max_length=64, description="location id or code, for pickup orders"
    )
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    shipping_charge: Decimal = Amount
    taxes: Decimal = Amount
    po_number: str | None = Field(default=None, max_length=100)
    notes: str | None = Field(default=None, max_length=5000)
    attributes: dict[str, Any] = Field(default_factory=dict, description="custom JSON fields")

    @field_validator("attributes")
    @classmethod
    def _small_attributes(cls, value: dict[str, Any]) -> dict[str, Any]:
        return check_attributes(value)


class OrderCreate(OrderFields):
    channel: str = Field(min_length=1, max_length=64, description="channel code or id")
    external_id: str = Field(min_length=1, max_length=100, description="the channel's order id")
    lines: list[OrderLineIn] = Field(min_length=1, max_length=500)


class OrderCancel(RequestModel):
    reason: str | None = Field(default=None, max_length=500)
    version: Version | None = Field(default=None, description="alternative to If-Match")


class OrderLineRead(BaseModel):
    id: str
    line_no: int
    sku: str
    quantity: int
    unit_price: str
    discount: str
    amount: str
    status: str
    quantities: dict[str, int]


class FulfillmentSummary(BaseModel):
    id: str
    location_id: str
    status: str
    carrier: str | None
    tracking_number: str | None


class HoldSummary(BaseModel):
    id: str
    type: str
    source: str
    reason: str
    placed_at: datetime | None
    placed_by: str


class OrderRead(BaseModel):
    id: str
    channel_id: str
    external_id: str
    customer_id: str | None
    email: str | None
    customer_name: str | None
    phone: str | None
    status: str
    currency: str
    subtotal: str
    shipping_charge: str
    taxes: str
    total: str
    delivery_method: str
    pickup_location_id: str | None
    shipping_address: dict[str, Any] | None
    billing_address: dict[str, Any] | None
    po_number: str | None
    notes: str | None
    attributes: dict[str, Any]
    lines: list[OrderLineRead]
    fulfillments: list[FulfillmentSummary] = []
    holds: list[HoldSummary] = Field(default=[], description="active holds (detail view)")
    held_since: datetime | None
    draft_id: str | None
    version: int
    placed_at: datetime
    updated_at: datetime


class OrderCreated(OrderRead):
    tracking_token: str = Field(description="unguessable token for the customer's tracking page")


class EventRead(BaseModel):
    seq: int
    id: str
    type: str
    occurred_at: datetime
    actor: dict[str, str]
    aggregate_type: str
    aggregate_id: str
    data: dict[str, Any]


class OrderBatch(RequestModel):
    """Orders are checked one by one, so one malformed order fails alone."""

    orders: list[Any] = Field(min_length=1, max_length=1000, description="OrderCreate bodies")


class BatchResult(BaseModel):
    index: int
    status: int
    external_id: str | None = None
    order_id: str | None = None
    order_status: str | None = None
    problem: dict[str, Any] | None = None


class BatchRead(BaseModel):
    placed: int
    failed: int
    results: list[BatchResult]
