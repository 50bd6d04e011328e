"""SQL for order holds and the exception queue."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from switchyard.orders.domain import Order
from switchyard.orders.holds_domain import Hold
from switchyard.orders.repository import OrderRepository
from switchyard.orders.search_repository import queue_query
from switchyard.orders.tables import order_holds

H = order_holds.c


def _hold(row: Any) -> Hold:
    return Hold(
        id=row["id"],
        order_id=row["order_id"],
        type=row["type"],
        source=row["source"],
        reason=row["reason"],
        findings=list(row["findings"] or []),
        placed_at=row["placed_at"],
        placed_by=row["placed_by"],
        released_at=row["released_at"],
        released_by=row["released_by"],
        resolution=row["resolution"],
        note=row["note"],
    )


class HoldRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, holds: list[Hold]) -> None:
        if holds:
            self.conn.execute(
                insert(order_holds),
                [
                    {
                        "id": h.id,
                        "order_id": h.order_id,
                        "type": h.type,
                        "source": h.source,
                        "reason": h.reason,
                        "findings": h.findings,
                        "placed_at": h.placed_at,
                        "placed_by": h.placed_by,
                    }
                    for h in holds
                ],
            )

    def for_order(self, order_id: str, *, active_only: bool = False) -> list[Hold]:
        query = select(order_holds).where(H.order_id == order_id)
        if active_only:
            query = query.where(H.released_at.is_(None))
        rows = self.conn.execute(query.order_by(H.placed_at, H.id)).mappings()
        return [_hold(r) for r in rows]

    def active_for_orders(self, order_ids: list[str]) -> dict[str, list[Hold]]:
        found: dict[str, list[Hold]] = defaultdict(list)
        if not order_ids:
            return found
        query = (
            select(order_holds)
            .where(H.order_id.in_(order_ids), H.released_at.is_(None))
            .order_by(H.placed_at, H.id)
        )
        for row in self.conn.execute(query).mappings():
            found[row["order_id"]].append(_hold(row))
        return found

    def resolve(
        self,
        order_id: str,
        hold_ids: list[str] | None,
        *,
        at: datetime,
        by: str,
        resolution: str,
        note: str | None,
    ) -> list[str]:
        """Close active holds (all of the order's, or these); the ids this call closed."""
        stmt = update(order_holds).where(H.order_id == order_id, H.released_at.is_(None))
        if hold_ids is not None:
            stmt = stmt.where(H.id.in_(hold_ids))
        stmt = stmt.values(released_at=at, released_by=by, resolution=resolution, note=note)
        return [r.id for r in self.conn.execute(stmt.returning(H.id))]

    def queue(
        self,
        *,
        hold_type: str | None,
        channel_id: str | None,
        held_before: datetime | None,
        after: tuple[datetime, str] | None,
        limit: int,
        visible_at: frozenset[str] | None = None,
    ) -> list[Order]:
        query = queue_query(
            hold_type=hold_type,
            channel_id=channel_id,
            held_before=held_before,
            after=after,
            visible_at=visible_at,
        )
        rows = list(self.conn.execute(query.limit(limit + 1)).mappings())
        return OrderRepository(self.conn).with_lines(rows)
