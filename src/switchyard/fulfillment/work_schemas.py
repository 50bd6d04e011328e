from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from switchyard.api.fields import RequestModel


class SlotIn(RequestModel):
    sku: str = Field(min_length=1, max_length=100, description="SKU code or id")
    zone: str = Field(min_length=1, max_length=40)
    bin: str = Field(min_length=1, max_length=40)


class SlotsPut(RequestModel):
    location: str = Field(description="location id or code")
    slots: list[SlotIn] = Field(min_length=1, max_length=5000)


class SlotRead(BaseModel):
    location_id: str
    sku_id: str
    zone: str
    bin: str


class WaveCreate(RequestModel):
    location: str = Field(description="location id or code")
    max_fulfillments: int = Field(default=50, ge=1, le=500)


class PickTarget(BaseModel):
    fulfillment_id: str
    order_line_id: str
    quantity: int


class PickEntry(BaseModel):
    bin: str | None
    sku: str
    barcode: str | None
    quantity: int
    targets: list[PickTarget]


class ZonePickList(BaseModel):
    zone: str
    picks: list[PickEntry]


class WaveMember(BaseModel):
    id: str
    order_id: str
    status: str


class WaveRead(BaseModel):
    id: str
    location_id: str
    created_at: datetime
    fulfillments: list[WaveMember]
    zones: list[ZonePickList]


class TrackingEventIn(RequestModel):
    carrier: str = Field(min_length=1, max_length=64, description="carrier code")
    tracking_number: str = Field(min_length=1, max_length=100)
    event_id: str = Field(min_length=1, max_length=100, description="the carrier's event id")
    status: Literal["in_transit", "out_for_delivery", "delivered", "exception"]
    occurred_at: datetime
    location: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=500)


class TrackingEventResult(BaseModel):
    event_id: str
    result: Literal["recorded", "duplicate"]
    fulfillment_id: str
    fulfillment_status: str
