from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class NotificationAttemptRead(BaseModel):
    number: int
    worker_id: str
    started_at: datetime
    finished_at: datetime | None
    outcome: str | None = Field(description="sent | retry | failed | abandoned")
    smtp_code: int | None
    reply: str | None
    error: str | None


class NotificationRead(BaseModel):
    id: str
    trigger: str
    order_id: str
    fulfillment_id: str | None
    status: str = Field(
        description="queued | sending | retrying | sent | failed | skipped | suppressed"
    )
    message_id: str
    recipient: str | None
    sender: str | None
    reply_to: str | None
    locale: str | None
    subject: str | None
    resent_from: str | None
    attempts: int
    next_attempt_at: datetime | None
    last_smtp_code: int | None
    last_reply: str | None
    last_error: str | None
    created_at: datetime
    completed_at: datetime | None
    attempts_log: list[NotificationAttemptRead]

    @classmethod
    def of(cls, row: dict[str, Any]) -> NotificationRead:
        return cls(
            **{k: v for k, v in row.items() if k in cls.model_fields and k != "attempts_log"},
            attempts_log=[NotificationAttemptRead(**a) for a in row["attempts_log"]],
        )


class NotificationList(BaseModel):
    data: list[NotificationRead]


class NotificationPreview(BaseModel):
    trigger: str
    order_id: str
    fulfillment_id: str | None
    recipient: str | None
    sender: str
    reply_to: str | None
    locale: str
    time_zone: str
    subject: str
    text: str
    html: str


class ResendRequest(BaseModel):
    """Nothing to send: the notification is named in the path."""
