from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from switchyard.api.fields import PositiveMoney, RequestModel, Version


class PaymentCreate(RequestModel):
    """An authorization, a pay-on-invoice promise, or a PSP result recorded by reference."""

    provider: str = Field(description="manual, invoice (pay on invoice) or external (a PSP)")
    amount: PositiveMoney | None = Field(
        default=None,
        description="defaults to what the order still needs covered",
    )
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    reference: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="the provider's reference; required for external; makes the POST idempotent",
    )
    result: Literal["authorized", "failed"] = Field(
        default="authorized", description="an external PSP's outcome"
    )
    failure_reason: str | None = Field(default=None, max_length=500)


class PaymentAction(RequestModel):
    """Capture, refund or void. Without an amount: everything there is to act on."""

    amount: PositiveMoney | None = None
    reference: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="e.g. the PSP's capture id; repeating a reference changes nothing",
    )
    reason: str | None = Field(default=None, max_length=500)
    version: Version | None = Field(default=None, description="alternative to If-Match")


class TransactionRead(BaseModel):
    id: str
    kind: str
    amount: str
    reference: str | None
    fulfillment_id: str | None
    invoice_id: str | None
    created_at: datetime


class PaymentRead(BaseModel):
    id: str
    order_id: str
    provider: str
    status: str
    currency: str
    amount: str
    authorized: str
    captured: str
    refunded: str
    voided: str
    capturable: str
    refundable: str
    provider_reference: str | None
    failure_reason: str | None
    version: int
    created_at: datetime
    updated_at: datetime
    transactions: list[TransactionRead]
