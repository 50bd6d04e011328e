from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from switchyard.api.fields import PatchModel, Percent, RequestModel, Version

CountryCode = Field(min_length=2, max_length=2, pattern=r"^[A-Za-z]{2}$")


class PartyListRead(BaseModel):
    generation: str | None = Field(description="changes with every load")
    count: int
    sha256: str | None = Field(description="of the loaded file")
    loaded_at: datetime | None
    loaded_by: str | None
    sources: dict[str, int] = Field(description="parties per source list")


class PartyListLoaded(PartyListRead):
    skipped_rows: int = Field(description="rows without a name")
    skipped: list[dict[str, object]] = Field(description="the first skipped rows and why")


class DeniedPartyRead(BaseModel):
    id: str
    source_id: str
    source: str
    entity_type: str
    name: str
    alt_names: list[str]
    programs: list[str]
    countries: list[str]
    addresses: str


class ScreeningMatch(BaseModel):
    party_id: str
    listed_name: str
    matched_name: str
    source: str
    programs: list[str]
    score: float
    method: str = Field(description="exact, all_words or fuzzy")


class ScreeningRead(BaseModel):
    name: str
    threshold: float
    screenable: bool
    match: ScreeningMatch | None


class EmbargoCreate(RequestModel):
    country_code: str = CountryCode
    action: str = Field(default="error", description="error rejects orders, hold holds them")
    reason: str = Field(default="", max_length=500)


class EmbargoUpdate(PatchModel):
    action: str | None = None
    reason: str | None = Field(default=None, max_length=500)
    version: Version | None = Field(default=None, description="alternative to If-Match")


class EmbargoRead(BaseModel):
    id: str
    country_code: str
    action: str
    reason: str
    version: int
    created_at: datetime
    updated_at: datetime


class ComplianceSettingsUpdate(PatchModel):
    screening_threshold: Percent | None = Field(
        default=None, description="0-100: how alike a name must be to a listed one to hold"
    )
    hold_unscreenable_names: bool | None = Field(
        default=None, description="hold orders naming parties in scripts the list cannot match"
    )
    version: Version | None = Field(default=None, description="alternative to If-Match")


class ComplianceSettingsRead(BaseModel):
    screening_threshold: float
    hold_unscreenable_names: bool
    version: int
    updated_at: datetime | None
