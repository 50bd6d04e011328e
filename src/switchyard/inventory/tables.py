from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from switchyard.db.metadata import metadata
from switchyard.db.types import UTCDateTime

# The balance of one SKU at one location. ``reserved`` never exceeds ``on_hand``: the
# check constraint is the last line of defence behind the conditional updates.
# ``reorder_point``: ``inventory.low`` is emitted when available drops below it.
stock_levels = Table(
    "stock_levels",
    metadata,
    Column("sku_id", String(40), ForeignKey("skus.id"), primary_key=True),
    Column("location_id", String(40), ForeignKey("locations.id"), primary_key=True),
    Column("on_hand", Integer, nullable=False),
    Column("reserved", Integer, nullable=False),
    Column("safety_stock", Integer, nullable=False),
    Column("reorder_point", Integer, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("reserved >= 0", name="reserved_not_negative"),
    CheckConstraint("reserved <= on_hand", name="reserved_within_on_hand"),
    CheckConstraint("safety_stock >= 0", name="safety_stock_not_negative"),
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
    # A SKU's history at one location, newest first (``movements``): the id orders it, so
    # the index answers ``ORDER BY id DESC LIMIT n`` without scanning or sorting.
    Index("ix_stock_movements_sku_location_id", "sku_id", "location_id", "id"),
    Index("ix_stock_movements_location_occurred", "location_id", "occurred_at"),
)

# status: open (counted in stock_levels.reserved) | waiting (backordered: not counted,
# allocated oldest first when stock arrives) | preorder (against a purchase order line) |
# consumed | released | expired. ``quantity`` is what is still open; ``consumed`` what
# shipments took from it. Cart holds share a ``hold_id`` and have no order.
reservations = Table(
    "reservations",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("order_id", String(40), nullable=True, index=True),
    Column("order_line_id", String(40), nullable=True, index=True),
    Column("hold_id", String(40), nullable=True, index=True),
    Column("sku_id", String(40), ForeignKey("skus.id"), nullable=False),
    Column("location_id", String(40), ForeignKey("locations.id"), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("consumed", Integer, nullable=False, default=0),
    Column("status", String(12), nullable=False),
    Column("supply_line_id", String(40), ForeignKey("purchase_order_lines.id"), nullable=True),
    Column("expires_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    Index("ix_reservations_sku_location_status", "sku_id", "location_id", "status"),
    Index("ix_reservations_status_expires_at", "status", "expires_at"),
    Index("ix_reservations_supply_line_id", "supply_line_id"),
)

# Expected supply: purchase orders to a location with an ETA.
purchase_orders = Table(
    "purchase_orders",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("reference", String(100), nullable=False, unique=True),
    Column("supplier", String(200), nullable=True),
    Column("location_id", String(40), ForeignKey("locations.id"), nullable=False),
    Column("eta", UTCDateTime, nullable=False),
    Column("status", String(12), nullable=False),  # open | received | cancelled
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_purchase_orders_location_status", "location_id", "status"),
)

purchase_order_lines = Table(
    "purchase_order_lines",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("purchase_order_id", String(40), ForeignKey("purchase_orders.id"), nullable=False),
    Column("sku_id", String(40), ForeignKey("skus.id"), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("received", Integer, nullable=False),
    Column("preordered", Integer, nullable=False),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    CheckConstraint("received >= 0", name="received_not_negative"),
    CheckConstraint("preordered >= 0", name="preordered_not_negative"),
    UniqueConstraint("purchase_order_id", "sku_id"),
    Index("ix_purchase_order_lines_sku_id", "sku_id"),
)

# Stock moving between locations: off the source's on_hand when shipped, onto the
# destination's when received; in between it is in transit (incoming at the destination).
transfers = Table(
    "transfers",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("from_location_id", String(40), ForeignKey("locations.id"), nullable=False),
    Column("to_location_id", String(40), ForeignKey("locations.id"), nullable=False),
    Column("status", String(12), nullable=False),  # in_transit | received
    Column("reference", String(100), nullable=True),
    Column("eta", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_transfers_to_location_status", "to_location_id", "status"),
)

transfer_lines = Table(
    "transfer_lines",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("transfer_id", String(40), ForeignKey("transfers.id"), nullable=False, index=True),
    Column("sku_id", String(40), ForeignKey("skus.id"), nullable=False, index=True),
    Column("quantity", Integer, nullable=False),
    Column("received", Integer, nullable=False),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    UniqueConstraint("transfer_id", "sku_id"),
)

# Per-SKU override of the channel's backorder policy (deny | backorder | preorder).
sku_inventory_policies = Table(
    "sku_inventory_policies",
    metadata,
    Column("sku_id", String(40), ForeignKey("skus.id"), primary_key=True),
    Column("backorder_policy", String(16), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# Units a channel may not sell (kept for other channels): for every SKU of the channel
# (``channel_inventory_settings``) or per SKU (``channel_protections``, which wins).
channel_inventory_settings = Table(
    "channel_inventory_settings",
    metadata,
    Column("channel_id", String(40), ForeignKey("channels.id"), primary_key=True),
    Column("protection", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("protection >= 0", name="protection_not_negative"),
)

channel_protections = Table(
    "channel_protections",
    metadata,
    Column("channel_id", String(40), ForeignKey("channels.id"), primary_key=True),
    Column("sku_id", String(40), ForeignKey("skus.id"), primary_key=True),
    Column("quantity", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("quantity >= 0", name="quantity_not_negative"),
)

# Units at a location that may not be sold (issue 16): returned damaged, waiting for the
# vendor or for destruction. Never part of on_hand, so never in availability (ATP);
# ``status``: damaged | return_to_vendor. Each change is a row of the ledger below, which
# ``switchyard inventory verify`` checks the balance against.
nonsellable_stock = Table(
    "nonsellable_stock",
    metadata,
    Column("sku_id", String(40), ForeignKey("skus.id"), primary_key=True),
    Column("location_id", String(40), ForeignKey("locations.id"), primary_key=True),
    Column("status", String(24), primary_key=True),
    Column("quantity", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("quantity >= 0", name="quantity_not_negative"),
    Index("ix_nonsellable_stock_location_id", "location_id"),
)

nonsellable_movements = Table(
    "nonsellable_movements",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("sku_id", String(40), ForeignKey("skus.id"), nullable=False),
    Column("location_id", String(40), ForeignKey("locations.id"), nullable=False),
    Column("status", String(24), nullable=False),
    Column("quantity", Integer, nullable=False),  # signed change
    Column("reason", String(200), nullable=True),
    Column("reference", String(100), nullable=True),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("actor_id", String(40), nullable=False),
    Index("ix_nonsellable_movements_sku_location", "sku_id", "location_id"),
)
