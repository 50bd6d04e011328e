from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, model_validator

from switchyard.api.fields import RequestModel


class ApiKeyCreate(RequestModel):
    name: str = Field(min_length=1, max_length=200)
    scopes: list[str] = Field(min_length=1)
    locations: list[str] | None = Field(
        default=None,
        min_length=1,
        description="restrict the key to these locations (codes or ids, as the CLI's "
        "--locations): it then sees only their fulfillments, stock work and the orders, "
        "customers, payments and invoices of orders with a fulfillment there",
    )
    location_ids: list[str] | None = Field(
        default=None, min_length=1, description="the same as ``locations`` (ids or codes)"
    )

    @model_validator(mode="after")
    def _one_location_field(self) -> ApiKeyCreate:
        if self.locations is not None and self.location_ids is not None:
            raise ValueError("give 'locations' or 'location_ids', not both")
        return self

    @property
    def restricted_to(self) -> list[str] | None:
        return self.locations if self.locations is not None else self.location_ids


class ApiKeyRead(BaseModel):
    id: str
    name: str
    prefix: str
    scopes: list[str]
    location_ids: list[str] | None
    created_at: datetime
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyRead):
    key: str = Field(description="the secret key: shown once, store it now")
