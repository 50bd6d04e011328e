from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from switchyard.api.fields import (
    Latitude,
    Longitude,
    PatchModel,
    RequestModel,
    SmallCount,
    Version,
    Weekday,
)


class Address(RequestModel):
    """A postal address. ``country_code`` is ISO 3166-1 alpha-2."""

    name: str | None = Field(default=None, max_length=300)
    company: str | None = Field(default=None, max_length=300)
    line1: str = Field(min_length=1, max_length=300)
    line2: str | None = Field(default=None, max_length=300)
    city: str = Field(min_length=1, max_length=200)
    region: str | None = Field(default=None, max_length=100)
    postal_code: str | None = Field(default=None, max_length=20)
    country_code: str = Field(min_length=2, max_length=2, pattern=r"^[A-Z]{2}$")
    phone: str | None = Field(default=None, max_length=40)


class LocationCreate(RequestModel):
    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    name: str = Field(min_length=1, max_length=200)
    type: str = Field(description="warehouse, store, 3pl or dropship")
    address: Address
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    timezone: str | None = Field(default=None, description="IANA zone, e.g. Europe/Berlin")
    capabilities: list[str] | None = Field(
        default=None, description="ship, pickup, ship_from_store, returns"
    )
    daily_capacity: SmallCount | None = Field(
        default=None, description="fulfillments a day; empty: no limit"
    )
    processing_days: list[Weekday] | None = Field(
        default=None, max_length=7, description="ISO weekdays, 1 = Monday"
    )
    cutoff_time: str | None = Field(default=None, description="HH:MM local time")


class LocationUpdate(PatchModel):
    clearable = frozenset({"latitude", "longitude", "daily_capacity"})

    name: str | None = Field(default=None, min_length=1, max_length=200)
    type: str | None = None
    address: Address | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    timezone: str | None = None
    capabilities: list[str] | None = None
    daily_capacity: SmallCount | None = None
    processing_days: list[Weekday] | None = Field(default=None, max_length=7)
    cutoff_time: str | None = None
    active: bool | None = None
    version: Version | None = Field(default=None, description="alternative to If-Match")


class LocationRead(BaseModel):
    id: str
    code: str
    name: str
    type: str
    address: dict[str, Any]
    latitude: float | None
    longitude: float | None
    timezone: str
    capabilities: list[str]
    daily_capacity: int | None
    processing_days: list[int]
    cutoff_time: str
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime
