from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from switchyard.db.metadata import metadata
from switchyard.db.types import Amount, UTCDateTime

# status: see fulfillment/status.py. delivery_method: ship | pickup. cancel_reason:
# cancelled | rejected | short_pick | not_collected | order_cancelled.
fulfillments = Table(
    "fulfillments",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("order_id", String(40), ForeignKey("orders.id"), nullable=False, index=True),
    Column("location_id", String(40), ForeignKey("locations.id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("delivery_method", String(8), nullable=False),
    Column("carrier", String(64), nullable=True),
    Column("tracking_number", String(100), nullable=True),
    Column("wave_id", String(40), nullable=True, index=True),
    Column("cancel_reason", String(24), nullable=True),
    Column("note", String(500), nullable=True),
    Column("pickup_code", String(12), nullable=True),
    Column("pickup_deadline", UTCDateTime, nullable=True),
    Column("promised_delivery", Date, nullable=True),
    # Ship to store: the store the parcel goes to, where the customer collects it.
    Column("ship_to_location_id", String(40), ForeignKey("locations.id"), nullable=True),
    # Why it ships where it ships: null (to the customer), ship_to_store, merge_leg (a
    # transfer to the merge node ``ship_to_location_id``) or consolidated (the merge
    # node's parcel to the customer, waiting for its legs).
    Column("purpose", String(16), nullable=True),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("released_at", UTCDateTime, nullable=True),
    Column("shipped_at", UTCDateTime, nullable=True),
    Column("delivered_at", UTCDateTime, nullable=True),
    Index("ix_fulfillments_location_status_id", "location_id", "status", "id"),
    Index("ix_fulfillments_status_pickup_deadline", "status", "pickup_deadline"),
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
    Column("qty_short", Integer, nullable=False),
)

# A box that leaves a location; with a carrier and tracking number it is a shipment.
packages = Table(
    "packages",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("fulfillment_id", String(40), ForeignKey("fulfillments.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("weight_grams", Integer, nullable=True),
    Column("length_mm", Integer, nullable=True),
    Column("width_mm", Integer, nullable=True),
    Column("height_mm", Integer, nullable=True),
    Column("carrier", String(64), nullable=True),
    Column("service", String(64), nullable=True),
    Column("tracking_number", String(100), nullable=True),
    Column("status", String(20), nullable=False),
    Column("shipping_cost", Amount, nullable=True),
    Column("currency", String(3), nullable=True),
    Column("estimated_delivery", Date, nullable=True),
    Column("last_event_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("fulfillment_id", "number"),
    Index("ix_packages_tracking_number", "tracking_number"),
)

package_items = Table(
    "package_items",
    metadata,
    Column("package_id", String(40), ForeignKey("packages.id"), primary_key=True),
    Column("order_line_id", String(40), ForeignKey("order_lines.id"), primary_key=True),
    Column("quantity", Integer, nullable=False),
)

# Carrier scans, stored once per (carrier, carrier event id): resending one changes nothing.
tracking_events = Table(
    "tracking_events",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("carrier", String(64), nullable=False),
    Column("carrier_event_id", String(100), nullable=False),
    Column("package_id", String(40), ForeignKey("packages.id"), nullable=False, index=True),
    Column("status", String(20), nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("location", String(200), nullable=True),
    Column("description", String(500), nullable=True),
    Column("received_at", UTCDateTime, nullable=False),
    UniqueConstraint("carrier", "carrier_event_id"),
)

# A batch of fulfillments at one location picked together, the pick list split by zone.
pick_waves = Table(
    "pick_waves",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("location_id", String(40), ForeignKey("locations.id"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_pick_waves_location_id", "location_id", "id"),
)

# Where a SKU is stored at a location: the zone (pick area) and the bin in it.
pick_slots = Table(
    "pick_slots",
    metadata,
    Column("location_id", String(40), ForeignKey("locations.id"), primary_key=True),
    Column("sku_id", String(40), ForeignKey("skus.id"), primary_key=True),
    Column("zone", String(40), nullable=False),
    Column("bin", String(40), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
