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
from switchyard.db.types import Amount, UTCDateTime

orders = Table(
    "orders",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("channel_id", String(40), ForeignKey("channels.id"), nullable=False),
    Column("external_id", String(100), nullable=False),
    Column("customer_id", String(40), ForeignKey("customers.id"), nullable=True),
    Column("email", String(320), nullable=False),
    Column("status", String(24), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("shipping_address", JSON, nullable=False),
    Column("billing_address", JSON, nullable=True),
    Column("total", Amount, nullable=False),
    Column("notes", Text, nullable=True),
    Column("tracking_token", String(64), nullable=False, unique=True),
    Column("version", Integer, nullable=False),
    Column("placed_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("channel_id", "external_id"),
    Index("ix_orders_status_id", "status", "id"),
    Index("ix_orders_customer_id", "customer_id"),
    Index("ix_orders_email", "email"),
    Index("ix_orders_placed_at", "placed_at"),
)

order_lines = Table(
    "order_lines",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("order_id", String(40), ForeignKey("orders.id"), nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("sku_id", String(40), ForeignKey("skus.id"), nullable=False),
    Column("sku", String(100), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price", Amount, nullable=False),
    Column("status", String(24), nullable=False),
    Column("qty_allocated", Integer, nullable=False),
    Column("qty_shipped", Integer, nullable=False),
    Column("qty_delivered", Integer, nullable=False),
    Column("qty_cancelled", Integer, nullable=False),
    UniqueConstraint("order_id", "line_no"),
    Index("ix_order_lines_sku_id", "sku_id"),
)
