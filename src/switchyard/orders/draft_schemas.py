"""Request and response models for staff draft orders."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from switchyard.api.fields import PatchModel, RequestModel, Version
from switchyard.orders.schemas import OrderFields, OrderLineIn


class DraftCreate(OrderFields):
    """A draft needs only its channel; everything else can be filled in later."""

    channel: str = Field(min_length=1, max_length=64, description="channel code or id")
    external_id: str | None = Field(
        default=None, min_length=1, max_length=100, description="defaults to the draft's id"
    )
    lines: list[OrderLineIn] = Field(default_factory=list, max_length=500)


class DraftUpdate(OrderFields, PatchModel):
    """Fields to change; those left out stay. ``lines`` replaces all lines."""

    clearable = frozenset(
        {"shipping_address", "billing_address", "pickup_location", "currency", "po_number"}
        | {"notes", "external_id"}
    )

    external_id: str | None = Field(default=None, min_length=1, max_length=100)
    lines: list[OrderLineIn] | None = Field(default=None, max_length=500)
    version: Version | None = Field(default=None, description="alternative to If-Match")


class DraftPlace(RequestModel):
    version: Version | None = Field(default=None, description="alternative to If-Match")
    external_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="the channel's order id for the order; instead of the draft's "
        "(which defaults to the draft's id). 409 `order_exists` if the channel has it",
    )


class DraftRead(BaseModel):
    id: str
    channel_id: str
    status: str
    content: dict[str, Any] = Field(description="the order as drafted so far")
    order_id: str | None
    created_by: str
    version: int
    created_at: datetime
    updated_at: datetime
