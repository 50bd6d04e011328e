from sqlalchemy import (
    JSON,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from switchyard.db.metadata import metadata
from switchyard.db.types import Amount, UTCDateTime

# Invoices and credit notes. Totals are stored with the lines they sum, so lists and
# reports need no aggregation; an invoice never changes after issue except its payment.
invoices = Table(
    "invoices",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("number", String(40), nullable=False, unique=True),
    Column("series", String(32), nullable=False),
    Column("kind", String(16), nullable=False),  # invoice | credit_note
    Column("order_id", String(40), ForeignKey("orders.id"), nullable=False),
    Column("channel_id", String(40), ForeignKey("channels.id"), nullable=False),
    # one invoice per shipment: the unique key makes issuing it idempotent
    Column("fulfillment_id", String(40), ForeignKey("fulfillments.id"), nullable=True, unique=True),
    Column("credit_note_for", String(40), ForeignKey("invoices.id"), nullable=True),
    Column("status", String(16), nullable=False),  # open | paid | refunded
    Column("currency", String(3), nullable=False),
    Column("net_total", Amount, nullable=False),
    Column("tax_total", Amount, nullable=False),
    Column("gross_total", Amount, nullable=False),
    Column("amount_paid", Amount, nullable=False),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("payment_terms_days", Integer, nullable=False),
    Column("seller", JSON, nullable=False),
    Column("buyer", JSON, nullable=False),
    Index("ix_invoices_order_id", "order_id"),
)

invoice_lines = Table(
    "invoice_lines",
    metadata,
    Column("invoice_id", String(40), ForeignKey("invoices.id"), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("order_line_id", String(40), ForeignKey("order_lines.id"), nullable=True),
    Column("sku", String(100), nullable=True),
    Column("description", Text, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price", Amount, nullable=False),
    Column("discount", Amount, nullable=False),
    Column("net", Amount, nullable=False),
    Column("tax_rate", Amount, nullable=False),  # percent, e.g. 19 or 8.1
    Column("tax", Amount, nullable=False),
    Column("gross", Amount, nullable=False),
)

# The last number handed out per series. Taking a number is an UPDATE ... RETURNING on
# this row inside the issuing transaction: concurrent issuers queue on the row lock, and
# a rollback gives the number back, so numbers are consecutive with no gaps.
invoice_counters = Table(
    "invoice_counters",
    metadata,
    Column("series", String(32), primary_key=True),
    Column("last_value", Integer, nullable=False),
)
