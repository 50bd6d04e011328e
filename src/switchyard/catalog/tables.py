from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from switchyard.db.metadata import metadata
from switchyard.db.types import Amount, UTCDateTime

products = Table(
    "products",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

skus = Table(
    "skus",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("sku", String(100), nullable=False, unique=True),
    Column("product_id", String(40), ForeignKey("products.id"), nullable=False, index=True),
    Column("name", String(300), nullable=False),
    Column("barcode", String(64), nullable=True, index=True),
    Column("weight_grams", Integer, nullable=True),
    Column("length_mm", Integer, nullable=True),
    Column("width_mm", Integer, nullable=True),
    Column("height_mm", Integer, nullable=True),
    Column("is_kit", Boolean, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

kit_components = Table(
    "kit_components",
    metadata,
    Column("kit_sku_id", String(40), ForeignKey("skus.id"), primary_key=True),
    Column("component_sku_id", String(40), ForeignKey("skus.id"), primary_key=True),
    Column("quantity", Integer, nullable=False),
)

# A SKU's price on one channel in one currency.
prices = Table(
    "prices",
    metadata,
    Column("sku_id", String(40), ForeignKey("skus.id"), primary_key=True),
    Column("channel_id", String(40), ForeignKey("channels.id"), primary_key=True),
    Column("currency", String(3), primary_key=True),
    Column("amount", Amount, nullable=False),
    Index("ix_prices_channel_currency", "channel_id", "currency"),
)
