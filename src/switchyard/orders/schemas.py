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
    carry_out: bool = Field(
        default=False,
        description="a sale at the till: with delivery_method pickup at that store, the units"
        " are reserved there and handed over at once (no pick, pack or transfer)",
    )


class OrderCancel(RequestModel):
    reason: str | None = Field(default=None, max_length=500)
    version: Version | None = Field(default=None, description="alternative to If-Match")


class PreorderRead(BaseModel):
    """Units waiting for a purchase order rather than for stock (``backordered`` in the
    quantities and the status): they ship when it arrives, so no cut-off applies."""

    quantity: int = Field(description="units preordered")
    expected_at: datetime = Field(description="when the (last) purchase order is expected")


class OrderLineRead(BaseModel):
    id: str
    line_no: int
    sku: str
    quantity: int = Field(
        description="units the customer gets: ordered less cancelled (`quantities` itemises)"
    )
    unit_price: str
    discount: str
    amount: str
    status: str
    preorder: PreorderRead | None = Field(
        default=None, description="set while some of its units are preordered"
    )
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


class RiskSummary(BaseModel):
    """A reason the order may miss its promise (``switchyard.jeopardy.rules``)."""

    id: str
    fulfillment_id: str
    location_id: str
    reason: str = Field(
        description="not_released_by_cutoff | not_acknowledged | not_picked_by_deadline | "
        "not_shipped_by_ship_by | no_carrier_scan | not_ready_for_pickup | late"
    )
    due_at: datetime = Field(description="the deadline that passed")
    detected_at: datetime
    details: dict[str, Any]


class EstimatedTax(BaseModel):
    """The tax the order's invoices will charge, worked out the way they will."""

    amount: str = Field(description="tax on the open lines and shipping")
    rate: str = Field(description="percent; for basis `order` the taxes' effective rate")
    basis: Literal["order", "channel_rate"] = Field(
        description="`order`: the `taxes` sent with the order; `channel_rate`: the "
        "channel's rate for `country` (settings.tax_rates, else the standard VAT rate, "
        "else settings.default_tax_rate)"
    )
    country: str | None = Field(description="the destination the rate is for")
    included_in_prices: bool = Field(
        description="the prices already contain the tax (settings.prices_include_tax)"
    )
    total: str = Field(
        description="what the invoices add up to, tax included (what payments cover); "
        "invoices of split shipments round per line and may differ by cents"
    )


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
    taxes: str = Field(description="the taxes sent with the order (0: see `estimated_tax`)")
    total: str = Field(description="line amounts + shipping_charge + taxes")
    estimated_tax: EstimatedTax | None = Field(
        default=None,
        description="the tax the invoices will charge; null while the channel's tax "
        "settings cannot be used",
    )
    preorder: PreorderRead | None = Field(
        default=None,
        description="set while units of the order wait for a purchase order (the lines' "
        "total, and the latest expected)",
    )
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
    at_risk_since: datetime | None = Field(
        default=None, description="since when the order may miss its promise (null: on track)"
    )
    risks: list[RiskSummary] = Field(
        default=[], description="why it may miss its promise: its active risks (detail view)"
    )
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
