from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table

from switchyard.db.metadata import metadata
from switchyard.db.types import UTCDateTime

fulfillments = Table(
    "fulfillments",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("order_id", String(40), ForeignKey("orders.id"), nullable=False, index=True),
    Column("location_id", String(40), ForeignKey("locations.id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("carrier", String(64), nullable=True),
    Column("tracking_number", String(100), nullable=True),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("shipped_at", UTCDateTime, nullable=True),
    Column("delivered_at", UTCDateTime, nullable=True),
    Index("ix_fulfillments_location_status_id", "location_id", "status", "id"),
)

fulfillment_lines = Table(
    "fulfillment_lines",
    metadata,
    Column("fulfillment_id", String(40), ForeignKey("fulfillments.id"), primary_key=True),
    Column("order_line_id", String(40), ForeignKey("order_lines.id"), primary_key=True),
    Column("sku_id", String(40), ForeignKey("skus.id"), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("qty_picked", Integer, nullable=False),
    Column("qty_packed", Integer, nullable=False),
)
