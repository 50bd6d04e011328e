from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
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

# A subscriber: where to send which events, and the secret that signs them.
webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("url", String(2000), nullable=False),
    Column("description", String(500), nullable=True),
    Column("event_types", JSON, nullable=False),  # patterns: "*", "order.*", "order.placed"
    Column("channel_ids", JSON, nullable=False),  # [] means every channel
    Column("secret", String(200), nullable=False),  # "whsec_" + base64
    Column("previous_secret", String(200), nullable=True),  # also signs until it expires
    Column("previous_secret_expires_at", UTCDateTime, nullable=True),
    Column("enabled", Boolean, nullable=False),
    Column("disabled_reason", String(16), nullable=True),  # manual | gone
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# One event for one endpoint. ``id`` is the webhook-id header, the same on every attempt.
# ``next_attempt_at`` is when the delivery is next due; while ``delivering`` it is the end
# of the worker's lease, after which another worker may take the delivery over.
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", String(40), primary_key=True),
    Column(
        "endpoint_id",
        String(40),
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("event_id", String(40), nullable=False),
    Column("event_seq", BigInteger, nullable=False),
    Column("event_type", String(80), nullable=False),
    Column("order_id", String(40), nullable=True),
    Column("status", String(16), nullable=False),  # pending|delivering|succeeded|failed|dead
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=True),
    Column("retry_from", UTCDateTime, nullable=False),  # start of the retry window
    Column("claim_token", String(40), nullable=True),
    Column("lease_expires_at", UTCDateTime, nullable=True),
    Column("last_attempt_at", UTCDateTime, nullable=True),
    Column("last_status_code", Integer, nullable=True),
    Column("last_response_excerpt", Text, nullable=True),
    Column("last_error", String(500), nullable=True),
    Column("completed_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("endpoint_id", "event_id"),
    Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    Index("ix_webhook_deliveries_order_seq", "endpoint_id", "order_id", "event_seq"),
    Index("ix_webhook_deliveries_order_id", "order_id"),
)

# The log of every attempt: one row from the moment a worker claims the delivery.
webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("id", String(40), primary_key=True),
    Column(
        "delivery_id",
        String(40),
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("number", Integer, nullable=False),
    Column("worker_id", String(200), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=True),
    Column("status_code", Integer, nullable=True),
    Column("duration_ms", Integer, nullable=True),
    Column("error", String(500), nullable=True),
    Column("response_excerpt", Text, nullable=True),
    UniqueConstraint("delivery_id", "number"),
)

# How far each relay has read the events table, and the sequence numbers it skipped because
# their transactions had not committed yet (``gaps``: {"seq": first seen, ISO time}).
webhook_relay_cursors = Table(
    "webhook_relay_cursors",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("last_seq", BigInteger, nullable=False),
    Column("gaps", JSON, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
