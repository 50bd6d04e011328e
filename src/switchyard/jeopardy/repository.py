"""All SQL of the jeopardy monitor: its watch list, and what it reads of fulfillments.

The reads span other contexts' tables (fulfillments and packages, their promises, their
locations and sourcing settings, the orders' channels), one query each for a whole batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, select

from switchyard.db import pending_writes
from switchyard.fulfillment.tables import fulfillments, packages
from switchyard.jeopardy.tables import jeopardy_watches
from switchyard.locations.tables import locations
from switchyard.orders.tables import orders
from switchyard.sourcing.tables import sourcing_fulfillments, sourcing_location_settings

W = jeopardy_watches.c
F, P = fulfillments.c, packages.c
SF, S, L = sourcing_fulfillments.c, sourcing_location_settings.c, locations.c


class JeopardyRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- the watch list ----------------------------------------------------------------
    def watch_new(self, fulfillment_id: str, order_id: str, check_at: datetime) -> None:
        """A new fulfillment, to check at ``check_at`` (sent with the unit of work's other
        inserts: placing an order pays no round trip for it)."""
        row = {"fulfillment_id": fulfillment_id, "order_id": order_id, "check_at": check_at}
        pending_writes.insert(self.conn, jeopardy_watches, [row], ignore_conflicts=True)

    def watch(self, rows: Sequence[dict[str, Any]]) -> None:
        """Set (or add) ``{fulfillment_id, order_id, check_at}`` watches."""
        pending_writes.insert(self.conn, jeopardy_watches, list(rows), upsert_on=["fulfillment_id"])

    def unwatch(self, fulfillment_ids: Iterable[str]) -> None:
        ids = sorted(set(fulfillment_ids))
        if ids:
            self.conn.execute(delete(jeopardy_watches).where(W.fulfillment_id.in_(ids)))

    def due(self, now: datetime, limit: int) -> list[tuple[str, str]]:
        """(order id, fulfillment id) of watches due at ``now``, the most overdue first."""
        rows = self.conn.execute(
            select(W.order_id, W.fulfillment_id)
            .where(W.check_at <= now)
            .order_by(W.check_at, W.fulfillment_id)
            .limit(limit)
        )
        return [(r.order_id, r.fulfillment_id) for r in rows]

    def watched_of_orders(self, order_ids: Sequence[str]) -> list[tuple[str, str]]:
        """(order id, fulfillment id) of every watched fulfillment of these orders."""
        if not order_ids:
            return []
        rows = self.conn.execute(
            select(W.order_id, W.fulfillment_id)
            .where(W.order_id.in_(sorted(set(order_ids))))
            .order_by(W.order_id, W.fulfillment_id)
        )
        return [(r.order_id, r.fulfillment_id) for r in rows]

    def check_at(self, fulfillment_id: str) -> datetime | None:
        return self.conn.execute(
            select(W.check_at).where(W.fulfillment_id == fulfillment_id)
        ).scalar()

    # -- what the rules need -----------------------------------------------------------
    def subjects(self, fulfillment_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Per fulfillment: its state, promise, location (calendar, cut-off, handling
        days) and order (channel, hold)."""
        if not fulfillment_ids:
            return {}
        query = (
            select(
                F.id,
                F.order_id,
                F.location_id,
                F.status,
                F.delivery_method,
                F.ship_to_location_id,
                F.promised_delivery,
                F.released_at,
                F.shipped_at,
                SF.ship_by,
                SF.deliver_by,
                SF.ready_at,
                L.timezone,
                L.cutoff_time,
                L.processing_days,
                S.handling_days,
                S.holidays,
                orders.c.channel_id,
                orders.c.held_since,
            )
            .join(locations, L.id == F.location_id)
            .join(orders, orders.c.id == F.order_id)
            .outerjoin(sourcing_fulfillments, SF.fulfillment_id == F.id)
            .outerjoin(sourcing_location_settings, S.location_id == F.location_id)
            .where(F.id.in_(sorted(set(fulfillment_ids))))
        )
        return {r["id"]: dict(r) for r in self.conn.execute(query).mappings()}

    def scans(self, fulfillment_ids: Sequence[str]) -> dict[str, tuple[int, datetime | None]]:
        """Per fulfillment with tracked packages: how many, and the latest carrier scan."""
        if not fulfillment_ids:
            return {}
        rows = self.conn.execute(
            select(P.fulfillment_id, func.count(), func.max(P.last_event_at))
            .where(
                P.fulfillment_id.in_(sorted(set(fulfillment_ids))), P.tracking_number.is_not(None)
            )
            .group_by(P.fulfillment_id)
        )
        return {r[0]: (int(r[1]), r[2]) for r in rows}
