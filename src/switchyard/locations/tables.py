from sqlalchemy import JSON, Boolean, Column, Float, Integer, String, Table

from switchyard.db.metadata import metadata
from switchyard.db.types import UTCDateTime

locations = Table(
    "locations",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("type", String(16), nullable=False),  # warehouse | store | 3pl | dropship
    Column("address", JSON, nullable=False),
    Column("latitude", Float, nullable=True),
    Column("longitude", Float, nullable=True),
    Column("timezone", String(64), nullable=False),
    Column("capabilities", JSON, nullable=False),  # ship | pickup | ship_from_store | returns
    Column("daily_capacity", Integer, nullable=True),  # fulfillments per day; None: unlimited
    Column("processing_days", JSON, nullable=False),  # ISO weekdays 1..7 the location ships on
    Column("cutoff_time", String(5), nullable=False),  # HH:MM local time
    Column("active", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
