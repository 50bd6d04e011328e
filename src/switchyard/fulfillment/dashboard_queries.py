"""Read queries for the console's home dashboard: backlog and on-time shipments.

The backlog counts open fulfillments per location and status through
``ix_fulfillments_location_status_id`` with both columns given as lists (one range per
pair, never a scan of delivered history). On-time shipments read the parcels created in
a window as one range of the fulfillments' (time-sortable) keys, joined to their
promise (``sourcing_fulfillments``) on the same key range, grouped in SQL by the day the
parcel was created, the day it shipped and the promised ship-by date.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Connection, func, select

from switchyard.fulfillment.status import Status
from switchyard.fulfillment.tables import fulfillments
from switchyard.kernel.ids import _encode
from switchyard.orders.dashboard_queries import bucket_of
from switchyard.sourcing.tables import sourcing_fulfillments

F, SF = fulfillments.c, sourcing_fulfillments.c


class FulfillmentDashboardQueries:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def backlog(
        self, location_ids: Sequence[str], statuses: Sequence[str]
    ) -> list[tuple[str, str, int]]:
        """(location_id, status, fulfillments) of those in ``statuses`` at the locations."""
        if not location_ids or not statuses:
            return []
        query = (
            select(F.location_id, F.status, func.count())
            .where(F.location_id.in_(sorted(location_ids)), F.status.in_(sorted(statuses)))
            .group_by(F.location_id, F.status)
        )
        return [(r[0], r[1], int(r[2])) for r in self.conn.execute(query)]

    def shipments_by_day(
        self,
        edges: Sequence[datetime],
        end: datetime,
        location_ids: frozenset[str] | None,
    ) -> list[tuple[int, int | None, date, int]]:
        """(created bucket, shipped bucket or None if not shipped, ship-by date, parcels)
        of the promised parcels (a ship-by date) created in [edges[0], end), cancelled
        ones left out.

        Fulfillment ids are time-sortable (``kernel.ids``): the window is one range of
        the primary key of both ``fulfillments`` and ``sourcing_fulfillments``, which
        PostgreSQL merges without a lookup per parcel."""
        low = first_id("ful", edges[0])
        inner = (
            select(
                bucket_of(F.created_at, edges).label("created"),
                bucket_of(F.shipped_at, edges).label("shipped"),
                SF.ship_by.label("ship_by"),
            )
            .select_from(fulfillments.join(sourcing_fulfillments, SF.fulfillment_id == F.id))
            .where(
                F.id >= low,
                SF.fulfillment_id >= low,
                F.created_at >= edges[0],
                F.created_at < end,
                F.status != Status.CANCELLED,
                SF.ship_by.is_not(None),
            )
        )
        if location_ids is not None:
            inner = inner.where(F.location_id.in_(sorted(location_ids)))
        sub = inner.subquery()
        query = select(sub.c.created, sub.c.shipped, sub.c.ship_by, func.count()).group_by(
            sub.c.created, sub.c.shipped, sub.c.ship_by
        )
        return [
            (int(r[0]), None if r[1] is None else int(r[1]), r[2], int(r[3]))
            for r in self.conn.execute(query)
        ]


def first_id(prefix: str, when: datetime) -> str:
    """The smallest id ``kernel.ids.new_id(prefix)`` can make at or after ``when``."""
    return f"{prefix}_{_encode(int(when.timestamp() * 1000), 10)}"
