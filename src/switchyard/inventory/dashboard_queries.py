"""Read queries for the console's home dashboard: stock health and open backorders.

Stock health groups ``stock_levels`` by location in SQL (one row per SKU and location,
so its size follows the catalogue, not the orders). Open backorders read the waiting and
preordered reservations through ``ix_reservations_status_expires_at`` (status first).
``location_ids`` limits both to a restricted user's locations (None: every location).
"""

from __future__ import annotations

from sqlalchemy import Connection, case, func, select

from switchyard.inventory.domain import PREORDER, WAITING
from switchyard.inventory.tables import reservations, stock_levels

S, RES = stock_levels.c, reservations.c


class StockDashboardQueries:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def stock_health(self, location_ids: frozenset[str] | None) -> list[tuple[str, int, int, int]]:
        """(location_id, SKUs stocked, out of stock, below safety stock) per location.

        Out of stock: nothing free on the shelf (on hand less reserved is 0 or less).
        Below safety stock: some free, but fewer than the level's safety stock.
        """
        free = S.on_hand - S.reserved
        out = func.sum(case((free <= 0, 1), else_=0))
        below = func.sum(case(((free > 0) & (free < S.safety_stock), 1), else_=0))
        query = select(S.location_id, func.count(), out, below).group_by(S.location_id)
        if location_ids is not None:
            query = query.where(S.location_id.in_(sorted(location_ids)))
        return [(r[0], int(r[1]), int(r[2] or 0), int(r[3] or 0)) for r in self.conn.execute(query)]

    def open_backorders(self, location_ids: frozenset[str] | None) -> tuple[int, int]:
        """(orders, units) waiting for stock or for a purchase order."""
        query = select(
            func.count(RES.order_id.distinct()), func.coalesce(func.sum(RES.quantity), 0)
        ).where(RES.status.in_([WAITING, PREORDER]), RES.order_id.is_not(None))
        if location_ids is not None:
            query = query.where(RES.location_id.in_(sorted(location_ids)))
        row = self.conn.execute(query).one()
        return int(row[0]), int(row[1])
