"""Reads for the store and warehouse workbench: a location's queue sizes and its most
recent pick waves. Bounded, indexed queries (``ix_fulfillments_location_status_id``,
``ix_pick_waves_location_id``), so they stay fast with millions of fulfillments."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, func, select

from switchyard.fulfillment.tables import fulfillments, pick_waves

F, W = fulfillments.c, pick_waves.c


class WorkbenchReads:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def queue_sizes(self, location_id: str, statuses: Iterable[str], cap: int) -> dict[str, int]:
        """Fulfillments per status at the location, each counted up to ``cap`` (a tab shows
        "100+" beyond it rather than counting a backlog of a million)."""
        sizes = {}
        for status in statuses:
            capped = (
                select(F.id)
                .where(F.location_id == location_id, F.status == status)
                .limit(cap)
                .subquery()
            )
            sizes[status] = int(
                self.conn.execute(select(func.count()).select_from(capped)).scalar_one()
            )
        return sizes

    def recent_waves(
        self, location_id: str, before_id: str | None, limit: int
    ) -> list[dict[str, Any]]:
        """Up to ``limit + 1`` waves of the location, newest first, older than ``before_id``."""
        query = select(pick_waves).where(W.location_id == location_id)
        if before_id is not None:
            query = query.where(W.id < before_id)
        rows = self.conn.execute(query.order_by(W.id.desc()).limit(limit + 1)).mappings()
        return [dict(r) for r in rows]
