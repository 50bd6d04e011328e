"""Request and response models for the stock ledger API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, Field

from switchyard.api.fields import Count, PatchModel, Quantity, RequestModel, SignedQuantity, Version

Ref = Field(min_length=1, max_length=100, description="id or code")
Reference = Field(default=None, max_length=100, description="your document number")


class LevelRead(BaseModel):
    sku_id: str
    location_id: str
    on_hand: int
    reserved: int
    safety_stock: int
    reorder_point: int | None
    available: int
    updated_at: datetime


class LevelSettingsUpdate(PatchModel):
    clearable = frozenset({"reorder_point"})

    safety_stock: Count | None = None
    reorder_point: Count | None = Field(default=None, description="null clears it")


class ReceiptCreate(RequestModel):
    sku: str = Ref
    location: str = Ref
    quantity: Quantity
    reference: str | None = Reference


class AdjustmentCreate(RequestModel):
    sku: str = Ref
    location: str = Ref
    quantity: SignedQuantity = Field(description="signed change of on_hand, not 0")
    reason: str = Field(min_length=1, max_length=200, description="damaged, found, ...")
    reference: str | None = Reference


class CountCreate(RequestModel):
    sku: str = Ref
    location: str = Ref
    counted: Count
    counted_at: AwareDatetime | None = Field(
        default=None, description="when counted; later movements are kept on top"
    )
    reference: str | None = Reference


class LevelChangeRead(BaseModel):
    sku_id: str
    location_id: str
    on_hand: int
    reserved: int
    available: int
    difference: int | None = None


class MovementRead(BaseModel):
    id: str
    sku_id: str
    location_id: str
    kind: str
    quantity: int
    reason: str | None
    reference: str | None
    occurred_at: datetime
    actor_id: str


class SyncItem(RequestModel):
    sku: str = Ref
    quantity: Count


class SyncCreate(RequestModel):
    location: str = Ref
    mode: str = Field(default="full", description="full snapshot or signed deltas")
    as_of: AwareDatetime | None = Field(
        default=None, description="when the snapshot was taken (full mode)"
    )
    reference: str | None = Reference
    items: list[SyncItem] = Field(max_length=50_000)


class SyncRead(BaseModel):
    location_id: str
    mode: str
    rows: int
    changed: int
    created: int
    unchanged: int
    units_added: int
    units_removed: int
    shorted: list[str]


class LineIn(RequestModel):
    sku: str = Ref
    quantity: Quantity


class TransferCreate(RequestModel):
    from_location: str = Ref
    to_location: str = Ref
    eta: AwareDatetime | None = None
    reference: str | None = Reference
    lines: list[LineIn] = Field(min_length=1, max_length=1000)


class ReceiveLines(RequestModel):
    lines: list[LineIn] | None = Field(default=None, description="omit: everything due")
    close: bool = Field(default=False, description="nothing more will arrive")


class TransferLineRead(BaseModel):
    sku_id: str
    quantity: int
    received: int


class TransferRead(BaseModel):
    id: str
    from_location_id: str
    to_location_id: str
    status: str
    reference: str | None
    eta: datetime | None
    lines: list[TransferLineRead]
    created_at: datetime
    updated_at: datetime


class PurchaseOrderCreate(RequestModel):
    reference: str = Field(min_length=1, max_length=100)
    supplier: str | None = Field(default=None, max_length=200)
    location: str = Ref
    eta: AwareDatetime
    lines: list[LineIn] = Field(min_length=1, max_length=1000)


class PurchaseOrderUpdate(PatchModel):
    eta: AwareDatetime
    version: Version | None = Field(default=None, description="alternative to If-Match")


class PurchaseOrderLineRead(BaseModel):
    sku_id: str
    quantity: int
    received: int
    preordered: int


class PurchaseOrderRead(BaseModel):
    id: str
    reference: str
    supplier: str | None
    location_id: str
    eta: datetime
    status: str
    lines: list[PurchaseOrderLineRead]
    version: int
    created_at: datetime
    updated_at: datetime


class VerifyRead(BaseModel):
    clean: bool
    differences: list[dict[str, Any]]
