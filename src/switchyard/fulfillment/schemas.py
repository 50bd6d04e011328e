from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from switchyard.api.fields import PatchModel, RequestModel, Version


class FulfillmentLineRead(BaseModel):
    order_line_id: str
    sku_id: str
    sku: str | None = Field(default=None, description="the SKU code")
    name: str | None = None
    quantity: int
    qty_picked: int
    qty_packed: int
    qty_short: int


class PackageItemRead(BaseModel):
    order_line_id: str
    quantity: int


class PackageRead(BaseModel):
    id: str
    number: int
    items: list[PackageItemRead]
    weight_grams: int | None
    length_mm: int | None
    width_mm: int | None
    height_mm: int | None
    carrier: str | None
    service: str | None
    tracking_number: str | None
    status: str
    shipping_cost: str | None
    currency: str | None
    estimated_delivery: date | None


class FulfillmentRead(BaseModel):
    id: str
    order_id: str
    order_reference: str | None = Field(default=None, description="the channel's order id")
    location_id: str
    status: str
    delivery_method: str
    ship_to: dict[str, Any] | None = Field(
        default=None,
        description="the shipping address (none for pickups; the store's for a ship to store)",
    )
    ship_to_location_id: str | None = Field(
        default=None,
        description="ship to store: the pickup store the parcel goes to; merge leg: the merge node",
    )
    purpose: str | None = Field(
        default=None,
        description="null (a parcel to the customer), ship_to_store, merge_leg (a transfer "
        "to the merge node) or consolidated (the merge node's parcel, picked once its legs "
        "arrived)",
    )
    legs: list[dict[str, Any]] = Field(
        default_factory=list,
        description="consolidated: its merge legs, `{id, location_id, status}`",
    )
    carrier: str | None
    tracking_number: str | None
    version: int
    lines: list[FulfillmentLineRead]
    packages: list[PackageRead] = []
    wave_id: str | None = None
    cancel_reason: str | None = None
    note: str | None = None
    pickup_deadline: datetime | None = None
    promised_delivery: date | None = None


class LineRef(RequestModel):
    """An order line of the fulfillment, named by its id or by a SKU code or barcode."""

    order_line_id: str | None = None
    sku: str | None = Field(default=None, description="SKU code, barcode or id")
    quantity: int = Field(ge=0, le=100_000)

    @model_validator(mode="after")
    def _one_ref(self) -> LineRef:
        if (self.order_line_id is None) == (self.sku is None):
            raise ValueError("give order_line_id or sku")
        return self


class PickConfirm(RequestModel):
    lines: list[LineRef] | None = Field(
        default=None,
        description="picked quantities; omitted: as scanned if scanning began, else all",
    )
    allow_short: bool = Field(
        default=False, description="fewer than ordered is a short pick: the rest is re-sourced"
    )


class ScanIn(RequestModel):
    code: str = Field(min_length=1, max_length=100, description="SKU code or barcode scanned")
    quantity: int = Field(default=1, ge=1, le=10_000)


class PackageIn(RequestModel):
    items: list[LineRef] | None = Field(
        default=None, description="omitted (one package only): everything picked"
    )
    weight_grams: int | None = Field(default=None, gt=0, le=1_000_000)
    length_mm: int | None = Field(default=None, gt=0, le=10_000)
    width_mm: int | None = Field(default=None, gt=0, le=10_000)
    height_mm: int | None = Field(default=None, gt=0, le=10_000)
    carrier: str | None = Field(default=None, max_length=64)
    service: str | None = Field(default=None, max_length=64)
    tracking_number: str | None = Field(default=None, min_length=1, max_length=100)


class PackConfirm(RequestModel):
    packages: list[PackageIn] | None = Field(
        default=None, max_length=200, description="omitted: one package with everything"
    )


class LabelRequest(RequestModel):
    carrier: str | None = Field(default=None, description="carrier code; omitted: rate shopping")
    service: str | None = None
    carriers: list[str] | None = Field(default=None, description="carriers to shop among")
    deliver_by: date | None = Field(
        default=None, description="the date to meet; default the fulfillment's promise"
    )
    tracking_numbers: list[str] | None = Field(
        default=None, description="for carriers that hand out their own: one per package"
    )


class ShipConfirm(RequestModel):
    carrier: str | None = Field(default=None, min_length=1, max_length=64)
    tracking_number: str | None = Field(default=None, min_length=1, max_length=100)


class ReasonIn(RequestModel):
    reason: str | None = Field(default=None, max_length=500)


class PickupReady(RequestModel):
    hold_days: int = Field(default=7, ge=1, le=60, description="days before it is returned")


class PickupReadyRead(FulfillmentRead):
    """The ready-for-pickup answer: the fulfillment and the code the customer collects
    with, for the store to hand over or print (only here, to keys that may set it ready)."""

    pickup_code: str | None = Field(
        default=None, description="while it waits at the counter; null once collected"
    )


class PickupConfirm(RequestModel):
    pickup_code: str = Field(min_length=1, max_length=12)


class FulfillmentUpdate(PatchModel):
    clearable = frozenset({"promised_delivery"})

    delivery_method: Literal["ship", "pickup"] | None = None
    promised_delivery: date | None = None
    version: Version | None = Field(default=None, description="alternative to If-Match")


class StatusUpdate(RequestModel):
    """A status report from an external fulfilment system."""

    status: Literal["accepted", "rejected", "picked", "packed", "shipped", "delivered"]
    reason: str | None = Field(default=None, max_length=500)
    carrier: str | None = Field(default=None, max_length=64)
    tracking_number: str | None = Field(default=None, min_length=1, max_length=100)
    packages: list[PackageIn] | None = Field(default=None, max_length=200)
    lines: list[LineRef] | None = Field(default=None, description="picked quantities")


class AppliedStep(BaseModel):
    step: str
    inferred: bool


class StatusUpdateResult(BaseModel):
    fulfillment: FulfillmentRead
    applied: list[AppliedStep]


class ReleaseFilter(RequestModel):
    location: str | None = Field(default=None, description="location id or code")
    order_id: str | None = None
    created_before: datetime | None = None
    limit: int = Field(default=100, ge=1, le=1000)


class HeldRead(BaseModel):
    fulfillment_id: str
    order_id: str
    reason: str


class ReleaseResultRead(BaseModel):
    released: list[str]
    held: list[HeldRead]
