"""Request and response models of the returns API."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from switchyard.api.fields import Count, Money, Quantity, RequestModel

Reason = Literal[
    "damaged",
    "defective",
    "wrong_item",
    "not_as_described",
    "too_small",
    "too_large",
    "changed_mind",
    "other",
]
Text = Field(default=None, max_length=2000)


class ReturnLineIn(RequestModel):
    line: str = Field(max_length=100, description="an order line id or its SKU code")
    quantity: Quantity
    reason: Reason


class ReturnCreate(RequestModel):
    order_id: str = Field(max_length=100)
    lines: list[ReturnLineIn] = Field(min_length=1, max_length=200)
    kind: Literal["return", "exchange", "advance_exchange", "claim"] = "return"
    source: Literal["staff", "store", "customer"] = "staff"
    location: str | None = Field(default=None, max_length=100, description="where it is taken")
    note: str | None = Text


class ReturnAction(RequestModel):
    note: str | None = Text


class ReceiveIn(RequestModel):
    location: str = Field(max_length=100, description="the receiving location (id or code)")
    lines: dict[str, Count] | None = Field(
        default=None, description="units received per return line id or SKU; none: all"
    )
    note: str | None = Text


class DispositionIn(RequestModel):
    line: str = Field(max_length=100, description="a return line id, order line id or SKU")
    disposition: Literal["restock", "damaged", "return_to_vendor", "destroy"]
    quantity: Quantity


class InspectIn(RequestModel):
    lines: list[DispositionIn] = Field(min_length=1, max_length=400)


class RefundLineIn(RequestModel):
    line: str = Field(max_length=100, description="an order line id or its SKU code")
    quantity: Quantity


class RefundCreate(RequestModel):
    reason: str = Field(min_length=1, max_length=200)
    lines: list[RefundLineIn] = Field(default_factory=list, max_length=200)
    shipping: Money = Decimal(0)
    fee: Money | None = Field(default=None, description="none: the policy's restocking fee")
    adjustment: Money = Field(default=Decimal(0), description="goodwill or a price adjustment")
    return_id: str | None = Field(default=None, max_length=100)


class ReturnLineRead(BaseModel):
    id: str
    order_line_id: str
    sku: str
    quantity: int
    reason: str
    received: int
    accepted: int
    damaged: int
    return_to_vendor: int
    destroyed: int


class ReturnRead(BaseModel):
    id: str
    order_id: str
    kind: str
    source: str
    status: str
    shipping_paid_by: str
    location_id: str | None
    carrier: str | None
    tracking_number: str | None
    label_url: str | None
    replacement_order_id: str | None
    note: str | None
    version: int
    created_at: str
    received_at: str | None
    lines: list[ReturnLineRead]


class RefundRead(BaseModel):
    id: str
    order_id: str
    return_id: str | None
    currency: str
    lines: list[dict[str, object]]
    goods: str
    shipping: str
    fee: str
    adjustment: str
    amount: str
    tax: str
    reason: str
    transactions: list[dict[str, object]]
    credit_notes: list[str]
    created_at: str


class RateRead(BaseModel):
    key: str
    sold: int | None = None
    returned: int
    rate: float | None = None


class AnalyticsRead(BaseModel):
    by: str
    items: list[RateRead]
