from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from switchyard.db.metadata import metadata
from switchyard.db.types import UTCDateTime

# One message to a customer about one step of an order. ``key`` makes it once per cause
# (trigger, order, fulfillment or change); the row is written in the transaction of the
# event that caused it. The content (recipient, subject, both parts) is rendered by the
# worker before the first attempt and kept, so every retry sends the same message with
# the same ``message_id``. While ``sending``, ``next_attempt_at`` is the end of the
# worker's lease, after which another worker may take it over.
notifications = Table(
    "notifications",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("key", String(200), nullable=False, unique=True),
    Column("trigger", String(32), nullable=False),
    Column("order_id", String(40), nullable=False),
    Column("channel_id", String(40), nullable=True),
    Column("fulfillment_id", String(40), nullable=True),
    Column("facts", JSON, nullable=False),  # what the event said (tracking, change, ...)
    # queued|sending|retrying|sent|failed|skipped|suppressed
    Column("status", String(16), nullable=False),
    Column("message_id", String(200), nullable=False),
    Column("recipient", String(320), nullable=True),
    Column("sender", String(400), nullable=True),
    Column("reply_to", String(400), nullable=True),
    Column("locale", String(8), nullable=True),
    Column("subject", String(500), nullable=True),
    Column("text_body", Text, nullable=True),
    Column("html_body", Text, nullable=True),
    Column("resent_from", String(40), nullable=True),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=True),
    Column("retry_from", UTCDateTime, nullable=False),
    Column("claim_token", String(40), nullable=True),
    Column("lease_expires_at", UTCDateTime, nullable=True),
    Column("last_smtp_code", Integer, nullable=True),
    Column("last_reply", String(500), nullable=True),
    Column("last_error", String(500), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("completed_at", UTCDateTime, nullable=True),
    Index("ix_notifications_status_next_attempt_at", "status", "next_attempt_at"),
    Index("ix_notifications_order_id_id", "order_id", "id"),
)

# The delivery log: one row per attempt, from the moment a worker claims the message.
notification_attempts = Table(
    "notification_attempts",
    metadata,
    Column("id", String(40), primary_key=True),
    Column(
        "notification_id",
        String(40),
        ForeignKey("notifications.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("number", Integer, nullable=False),
    Column("worker_id", String(200), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=True),
    Column("outcome", String(16), nullable=True),  # sent | retry | failed | abandoned
    Column("smtp_code", Integer, nullable=True),
    Column("reply", String(500), nullable=True),
    Column("error", String(500), nullable=True),
    UniqueConstraint("notification_id", "number"),
)
