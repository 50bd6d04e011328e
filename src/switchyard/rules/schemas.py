from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from switchyard.api.fields import PatchModel, RequestModel, Version

Code = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
KINDS = "max_order_value, max_quantity_per_sku, blocked_customer or po_required"


class RuleCreate(RequestModel):
    code: str = Code
    description: str = Field(default="", max_length=500)
    kind: str = Field(description=KINDS)
    channel: str | None = Field(default=None, description="channel code or id; none: every channel")
    params: dict[str, Any] = Field(default_factory=dict, description="depends on the kind")
    action: str = Field(default="hold", description="error rejects the order, hold holds it")
    hold_type: str | None = Field(
        default=None, description="address, fraud, compliance, price, payment or manual"
    )
    active: bool = True


class RuleUpdate(PatchModel):
    clearable = frozenset({"hold_type"})

    description: str | None = Field(default=None, max_length=500)
    params: dict[str, Any] | None = None
    action: str | None = None
    hold_type: str | None = None
    active: bool | None = None
    version: Version | None = Field(default=None, description="alternative to If-Match")


class RuleRead(BaseModel):
    id: str
    code: str
    description: str
    kind: str
    channel_id: str | None
    params: dict[str, Any]
    action: str
    hold_type: str | None
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime
