"""Sourcing storage: profiles (versioned per channel), decisions, promises, location
settings.

Decisions and order promises are written while an order is being placed, before its row
exists, so they refer to orders by id without a foreign key.
"""

from sqlalchemy import (
    JSON,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from switchyard.db.metadata import metadata
from switchyard.db.types import Amount, UTCDateTime

# One row per version of a channel's profile. status: draft (editable) | active (the one
# the channel uses, also named in sourcing_active_profiles) | retired (read-only).
# ``rules``: strategy, filters, max_splits, fulfilment, keep_kits_together,
# pickup_transfers; ``cost_model``: CostModel.as_dict(). ``revision`` is the ETag.
sourcing_profiles = Table(
    "sourcing_profiles",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("channel_id", String(40), ForeignKey("channels.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("status", String(12), nullable=False),
    Column("rules", JSON, nullable=False),
    Column("cost_model", JSON, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("activated_at", UTCDateTime, nullable=True),
    UniqueConstraint("channel_id", "version"),
)

# The profile each channel uses now (no row: the default profile).
sourcing_active_profiles = Table(
    "sourcing_active_profiles",
    metadata,
    Column("channel_id", String(40), ForeignKey("channels.id"), primary_key=True),
    Column("profile_id", String(40), ForeignKey("sourcing_profiles.id"), nullable=False),
    Column("activated_at", UTCDateTime, nullable=False),
)

# Every sourcing decision, oldest first per order (``seq``). cause: placement |
# follow_up (more units of a placed order: amendment, hold released) | excluded
# (re-sourcing away from locations that handed units back) | backorder_resourced (stock
# arrived elsewhere for waiting units) | reoptimized.
sourcing_decisions = Table(
    "sourcing_decisions",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("order_id", String(40), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("channel_id", String(40), ForeignKey("channels.id"), nullable=False),
    Column("profile_id", String(40), ForeignKey("sourcing_profiles.id"), nullable=True),
    Column("profile_version", Integer, nullable=True),
    Column("cause", String(24), nullable=False),
    Column("strategy", String(24), nullable=False),
    Column("status", String(12), nullable=False),  # sourced | partial | unsourced
    Column("total_cost", Amount, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("destination", JSON, nullable=False),
    Column("decision", JSON, nullable=False),
    Column("promise", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("order_id", "seq"),
)

# The promise and fulfilment type of each fulfillment sourcing created. kind:
# ship_from_warehouse | ship_from_store | dropship | pickup_in_store | ship_to_store.
sourcing_fulfillments = Table(
    "sourcing_fulfillments",
    metadata,
    Column("fulfillment_id", String(40), ForeignKey("fulfillments.id"), primary_key=True),
    Column("order_id", String(40), nullable=False, index=True),
    Column("decision_id", String(40), nullable=True),  # none: promised when created
    Column("location_id", String(40), ForeignKey("locations.id"), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("ship_to_location_id", String(40), ForeignKey("locations.id"), nullable=True),
    Column("ship_by", Date, nullable=True),
    Column("deliver_by", Date, nullable=True),
    Column("ready_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
)

# The order's promise: the latest of its open fulfillments' and of its backorders'.
sourcing_order_promises = Table(
    "sourcing_order_promises",
    metadata,
    Column("order_id", String(40), primary_key=True),
    Column("ship_by", Date, nullable=True),
    Column("deliver_by", Date, nullable=True),
    Column("ready_at", UTCDateTime, nullable=True),
    Column("unpromised", JSON, nullable=False),  # line id -> units with no known supply
    Column("updated_at", UTCDateTime, nullable=False),
)

# What sourcing needs to know about a location beyond the locations table.
sourcing_location_settings = Table(
    "sourcing_location_settings",
    metadata,
    Column("location_id", String(40), ForeignKey("locations.id"), primary_key=True),
    Column("priority", Integer, nullable=False),
    Column("networks", JSON, nullable=False),
    Column("handling_days", Integer, nullable=False),
    Column("holidays", JSON, nullable=False),  # ISO dates
    Column("opens", String(5), nullable=False),
    Column("closes", String(5), nullable=False),
    Column("pickup_lead_minutes", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# Locations that may no longer source a line of an order: they rejected it, short-picked
# it or cancelled it back. Placement skips them for that line until a person clears the
# exclusion (``cleared_at``); the order already exists when one is written.
sourcing_exclusions = Table(
    "sourcing_exclusions",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("order_id", String(40), ForeignKey("orders.id"), nullable=False, index=True),
    Column("order_line_id", String(40), ForeignKey("order_lines.id"), nullable=False),
    Column("location_id", String(40), ForeignKey("locations.id"), nullable=False),
    Column("reason", String(24), nullable=False),  # rejected | short_picked | cancelled
    Column("fulfillment_id", String(40), ForeignKey("fulfillments.id"), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("cleared_at", UTCDateTime, nullable=True),
    Column("cleared_by", String(200), nullable=True),
    Column("note", String(500), nullable=True),
)
