"""SQL for the ledger audit: balances against the rows that must explain them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, func, select

from switchyard.inventory.domain import OPEN, PREORDER, Pair
from switchyard.inventory.tables import (
    purchase_order_lines,
    reservations,
    stock_levels,
    stock_movements,
)


class AuditRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def balances(self, sku_ids: Sequence[str] | None) -> dict[Pair, tuple[int, int]]:
        """(on_hand, reserved) per balance."""
        s = stock_levels.c
        query = select(s.sku_id, s.location_id, s.on_hand, s.reserved)
        if sku_ids is not None:
            query = query.where(s.sku_id.in_(sku_ids))
        return {(r[0], r[1]): (r[2], r[3]) for r in self.conn.execute(query)}

    def movement_sums(self, sku_ids: Sequence[str] | None) -> dict[Pair, int]:
        m = stock_movements.c
        query = select(m.sku_id, m.location_id, func.sum(m.quantity)).group_by(
            m.sku_id, m.location_id
        )
        if sku_ids is not None:
            query = query.where(m.sku_id.in_(sku_ids))
        return {(r[0], r[1]): int(r[2]) for r in self.conn.execute(query)}

    def open_reservation_sums(self, sku_ids: Sequence[str] | None) -> dict[Pair, int]:
        r = reservations.c
        query = (
            select(r.sku_id, r.location_id, func.sum(r.quantity))
            .where(r.status == OPEN)
            .group_by(r.sku_id, r.location_id)
        )
        if sku_ids is not None:
            query = query.where(r.sku_id.in_(sku_ids))
        return {(row[0], row[1]): int(row[2]) for row in self.conn.execute(query)}

    def preorder_mismatches(self, sku_ids: Sequence[str] | None) -> list[tuple[str, str, int, int]]:
        """(line id, sku id, preordered counter, sum of preorder reservations) that differ."""
        r = reservations.c
        sums = (
            select(r.supply_line_id, func.sum(r.quantity).label("total"))
            .where(r.status == PREORDER)
            .group_by(r.supply_line_id)
            .subquery()
        )
        p = purchase_order_lines.c
        query = select(p.id, p.sku_id, p.preordered, func.coalesce(sums.c.total, 0)).outerjoin(
            sums, sums.c.supply_line_id == p.id
        )
        if sku_ids is not None:
            query = query.where(p.sku_id.in_(sku_ids))
        return [
            (row[0], row[1], int(row[2]), int(row[3]))
            for row in self.conn.execute(query)
            if int(row[2]) != int(row[3])
        ]
