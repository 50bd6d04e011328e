from sqlalchemy import JSON, Boolean, Column, ForeignKey, Index, Integer, String, Table

from switchyard.db.metadata import metadata
from switchyard.db.types import UTCDateTime

# A company rule order validation applies (kinds and params: orders/validation/company_rules.py).
company_rules = Table(
    "company_rules",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("description", String(500), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("channel_id", String(40), ForeignKey("channels.id"), nullable=True),  # None: all
    Column("params", JSON, nullable=False),
    Column("action", String(8), nullable=False),  # error | hold
    Column("hold_type", String(16), nullable=True),  # None: the kind's default
    Column("active", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_company_rules_channel_id", "channel_id"),
)
