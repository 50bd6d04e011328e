from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from switchyard.api.fields import PatchModel, RequestModel, Version

OPT_OUT = (
    "no non-essential emails (order changed, delivered); order confirmations, delays, "
    "pickup, shipping and cancellation emails are always sent"
)


class CustomerAddress(RequestModel):
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


class CustomerCreate(RequestModel):
    email: str = Field(min_length=3, max_length=320, description="the customer's identity")
    name: str = Field(default="", max_length=300)
    phone: str | None = Field(default=None, max_length=40)
    email_opt_out: bool = Field(default=False, description=OPT_OUT)
    addresses: list[CustomerAddress] = Field(default_factory=list, max_length=50)


class CustomerUpdate(PatchModel):
    clearable = frozenset({"phone"})

    email: str | None = Field(default=None, min_length=3, max_length=320)
    name: str | None = Field(default=None, max_length=300)
    phone: str | None = Field(default=None, max_length=40)
    email_opt_out: bool | None = Field(default=None, description=OPT_OUT)
    version: Version | None = Field(default=None, description="alternative to If-Match")


class CustomerRead(BaseModel):
    id: str
    email: str
    name: str
    phone: str | None
    email_opt_out: bool = Field(description=OPT_OUT)
    version: int
    created_at: datetime
    updated_at: datetime


class AddressRead(BaseModel):
    id: str
    customer_id: str
    address: CustomerAddress
    created_at: datetime
