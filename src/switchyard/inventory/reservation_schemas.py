"""Request and response models for holds, reservations, availability and selling rules."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, Field

from switchyard.api.fields import Count, Quantity, RequestModel

Ref = Field(min_length=1, max_length=100, description="id or code")


class HoldLine(RequestModel):
    sku: str = Ref
    location: str = Ref
    quantity: Quantity


class HoldCreate(RequestModel):
    lines: list[HoldLine] = Field(min_length=1, max_length=200)
    expires_at: AwareDatetime | None = Field(default=None, description="default: ttl_seconds")
    ttl_seconds: int = Field(default=900, ge=1, le=7 * 86400)


class ReservationRead(BaseModel):
    id: str
    order_id: str | None
    order_line_id: str | None
    hold_id: str | None
    sku_id: str
    location_id: str
    quantity: int
    consumed: int
    status: str
    supply_line_id: str | None
    expires_at: datetime | None
    created_at: datetime
    updated_at: datetime


class HoldRead(BaseModel):
    id: str
    status: str
    expires_at: datetime | None
    lines: list[ReservationRead]


class ReleaseRead(BaseModel):
    released: int


class IncomingRead(BaseModel):
    location_id: str
    eta: datetime | None
    quantity: int
    unpromised: int
    source: str
    source_id: str


class LocationAvailability(BaseModel):
    location_id: str
    location_code: str
    available: int
    on_hand: int | None = None
    reserved: int | None = None
    safety_stock: int | None = None
    incoming: list[IncomingRead] = []


class FuturePoint(BaseModel):
    date: datetime
    available: int


class AvailabilityRead(BaseModel):
    sku_id: str
    sku: str
    is_kit: bool
    available: int = Field(description="sellable: total less the channel's protection")
    available_total: int
    protection: int
    on_hand: int | None
    reserved: int | None
    locations: list[LocationAvailability]
    incoming: list[IncomingRead]
    future: list[FuturePoint]


class FeedItem(BaseModel):
    sku_id: str
    sku: str
    available: int


class PolicyUpdate(RequestModel):
    backorder_policy: str | None = Field(description="deny, backorder, preorder; null: channel's")


class PolicyRead(BaseModel):
    sku_id: str
    backorder_policy: str | None
    channel_id: str | None = None
    effective: str


class ProtectionUpdate(RequestModel):
    sku: str | None = Field(default=None, description="omit for every SKU of the channel")
    quantity: Count | None = Field(description="null removes the protection")


class ProtectionSku(BaseModel):
    sku_id: str
    quantity: int


class ProtectionsRead(BaseModel):
    channel_id: str
    default: int | None
    skus: list[ProtectionSku]
