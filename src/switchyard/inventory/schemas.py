"""Request and response models for the stock ledger API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, Field

from switchyard.api.fields import Count, PatchModel, Quantity, RequestModel, SignedQuantity, Version
from switchyard.inventory.snapshot import CHANGES_SHOWN, DEFAULT_MAX_REMOVAL_RATIO

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
    quantity: SignedQuantity = Field(
        description="full mode: the counted on_hand (0 or more); delta mode: a signed change"
    )


class SyncCreate(RequestModel):
    location: str = Ref
    mode: str = Field(
        default="full",
        description="`full`: a snapshot of counted on_hand (needs `scope`); "
        "`delta`: signed changes of the listed SKUs",
    )
    scope: Literal["location", "listed"] | None = Field(
        default=None,
        description="What a full snapshot covers; required in full mode (422 `invalid_sync`, "
        "field `scope`, code `scope_required`, without it). `location`: every SKU at the "
        "location; SKUs held there but absent from `items` are counted as 0. `listed`: only "
        "the SKUs in `items` are set; every other balance is left alone. Delta mode: omit "
        "it (or `listed`).",
    )
    as_of: AwareDatetime | None = Field(
        default=None,
        description="when the snapshot was taken (full mode): movements recorded since are "
        "kept on top of the counted figures",
    )
    reference: str | None = Reference
    dry_run: bool = Field(
        default=False,
        description="Compute and answer exactly what this sync would do (the same result, "
        "or the same refusal) and change nothing: no balance, movement or event. Not stored "
        "under an Idempotency-Key.",
    )
    max_removal_ratio: float = Field(
        default=DEFAULT_MAX_REMOVAL_RATIO,
        ge=0,
        le=1,
        description="Full mode: refuse (409 `snapshot_removes_too_much`) a snapshot that "
        "would take away more than this share of the location's on-hand units, or zero more "
        "than this share of its SKUs in stock.",
    )
    force: bool = Field(
        default=False,
        description="apply a full snapshot even when it removes more than `max_removal_ratio`",
    )
    items: list[SyncItem] = Field(max_length=50_000)


class SyncChangeRead(BaseModel):
    sku_id: str
    sku: str = Field(description="the SKU code")
    before: int = Field(description="on_hand before the sync")
    after: int = Field(description="on_hand after it")


class SyncRead(BaseModel):
    location_id: str
    mode: str
    scope: str | None = Field(description="full mode: `location` or `listed`; delta: null")
    dry_run: bool = Field(description="true: nothing was changed; this is what would be")
    rows: int
    changed: int
    created: int
    unchanged: int
    units_added: int
    units_removed: int
    skus_zeroed: int = Field(description="SKUs that had stock and have none after")
    units_on_hand: int = Field(description="on_hand of the whole location before the sync")
    shorted: list[str] = Field(description="SKU ids whose reservations fell short")
    changes: list[SyncChangeRead] = Field(
        description=f"per-SKU changes, biggest first, at most {CHANGES_SHOWN} "
        "(the counts cover them all)"
    )
    changes_truncated: bool = Field(description="more SKUs changed than `changes` lists")


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
