from sqlalchemy import JSON, BigInteger, Column, Index, Integer, String, Table

from switchyard.db.metadata import metadata
from switchyard.db.types import UTCDateTime

# ``seq`` orders the log for consumers (webhook delivery, projections); ``id`` is the
# public event id. An event is written in the same transaction as the change it records.
events = Table(
    "events",
    metadata,
    Column(
        "seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("id", String(40), nullable=False, unique=True),
    Column("type", String(80), nullable=False),
    Column("aggregate_type", String(40), nullable=False),
    Column("aggregate_id", String(40), nullable=False),
    Column("order_id", String(40), nullable=True),
    Column("channel_id", String(40), nullable=True),
    Column("data", JSON, nullable=False),
    Column("actor_kind", String(16), nullable=False),
    Column("actor_id", String(40), nullable=False),
    Column("actor_name", String(200), nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    Index("ix_events_order_id_seq", "order_id", "seq"),
    Index("ix_events_aggregate", "aggregate_type", "aggregate_id", "seq"),
)
