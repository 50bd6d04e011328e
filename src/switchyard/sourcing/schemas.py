"""Request and response models: sourcing profiles, location settings, decisions, promise."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from switchyard.api.fields import Kilometres, PatchModel, RequestModel, Version

Money = Field(ge=0, le=10**6, max_digits=12, decimal_places=4)


class FiltersIn(RequestModel):
    location_types: list[str] | None = Field(
        default=None, description="warehouse, store, 3pl, dropship; empty: all"
    )
    networks: list[str] = Field(default_factory=list, description="empty: any network")
    ship_from_store: bool = True
    max_distance_km: Kilometres | None = None
    exclude_rejecting: bool = True
    respect_capacity: bool = True
    respect_safety_stock: bool = True


class ZoneIn(RequestModel):
    name: str = Field(min_length=1, max_length=20)
    max_km: Kilometres | None = Field(default=None, description="null: the last, open zone")
    base: Decimal = Money
    per_kg: Decimal = Money
    transit_days: int = Field(ge=0, le=60)


class RateIn(RequestModel):
    per_shipment: Decimal = Money
    per_unit: Decimal = Money


class CostModelIn(RequestModel):
    """Carrier zones and handling rates; anything left out comes from the default model
    (``GET /sourcing/cost-models/default``)."""

    model_config = ConfigDict(extra="forbid")

    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    zones: list[ZoneIn] | None = Field(default=None, min_length=1, max_length=20)
    handling_by_type: dict[str, RateIn] = Field(default_factory=dict)
    handling_by_location: dict[str, RateIn] = Field(
        default_factory=dict, description="by location id or code"
    )
    split_penalty: Decimal | None = Field(default=None, ge=0, le=10**6, decimal_places=4)
    transfer_factor: Decimal | None = Field(
        default=None,
        ge=0,
        le=100,
        decimal_places=4,
        description="share of the carrier zone price a transfer leg to a merge node pays "
        "(default 0.5)",
    )


class ProfileFields(RequestModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    strategy: str | None = Field(
        default=None,
        description="priority, nearest, highest_stock, fewest_shipments or lowest_cost",
    )
    filters: FiltersIn | None = None
    max_splits: int | None = Field(default=None, ge=0, le=100, description="null: no limit")
    fulfilment: str | None = Field(default=None, description="ship_complete or ship_available")
    keep_kits_together: bool | None = None
    pickup_transfers: bool | None = Field(
        default=None, description="may other locations supply a pickup store (ship to store)"
    )
    merge_nodes: list[str] | None = Field(
        default=None,
        max_length=20,
        description="consolidation: locations (ids or codes) where a split order's "
        "shipments may meet by transfer and leave as one parcel when that is cheaper; "
        "[] for none",
    )
    cost_model: CostModelIn | None = None


class ProfileCreate(ProfileFields):
    channel: str | None = Field(default=None, max_length=64, description="channel id or code")
    based_on: str | None = Field(
        default=None, max_length=40, description="copy this profile version, then apply changes"
    )


class ProfileUpdate(ProfileFields, PatchModel):
    clearable = frozenset({"max_splits"})

    revision: Version | None = Field(default=None, description="alternative to If-Match")


class ProfileRead(BaseModel):
    id: str | None
    channel_id: str
    name: str
    version: int
    status: str
    strategy: str
    filters: dict[str, Any]
    max_splits: int | None
    fulfilment: str
    keep_kits_together: bool
    pickup_transfers: bool
    merge_nodes: list[str]
    cost_model: dict[str, Any]
    revision: int
    created_at: datetime | None = None
    updated_at: datetime | None = None
    activated_at: datetime | None = None


class LocationSettingsIn(RequestModel):
    priority: int = Field(default=100, ge=0, le=1_000_000, description="lower goes first")
    networks: list[str] = Field(default_factory=list, max_length=50)
    handling_days: int = Field(default=0, ge=0, le=30)
    holidays: list[date] = Field(default_factory=list, max_length=400)
    opens: str = Field(default="09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    closes: str = Field(default="20:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    pickup_lead_minutes: int = Field(default=120, ge=0, le=1440)


class LocationSettingsRead(LocationSettingsIn):
    location_id: str


class ReoptimizeIn(RequestModel):
    channel: str | None = Field(default=None, max_length=64)
    limit: int = Field(default=2000, ge=1, le=20_000, description="fulfillments considered")
    time_limit: float = Field(default=20.0, gt=0, le=300, description="seconds for the solver")
    dry_run: bool = False


class OrderSourcingRead(BaseModel):
    order_id: str
    promise: dict[str, Any] | None
    fulfillments: list[dict[str, Any]]
    decisions: list[dict[str, Any]]


class PromiseReason(BaseModel):
    """Why there is no option; ``code`` is stable. Further fields depend on the code:
    ``max_distance_km`` and ``nearest_km`` (``destination_not_served``), ``locations``
    with their ``failed_filters`` (``all_locations_filtered``), ``lines`` with
    ``quantity`` and ``available`` (``not_enough_stock``)."""

    model_config = ConfigDict(extra="allow")

    code: Literal[
        "no_stock",
        "destination_not_served",
        "all_locations_filtered",
        "not_enough_stock",
        "no_plan",
    ]
    detail: str
    skus: list[str] = Field(description="the SKU codes it is about")


class PromiseRead(BaseModel):
    at: datetime
    destination: dict[str, Any]
    options: list[dict[str, Any]]
    reasons: list[PromiseReason] = Field(
        default_factory=list, description="why there is no option (empty when there are)"
    )
