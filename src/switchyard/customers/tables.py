from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    UniqueConstraint,
    false,
)

from switchyard.db.metadata import metadata
from switchyard.db.types import UTCDateTime

# One customer across every channel, matched by (lower-cased) email.
customers = Table(
    "customers",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("name", String(300), nullable=False),
    Column("phone", String(40), nullable=True),
    # No non-essential emails (notifications.domain.NON_ESSENTIAL); transactional mail
    # (confirmation, delay, pickup, shipped, cancelled) is always sent.
    Column("email_opt_out", Boolean, nullable=False, default=False, server_default=false()),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# A customer's address book. The fingerprint of the normalised address keeps one row per
# distinct address, however it was typed; the unique constraint makes that race-proof.
customer_addresses = Table(
    "customer_addresses",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("customer_id", String(40), ForeignKey("customers.id"), nullable=False),
    Column("address", JSON, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("customer_id", "fingerprint"),
)
