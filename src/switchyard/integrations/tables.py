from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from switchyard.db.metadata import metadata
from switchyard.db.types import UTCDateTime

# A trading partner or shop that sends orders: how to recognise it (X12 ISA/GS ids, an
# EDIFACT UNB sender, a Shopify shop domain), the channel its orders go to and its
# settings as data (SKU cross-reference, default country, the webhook secret).
integration_partners = Table(
    "integration_partners",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("format", String(16), nullable=False),  # csv|x12|edifact|shopify
    Column("sender_id", String(64), nullable=True),  # ISA06 / UNB sender / shop domain
    Column("channel", String(64), nullable=False),
    Column("settings", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_integration_partners_format_sender_id", "format", "sender_id"),
)

# One file or webhook body as it arrived. The raw bytes are in ``inbound_message_chunks``
# (1 MiB each, so a large file is stored and read back without holding it whole);
# ``checksum`` (SHA-256 of the bytes) makes the same file twice the same message.
inbound_messages = Table(
    "inbound_messages",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("source", String(16), nullable=False),  # api|cli|webhook
    Column("format", String(16), nullable=False),
    Column("partner_id", String(40), ForeignKey("integration_partners.id"), nullable=True),
    Column("channel", String(64), nullable=True),
    Column("filename", String(300), nullable=True),
    Column("checksum", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("atomic", Boolean, nullable=False),
    # received|parsed|placed|partially_placed|rejected
    Column("status", String(20), nullable=False),
    Column("errors", JSON, nullable=False),  # message-level, positioned
    Column("counts", JSON, nullable=False),  # orders, placed, duplicates, rejected
    Column("acknowledgement", Text, nullable=True),  # the 997/TA1/CONTRL sent back
    Column("received_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("processed_at", UTCDateTime, nullable=True),
    UniqueConstraint("format", "checksum"),
)

inbound_message_chunks = Table(
    "inbound_message_chunks",
    metadata,
    Column("message_id", String(40), ForeignKey("inbound_messages.id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("data", LargeBinary, nullable=False),
)

# What became of each order in a message: placed (with the order), duplicate (the order
# that already had its external id) or rejected (positioned errors).
inbound_message_orders = Table(
    "inbound_message_orders",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("message_id", String(40), ForeignKey("inbound_messages.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("external_id", String(100), nullable=True),
    Column("position", String(200), nullable=False),
    Column("status", String(16), nullable=False),
    Column("order_id", String(40), nullable=True),
    Column("errors", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("message_id", "seq"),
)
