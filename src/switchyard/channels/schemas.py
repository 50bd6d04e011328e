from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from switchyard.api.fields import PatchModel, RequestModel, Version

Code = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
SETTINGS = (
    "per-channel rules (release, invoice_prefix, po_required, ...). settings.seller is the "
    "legal entity invoices name: {legal_name, address: {line1, line2, postal_code, city, "
    "region, country_code}, vat_id, registration, iban, email, phone}; legal_name and "
    "address are required, the VAT id must fit the address's country"
)


class ChannelCreate(RequestModel):
    code: str = Code
    name: str = Field(min_length=1, max_length=200)
    type: str = Field(description="web, pos, call_center, marketplace, edi, field_sales, b2b, ...")
    currency: str = Field(min_length=3, max_length=3)
    backorder_policy: str = Field(default="deny", description="deny, backorder or preorder")
    settings: dict[str, Any] = Field(default_factory=dict, description=SETTINGS)
    location_ids: list[str] | None = Field(
        default=None, description="locations this channel sells from; empty: all"
    )


class ChannelUpdate(PatchModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    type: str | None = None
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    backorder_policy: str | None = None
    settings: dict[str, Any] | None = Field(
        default=None, description="replaces every setting; " + SETTINGS
    )
    location_ids: list[str] | None = None
    version: Version | None = Field(default=None, description="alternative to If-Match")


class ChannelRead(BaseModel):
    id: str
    code: str
    name: str
    type: str
    currency: str
    backorder_policy: str
    settings: dict[str, Any]
    location_ids: list[str]
    version: int
    created_at: datetime
    updated_at: datetime
