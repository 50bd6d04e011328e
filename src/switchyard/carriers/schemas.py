from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from switchyard.api.fields import Days, Grams, Money, PatchModel, RequestModel, Version, Zone

CODE = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


class RateIn(RequestModel):
    zone: Zone
    max_weight_grams: Grams
    amount: Money


class ServiceIn(RequestModel):
    code: str = Field(min_length=1, max_length=64, pattern=CODE)
    name: str = Field(min_length=1, max_length=200)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    active: bool = True
    rates: list[RateIn] = Field(default_factory=list, max_length=500)
    transit_days: dict[Zone, Days] = Field(
        default_factory=dict, description='working days per zone, e.g. {"1": 1, "4": 2}'
    )


class ServicePut(RequestModel):
    name: str = Field(min_length=1, max_length=200)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    active: bool = True
    rates: list[RateIn] = Field(default_factory=list, max_length=500)
    transit_days: dict[Zone, Days] = Field(default_factory=dict)
    version: Version | None = Field(default=None, description="alternative to If-Match")


class CarrierCreate(RequestModel):
    code: str = Field(min_length=1, max_length=64, pattern=CODE)
    name: str = Field(min_length=1, max_length=200)
    tracking_pattern: str | None = Field(
        default=None,
        max_length=60,
        description="# digit, @ letter, ! Luhn check digit; empty: the carrier supplies numbers",
    )
    tracking_url: str | None = Field(default=None, max_length=500)
    active: bool = True
    services: list[ServiceIn] = Field(default_factory=list, max_length=50)


class CarrierUpdate(PatchModel):
    clearable = frozenset({"tracking_pattern", "tracking_url"})

    name: str | None = Field(default=None, min_length=1, max_length=200)
    tracking_pattern: str | None = Field(default=None, max_length=60)
    tracking_url: str | None = Field(default=None, max_length=500)
    active: bool | None = None
    version: Version | None = Field(default=None, description="alternative to If-Match")


class RateRead(BaseModel):
    zone: int
    max_weight_grams: int
    amount: str


class ServiceRead(BaseModel):
    code: str
    name: str
    currency: str
    active: bool
    rates: list[RateRead]
    transit_days: dict[int, int]


class CarrierRead(BaseModel):
    id: str
    code: str
    name: str
    tracking_pattern: str | None
    tracking_url: str | None
    active: bool
    version: int
    services: list[ServiceRead]
    created_at: datetime
    updated_at: datetime


class PlaceIn(RequestModel):
    country_code: str = Field(pattern=r"^[A-Z]{2}$")
    postal_code: str | None = Field(default=None, max_length=20)
    city: str | None = Field(default=None, max_length=200)


class QuoteRequest(RequestModel):
    location: str = Field(description="origin location id or code")
    destination: PlaceIn
    weights_grams: list[Grams] = Field(min_length=1, max_length=100, description="one per package")
    deliver_by: date | None = None
    ship_date: date | None = None
    carriers: list[str] | None = Field(default=None, description="carrier codes to consider")


class QuoteRead(BaseModel):
    carrier: str
    service: str
    service_name: str
    amount: str
    currency: str
    transit_days: int
    ship_date: date
    estimated_delivery: date
    meets_promise: bool | None


class ZoneRead(BaseModel):
    zone: int
    distance_km: float | None
    basis: str


class QuoteResponse(BaseModel):
    zone: ZoneRead
    quotes: list[QuoteRead]
    best: QuoteRead | None


class CentroidIn(RequestModel):
    country_code: str = Field(pattern=r"^[A-Z]{2}$")
    postal_code: str | None = Field(default=None, max_length=20, description="a code or prefix")
    city: str | None = Field(default=None, max_length=200)
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)


class CentroidsPut(RequestModel):
    centroids: list[CentroidIn] = Field(min_length=1, max_length=10_000)


class CentroidRead(BaseModel):
    country_code: str
    kind: str
    key: str
    latitude: float
    longitude: float
