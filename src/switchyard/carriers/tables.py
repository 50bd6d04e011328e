from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from switchyard.db.metadata import metadata
from switchyard.db.types import Amount, UTCDateTime

# tracking_pattern: how tracking numbers are generated when the carrier supplies none
# (see carriers/tracking_numbers.py); tracking_url: a link with {tracking_number}.
carriers = Table(
    "carriers",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("tracking_pattern", String(60), nullable=True),
    Column("tracking_url", String(500), nullable=True),
    Column("active", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

carrier_services = Table(
    "carrier_services",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("carrier_id", String(40), ForeignKey("carriers.id"), nullable=False),
    Column("code", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("active", Boolean, nullable=False),
    UniqueConstraint("carrier_id", "code"),
)

# The price of one package by zone and weight band: the smallest band that holds it.
carrier_rates = Table(
    "carrier_rates",
    metadata,
    Column("service_id", String(40), ForeignKey("carrier_services.id"), primary_key=True),
    Column("zone", Integer, primary_key=True),
    Column("max_weight_grams", Integer, primary_key=True),
    Column("amount", Amount, nullable=False),
)

carrier_transit_days = Table(
    "carrier_transit_days",
    metadata,
    Column("service_id", String(40), ForeignKey("carrier_services.id"), primary_key=True),
    Column("zone", Integer, primary_key=True),
    Column("days", Integer, nullable=False),
)

# Known centres of postal codes (kind "postal", key a code or its prefix) and cities
# (kind "city", key the folded name), so destinations get a distance without geocoding.
geo_centroids = Table(
    "geo_centroids",
    metadata,
    Column("country_code", String(2), primary_key=True),
    Column("kind", String(8), primary_key=True),
    Column("key", String(100), primary_key=True),
    Column("latitude", Float, nullable=False),
    Column("longitude", Float, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
