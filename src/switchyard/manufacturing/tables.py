"""Make-to-order storage: where each SKU is made, from what, and the work orders."""

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
)

from switchyard.db.metadata import metadata
from switchyard.db.types import UTCDateTime

# A site that makes a SKU: days from the start of production to finished goods, and how
# many units it can start per day. ``priority``: lower first among sites.
production_routes = Table(
    "production_routes",
    metadata,
    Column("sku_id", String(40), ForeignKey("skus.id"), primary_key=True),
    Column("location_id", String(40), ForeignKey("locations.id"), primary_key=True),
    Column("lead_days", Integer, nullable=False),
    Column("daily_capacity", Integer, nullable=False),
    Column("priority", Integer, nullable=False),
    Column("active", Boolean, nullable=False),
    CheckConstraint("lead_days >= 0", name="lead_days_not_negative"),
    CheckConstraint("daily_capacity > 0", name="daily_capacity_positive"),
)

# What one unit is made of, consumed from stock at the site when the work order is done.
bom_lines = Table(
    "bom_lines",
    metadata,
    Column("sku_id", String(40), ForeignKey("skus.id"), primary_key=True),
    Column("component_sku_id", String(40), ForeignKey("skus.id"), primary_key=True),
    Column("quantity", Integer, nullable=False),
    CheckConstraint("quantity > 0", name="quantity_positive"),
)

# Units of a SKU booked for production at a site on a day: a conditional update keeps
# ``booked`` at or below the route's capacity under any concurrency.
production_bookings = Table(
    "production_bookings",
    metadata,
    Column("location_id", String(40), ForeignKey("locations.id"), primary_key=True),
    Column("sku_id", String(40), ForeignKey("skus.id"), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("booked", Integer, nullable=False),
    CheckConstraint("booked >= 0", name="booked_not_negative"),
)

# status: planned | in_production | done | cancelled.
work_orders = Table(
    "work_orders",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("order_id", String(40), ForeignKey("orders.id"), nullable=False, index=True),
    Column("order_line_id", String(40), ForeignKey("order_lines.id"), nullable=False),
    Column("sku_id", String(40), ForeignKey("skus.id"), nullable=False),
    Column("location_id", String(40), ForeignKey("locations.id"), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("start_day", Date, nullable=False),
    Column("due_day", Date, nullable=False),
    Column("status", String(16), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_work_orders_location_status", "location_id", "status"),
)
