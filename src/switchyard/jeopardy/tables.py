"""What the jeopardy monitor keeps of its own: when to look at each open fulfillment next.

The risks it finds are the orders context's (``orders.tables.order_risks``).
"""

from sqlalchemy import Column, Index, String, Table

from switchyard.db.metadata import metadata
from switchyard.db.types import UTCDateTime

# One row per fulfillment that may still miss its promise: ``check_at`` is its next
# deadline (or a periodic review). Added when the fulfillment is created (due at once),
# moved on by every check, deleted once the promise is kept or the fulfillment cancelled,
# so the worker's job reads one index range of due rows and never delivered history.
jeopardy_watches = Table(
    "jeopardy_watches",
    metadata,
    # No foreign key: the row goes with the fulfillment.created event (a check drops a
    # watch whose fulfillment it cannot find).
    Column("fulfillment_id", String(40), primary_key=True),
    Column("order_id", String(40), nullable=False),
    Column("check_at", UTCDateTime, nullable=False),
    Index("ix_jeopardy_watches_check_at_fulfillment_id", "check_at", "fulfillment_id"),
)
