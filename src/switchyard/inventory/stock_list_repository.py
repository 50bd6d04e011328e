"""Reads for people looking at stock: the balances of a location (or of the network) with
the SKU's code and name, filtered by stock health, and a SKU's ledger newest first.

Stock health, as the console's home dashboard counts it
(``dashboard_queries.StockDashboardQueries.stock_health``), so a tile's figure is the
length of the list it links to:

* ``out_of_stock``: nothing free on the shelf, on hand less reserved is 0 or less;
* ``below_safety``: some units free, but fewer than the balance's safety stock.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, or_, select, tuple_

from switchyard.catalog.tables import skus
from switchyard.inventory.domain import Pair
from switchyard.inventory.tables import stock_levels, stock_movements

S = stock_levels.c
M = stock_movements.c
HEALTH = ("out_of_stock", "below_safety")


def health_condition(health: str) -> ColumnElement[bool]:
    """The balances in this state of health (one of ``HEALTH``)."""
    free = S.on_hand - S.reserved
    if health == "out_of_stock":
        return free <= 0
    if health == "below_safety":
        return and_(free > 0, free < S.safety_stock)
    raise ValueError(health)


class StockListRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def balances(
        self,
        *,
        location_id: str | None,
        health: list[str],
        q: str | None,
        after: Pair | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        """Up to ``limit + 1`` balances in (sku_id, location_id) order after ``after``, at
        ``location_id`` (None: every location), in every state of ``health``, of SKUs whose
        code or name contains ``q`` (ignoring case); each with ``sku`` and ``name``."""
        query = select(stock_levels, skus.c.sku, skus.c.name).join(skus, skus.c.id == S.sku_id)
        if location_id is not None:
            query = query.where(S.location_id == location_id)
        for state in health:
            query = query.where(health_condition(state))
        if q:
            query = query.where(
                or_(
                    skus.c.sku.icontains(q, autoescape=True),
                    skus.c.name.icontains(q, autoescape=True),
                )
            )
        if after is not None:
            query = query.where(tuple_(S.sku_id, S.location_id) > tuple_(*after))
        query = query.order_by(S.sku_id, S.location_id).limit(limit + 1)
        return [dict(r) for r in self.conn.execute(query).mappings()]

    def movements(
        self, *, sku_id: str, location_id: str | None, before_id: str | None, limit: int
    ) -> list[dict[str, Any]]:
        """Up to ``limit + 1`` movements of a SKU (at one location), newest first, older
        than ``before_id`` (ids sort in the order they were made)."""
        query = select(stock_movements).where(M.sku_id == sku_id)
        if location_id is not None:
            query = query.where(M.location_id == location_id)
        if before_id is not None:
            query = query.where(M.id < before_id)
        query = query.order_by(M.id.desc()).limit(limit + 1)
        return [dict(r) for r in self.conn.execute(query).mappings()]
