from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from switchyard.api.fields import RequestModel


class ApiKeyCreate(RequestModel):
    name: str = Field(min_length=1, max_length=200)
    scopes: list[str] = Field(min_length=1)
    location_ids: list[str] | None = Field(
        default=None, description="restrict the key to these locations' fulfillments"
    )


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
