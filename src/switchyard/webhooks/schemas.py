from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from switchyard.api.fields import PatchModel, RequestModel, Version

EventTypes = Field(
    min_length=1,
    max_length=50,
    description="'*', a family wildcard (order.*, fulfillment.*, shipment.*, inventory.*, "
    "return.*) or exact types such as 'order.placed'",
)


class WebhookEndpointCreate(RequestModel):
    url: str = Field(min_length=1, max_length=2000, description="http(s) URL that receives POSTs")
    description: str | None = Field(default=None, max_length=500)
    event_types: list[str] = EventTypes
    channel_ids: list[str] | None = Field(
        default=None, description="channel ids or codes; empty: every channel"
    )
    enabled: bool = True
    secret: str | None = Field(
        default=None, description="whsec_ + base64 of 24-64 bytes; generated when omitted"
    )


class WebhookEndpointUpdate(PatchModel):
    clearable = frozenset({"description", "channel_ids"})

    url: str | None = Field(default=None, min_length=1, max_length=2000)
    description: str | None = Field(default=None, max_length=500)
    event_types: list[str] | None = Field(default=None, min_length=1, max_length=50)
    channel_ids: list[str] | None = None
    enabled: bool | None = None
    version: Version | None = Field(default=None, description="alternative to If-Match")


class WebhookEndpointRead(BaseModel):
    id: str
    url: str
    description: str | None
    event_types: list[str]
    channel_ids: list[str]
    enabled: bool
    disabled_reason: str | None = Field(description="manual, or gone after a 410 answer")
    previous_secret_expires_at: datetime | None = Field(
        description="until then the previous secret signs too (after a rotation)"
    )
    version: int
    created_at: datetime
    updated_at: datetime


class WebhookEndpointWithSecret(WebhookEndpointRead):
    """Returned on create and on rotation only: the secret is never shown again."""

    secret: str


class SecretRotate(RequestModel):
    keep_previous_seconds: int = Field(
        default=86400,
        ge=0,
        le=7 * 86400,
        description="how long the old secret keeps signing too (0: stop at once)",
    )
    secret: str | None = Field(default=None, description="the new secret; generated if omitted")


class WebhookAttemptRead(BaseModel):
    number: int
    worker_id: str
    started_at: datetime
    finished_at: datetime | None
    status_code: int | None
    duration_ms: int | None
    error: str | None
    response_excerpt: str | None


class WebhookDeliveryRead(BaseModel):
    id: str = Field(description="the webhook-id header, the same on every attempt")
    endpoint_id: str
    event_id: str
    event_type: str
    order_id: str | None
    status: str = Field(description="pending, delivering, succeeded, failed or dead")
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_response_excerpt: str | None
    last_error: str | None
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime


class WebhookDeliveryDetail(WebhookDeliveryRead):
    attempt_log: list[WebhookAttemptRead]
