"""Request and response models of the import API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from switchyard.api.fields import RequestModel


class PartnerCreate(RequestModel):
    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    name: str = Field(min_length=1, max_length=200)
    format: Literal["csv", "x12", "edifact", "shopify"]
    sender_id: str | None = Field(
        default=None, max_length=64, description="ISA06 / UNB sender / Shopify shop domain"
    )
    channel: str = Field(min_length=1, max_length=64, description="channel code or id")
    settings: dict[str, Any] = Field(
        default_factory=dict,
        description="sku_xref {buyer part: sku}, default_country, gln_addresses, secret",
    )


class PartnerRead(BaseModel):
    id: str
    code: str
    name: str
    format: str
    sender_id: str | None
    channel: str
    created_at: datetime


class ImportedOrder(BaseModel):
    seq: int
    external_id: str | None
    position: str
    status: str = Field(description="placed | duplicate | rejected")
    order_id: str | None
    errors: list[dict[str, str]]


class ImportRead(BaseModel):
    id: str
    source: str
    format: str
    partner_id: str | None
    channel: str | None
    filename: str | None
    checksum: str
    size: int
    atomic: bool
    status: str = Field(description="received | parsed | placed | partially_placed | rejected")
    errors: list[dict[str, str]]
    counts: dict[str, int]
    received_at: datetime
    processed_at: datetime | None
    duplicate: bool = Field(default=False, description="the same bytes were imported before")
    orders: list[ImportedOrder] = []


class ImportList(BaseModel):
    items: list[ImportRead]
    next_cursor: str | None
