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
from switchyard.db.types import Amount, UTCDateTime

# Amounts are running totals of the ledger below; the CHECKs are the last line of defence
# behind the domain rules and the conditional updates in the repository.
payments = Table(
    "payments",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("order_id", String(40), ForeignKey("orders.id"), nullable=False),
    Column("channel_id", String(40), ForeignKey("channels.id"), nullable=False),
    Column("provider", String(16), nullable=False),  # manual | invoice | external
    Column("status", String(24), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("amount", Amount, nullable=False),
    Column("amount_authorized", Amount, nullable=False),
    Column("amount_captured", Amount, nullable=False),
    Column("amount_refunded", Amount, nullable=False),
    Column("amount_voided", Amount, nullable=False),
    Column("provider_reference", String(200), nullable=True),
    Column("failure_reason", String(500), nullable=True),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("provider", "provider_reference"),
    CheckConstraint(
        "amount_captured >= 0 AND amount_refunded >= 0 AND amount_voided >= 0",
        name="non_negative",
    ),
    CheckConstraint(
        "amount_captured + amount_voided <= amount_authorized", name="within_authorized"
    ),
    CheckConstraint("amount_refunded <= amount_captured", name="refunds_within_captured"),
    Index("ix_payments_order_id", "order_id"),
)

# The ledger: one row per authorize/capture/refund/void. A reference makes a request
# idempotent: the same (payment, kind, reference) is recorded once.
payment_transactions = Table(
    "payment_transactions",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("payment_id", String(40), ForeignKey("payments.id"), nullable=False),
    Column("kind", String(16), nullable=False),  # authorize | capture | refund | void
    Column("amount", Amount, nullable=False),
    Column("reference", String(200), nullable=True),
    Column("fulfillment_id", String(40), ForeignKey("fulfillments.id"), nullable=True),
    Column("invoice_id", String(40), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("payment_id", "kind", "reference"),
    CheckConstraint("amount > 0", name="positive_amount"),
)
