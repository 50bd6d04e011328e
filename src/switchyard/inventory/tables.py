from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
)

from switchyard.db.metadata import metadata
from switchyard.db.types import UTCDateTime

# The balance of one SKU at one location. ``reserved`` never exceeds ``on_hand``: the
# check constraint is the last line of defence behind the conditional updates.
stock_levels = Table(
    "stock_levels",
    metadata,
    Column("sku_id", String(40), ForeignKey("skus.id"), primary_key=True),
    Column("location_id", String(40), ForeignKey("locations.id"), primary_key=True),
    Column("on_hand", Integer, nullable=False),
    Column("reserved", Integer, nullable=False),
    Column("safety_stock", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("reserved >= 0", name="reserved_not_negative"),
    CheckConstraint("reserved <= on_hand", name="reserved_within_on_hand"),
    Index("ix_stock_levels_location_id", "location_id"),
)

# Every change to on_hand, immutable: balances can be rebuilt and audited from these.
stock_movements = Table(
    "stock_movements",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("sku_id", String(40), ForeignKey("skus.id"), nullable=False),
    Column("location_id", String(40), ForeignKey("locations.id"), nullable=False),
    Column("kind", String(24), nullable=False),  # receipt | adjustment | shipment | ...
    Column("quantity", Integer, nullable=False),  # signed change of on_hand
    Column("reason", String(200), nullable=True),
    Column("reference", String(100), nullable=True),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("actor_id", String(40), nullable=False),
    Index("ix_stock_movements_sku_location", "sku_id", "location_id"),
)

reservations = Table(
    "reservations",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("order_id", String(40), nullable=True, index=True),
    Column("order_line_id", String(40), nullable=True),
    Column("sku_id", String(40), ForeignKey("skus.id"), nullable=False),
    Column("location_id", String(40), ForeignKey("locations.id"), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("status", String(12), nullable=False),  # open | consumed | released
    Column("expires_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    Index("ix_reservations_sku_location_status", "sku_id", "location_id", "status"),
)
