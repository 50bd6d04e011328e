"""Orders, their lines and holds, staff draft orders, and the locations search filters by.

Search indexes (see docs/architecture.md, "Orders"): every list filter has an index that
starts with the filtered column and ends with ``id``, so "newest first" pages walk one
index range and stop after ``limit`` rows, however many orders there are.
"""

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
    Column("email", String(320), nullable=True),
    Column("customer_name", String(300), nullable=True),
    Column("phone", String(40), nullable=True),  # E.164 when it could be read
    Column("status", String(24), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("delivery_method", String(16), nullable=False),  # ship | pickup
    Column("pickup_location_id", String(40), ForeignKey("locations.id"), nullable=True),
    Column("shipping_address", JSON(none_as_null=True), nullable=True),
    Column("billing_address", JSON(none_as_null=True), nullable=True),
    Column("shipping_charge", Amount, nullable=False),
    Column("taxes", Amount, nullable=False),
    Column("total", Amount, nullable=False),
    Column("po_number", String(100), nullable=True),
    Column("notes", Text, nullable=True),
    Column("attributes", JSON, nullable=False),
    Column("tracking_token", String(64), nullable=False, unique=True),
    Column("draft_id", String(40), nullable=True),
    Column("held_since", UTCDateTime, nullable=True),  # oldest active hold; None: not held
    # Oldest active risk of missing the promise (order_risks); None: not at risk.
    Column("at_risk_since", UTCDateTime, nullable=True),
    Column("version", Integer, nullable=False),
    Column("placed_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("channel_id", "external_id"),
    Index("ix_orders_status_id", "status", "id"),
    Index("ix_orders_channel_id_id", "channel_id", "id"),
    Index("ix_orders_customer_id_id", "customer_id", "id"),
    Index("ix_orders_email_id", "email", "id"),
    Index("ix_orders_phone_id", "phone", "id"),
    Index("ix_orders_external_id", "external_id"),
    Index("ix_orders_placed_at", "placed_at"),
    Index("ix_orders_held_since_id", "held_since", "id"),
    Index("ix_orders_at_risk_since_id", "at_risk_since", "id"),
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
    Column("discount", Amount, nullable=False),  # off the whole line
    Column("status", String(24), nullable=False),
    Column("qty_allocated", Integer, nullable=False),
    Column("qty_backordered", Integer, nullable=False),
    Column("qty_shipped", Integer, nullable=False),
    Column("qty_delivered", Integer, nullable=False),
    Column("qty_cancelled", Integer, nullable=False),
    Column("qty_returned", Integer, nullable=False),
    UniqueConstraint("order_id", "line_no"),
    Index("ix_order_lines_sku_id_order_id", "sku_id", "order_id"),
)

# Why an order waits for a person. ``released_at`` None: the hold is active.
order_holds = Table(
    "order_holds",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("order_id", String(40), ForeignKey("orders.id"), nullable=False),
    Column("type", String(16), nullable=False),  # address | fraud | compliance | price | ...
    Column("source", String(16), nullable=False),  # validation | manual
    Column("reason", String(1000), nullable=False),
    Column("findings", JSON, nullable=False),
    Column("placed_at", UTCDateTime, nullable=False),
    Column("placed_by", String(200), nullable=False),
    Column("released_at", UTCDateTime, nullable=True),
    Column("released_by", String(200), nullable=True),
    Column("resolution", String(16), nullable=True),  # released | order_cancelled
    Column("note", String(2000), nullable=True),
    Index("ix_order_holds_order_id", "order_id"),
    Index("ix_order_holds_type_released_at_order_id", "type", "released_at", "order_id"),
)

# Why an order may miss its promise (switchyard.jeopardy): one row per fulfillment and
# reason (``jeopardy.rules.REASONS``), detected when the deadline ``due_at`` passed and
# ``cleared_at`` when it no longer holds (None: active). Found again after clearing, the
# row is active again (``occurrences`` counts how often); the timeline keeps each time.
order_risks = Table(
    "order_risks",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("order_id", String(40), ForeignKey("orders.id"), nullable=False),
    Column("fulfillment_id", String(40), ForeignKey("fulfillments.id"), nullable=False),
    Column("location_id", String(40), ForeignKey("locations.id"), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("detected_at", UTCDateTime, nullable=False),
    Column("cleared_at", UTCDateTime, nullable=True),
    Column("cleared_by", String(64), nullable=True),  # what cleared it: an event type, ...
    Column("details", JSON, nullable=False),
    Column("occurrences", Integer, nullable=False),
    UniqueConstraint("fulfillment_id", "reason"),
    Index("ix_order_risks_order_id_cleared_at", "order_id", "cleared_at"),
    # ``at_risk=true`` searches: active risks' order ids, newest first, one range.
    Index("ix_order_risks_cleared_at_order_id", "cleared_at", "order_id"),
)

# An order a person is still putting together; placing it creates an order.
draft_orders = Table(
    "draft_orders",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("channel_id", String(40), ForeignKey("channels.id"), nullable=False),
    Column("status", String(16), nullable=False),  # open | placed | discarded
    Column("content", JSON, nullable=False),
    Column("order_id", String(40), ForeignKey("orders.id"), nullable=True),
    Column("created_by", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_draft_orders_status_id", "status", "id"),
)

# Search's copy of "this order has a fulfillment at this location" (once per pair, kept
# when the fulfillment is cancelled, like the fulfillment row), with the order's status and
# channel: a location combined with either is then one index range however rarely they go
# together (see search_repository). Rows are added on ``fulfillment.created``; the status
# follows the order on every save.
order_locations = Table(
    "order_locations",
    metadata,
    Column("order_id", String(40), ForeignKey("orders.id"), primary_key=True),
    Column("location_id", String(40), ForeignKey("locations.id"), primary_key=True),
    Column("status", String(24), nullable=False),
    Column("channel_id", String(40), nullable=False),
    Index("ix_order_locations_location_id_order_id", "location_id", "order_id"),
    # The last column is carried, not sorted by: status + channel + location reads one of
    # these two without touching the table.
    Index(
        "ix_order_locations_location_status_order_channel",
        "location_id",
        "status",
        "order_id",
        "channel_id",
    ),
    Index(
        "ix_order_locations_location_channel_order_status",
        "location_id",
        "channel_id",
        "order_id",
        "status",
    ),
)
