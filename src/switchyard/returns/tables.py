from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
)

from switchyard.db.metadata import metadata
from switchyard.db.types import Amount, UTCDateTime

# A return authorisation (RMA): what the customer sends back and where it stands.
# ``kind``: return | exchange | advance_exchange | claim. ``source``: customer | staff | store.
returns = Table(
    "returns",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("order_id", String(40), ForeignKey("orders.id"), nullable=False),
    Column("channel_id", String(40), ForeignKey("channels.id"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("source", String(12), nullable=False),
    Column("status", String(16), nullable=False),
    Column("location_id", String(40), ForeignKey("locations.id"), nullable=True),
    Column("carrier", String(40), nullable=True),
    Column("tracking_number", String(100), nullable=True),
    Column("shipping_paid_by", String(12), nullable=False),
    Column("replacement_order_id", String(40), nullable=True),
    Column("note", String(2000), nullable=True),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("received_at", UTCDateTime, nullable=True),
    Index("ix_returns_order_id", "order_id"),
    Index("ix_returns_status_id", "status", "id"),
    Index("ix_returns_tracking_number", "tracking_number"),
)

# What comes back per order line: asked for, received, then split by the inspection into
# restocked, damaged, return_to_vendor and destroyed (their sum is what was received).
return_lines = Table(
    "return_lines",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("return_id", String(40), ForeignKey("returns.id"), nullable=False),
    Column("order_line_id", String(40), ForeignKey("order_lines.id"), nullable=False),
    Column("sku_id", String(40), ForeignKey("skus.id"), nullable=False),
    Column("sku", String(100), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("reason", String(24), nullable=False),
    Column("received", Integer, nullable=False),
    Column("restocked", Integer, nullable=False),
    Column("damaged", Integer, nullable=False),
    Column("return_to_vendor", Integer, nullable=False),
    Column("destroyed", Integer, nullable=False),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    CheckConstraint("received >= 0 AND received <= quantity", name="received_within_quantity"),
    CheckConstraint(
        "restocked + damaged + return_to_vendor + destroyed <= received",
        name="dispositions_within_received",
    ),
    Index("ix_return_lines_return_id", "return_id"),
    Index("ix_return_lines_order_line_id", "order_line_id"),
)

# A refund decision: what is given back and why, with or without a return; executed at
# once against the order's payments (``transactions``: the payment transactions made) and
# credited by credit notes (``credit_notes``: their invoice ids).
refunds = Table(
    "refunds",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("order_id", String(40), ForeignKey("orders.id"), nullable=False),
    Column("return_id", String(40), ForeignKey("returns.id"), nullable=True),
    Column("currency", String(3), nullable=False),
    Column("lines", JSON, nullable=False),  # [{order_line_id, quantity, amount}]
    Column("goods", Amount, nullable=False),
    Column("shipping", Amount, nullable=False),
    Column("fee", Amount, nullable=False),
    Column("adjustment", Amount, nullable=False),
    Column("amount", Amount, nullable=False),
    Column("tax", Amount, nullable=False),
    Column("reason", String(200), nullable=False),
    Column("transactions", JSON, nullable=False),
    Column("credit_notes", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    CheckConstraint("amount > 0", name="amount_positive"),
    Index("ix_refunds_order_id", "order_id"),
)
