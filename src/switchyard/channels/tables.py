from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Table, UniqueConstraint

from switchyard.db.metadata import metadata
from switchyard.db.types import UTCDateTime

channels = Table(
    "channels",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column(
        "type", String(32), nullable=False
    ),  # web | pos | call_center | marketplace | edi | field_sales | b2b
    Column("currency", String(3), nullable=False),
    Column("backorder_policy", String(16), nullable=False),  # deny | backorder | preorder
    Column("settings", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# Which locations a channel may sell from (none listed: every location).
channel_locations = Table(
    "channel_locations",
    metadata,
    Column("channel_id", String(40), ForeignKey("channels.id"), primary_key=True),
    Column("location_id", String(40), ForeignKey("locations.id"), primary_key=True),
    UniqueConstraint("location_id", "channel_id"),
)
