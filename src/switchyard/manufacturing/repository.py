"""All make-to-order SQL: routes, bills of materials, capacity bookings, work orders."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from switchyard.db.crud import insert_for
from switchyard.manufacturing.domain import CANCELLED, DONE, Route
from switchyard.manufacturing.tables import (
    bom_lines,
    production_bookings,
    production_routes,
    work_orders,
)

RT, B, PB, W = production_routes.c, bom_lines.c, production_bookings.c, work_orders.c


class ManufacturingRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- routes and bills of materials -------------------------------------------------
    def routes_for(self, sku_ids: Sequence[str]) -> dict[str, list[Route]]:
        """Active routes per SKU, by priority then site."""
        found: dict[str, list[Route]] = {}
        if not sku_ids:
            return found
        rows = self.conn.execute(
            select(production_routes)
            .where(RT.sku_id.in_(list(sku_ids)), RT.active.is_(True))
            .order_by(RT.sku_id, RT.priority, RT.location_id)
        ).mappings()
        for r in rows:
            found.setdefault(r["sku_id"], []).append(
                Route(r["sku_id"], r["location_id"], r["lead_days"], r["daily_capacity"],
                      r["priority"])
            )  # fmt: skip
        return found

    def all_routes(self, sku_id: str) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            select(production_routes)
            .where(RT.sku_id == sku_id)
            .order_by(RT.priority, RT.location_id)
        ).mappings()
        return [dict(r) for r in rows]

    def bom(self, sku_id: str) -> list[tuple[str, int]]:
        rows = self.conn.execute(
            select(B.component_sku_id, B.quantity)
            .where(B.sku_id == sku_id)
            .order_by(B.component_sku_id)
        )
        return [(r.component_sku_id, r.quantity) for r in rows]

    def replace(self, sku_id: str, routes: list[dict[str, Any]], bom: list[dict[str, Any]]) -> None:
        self.conn.execute(delete(production_routes).where(RT.sku_id == sku_id))
        self.conn.execute(delete(bom_lines).where(B.sku_id == sku_id))
        if routes:
            self.conn.execute(insert(production_routes), routes)
        if bom:
            self.conn.execute(insert(bom_lines), bom)

    # -- capacity ----------------------------------------------------------------------
    def book(self, location_id: str, sku_id: str, day: date, quantity: int, capacity: int) -> bool:
        """Book ``quantity`` units on ``day`` if the day keeps within ``capacity``: one
        conditional statement, so concurrent bookings never overbook."""
        if quantity > capacity:
            return False
        stmt = insert_for(self.conn)(production_bookings).values(
            location_id=location_id, sku_id=sku_id, day=day, booked=quantity
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["location_id", "sku_id", "day"],
            set_={"booked": production_bookings.c.booked + quantity},
            where=production_bookings.c.booked + quantity <= capacity,
        ).returning(PB.booked)
        return self.conn.execute(stmt).first() is not None

    def unbook(self, location_id: str, sku_id: str, day: date, quantity: int) -> None:
        self.conn.execute(
            update(production_bookings)
            .where(PB.location_id == location_id, PB.sku_id == sku_id, PB.day == day)
            .values(booked=PB.booked - quantity)
        )

    def booked(self, location_id: str, sku_id: str, days: Sequence[date]) -> dict[date, int]:
        rows = self.conn.execute(
            select(PB.day, PB.booked).where(
                PB.location_id == location_id, PB.sku_id == sku_id, PB.day.in_(list(days))
            )
        )
        return {r.day: r.booked for r in rows}

    # -- work orders -------------------------------------------------------------------
    def add_work_order(self, row: dict[str, Any]) -> None:
        self.conn.execute(insert(work_orders), [row])

    def work_order(self, work_order_id: str, *, lock: bool = False) -> dict[str, Any] | None:
        query = select(work_orders).where(W.id == work_order_id)
        if lock:
            query = query.with_for_update()
        row = self.conn.execute(query).mappings().first()
        return dict(row) if row else None

    def save(self, row: dict[str, Any], now: datetime) -> bool:
        result = self.conn.execute(
            update(work_orders)
            .where(W.id == row["id"], W.version == row["version"])
            .values(status=row["status"], version=row["version"] + 1, updated_at=now)
        )
        return result.rowcount == 1

    def for_order(self, order_id: str) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            select(work_orders).where(W.order_id == order_id).order_by(W.created_at, W.id)
        ).mappings()
        return [dict(r) for r in rows]

    def unfinished_at(self, order_id: str, location_id: str) -> bool:
        """Does the order wait for production at this site?"""
        found = self.conn.execute(
            select(W.id)
            .where(
                W.order_id == order_id,
                W.location_id == location_id,
                W.status.not_in([DONE, CANCELLED]),
            )
            .limit(1)
        ).first()
        return found is not None

    def page(
        self,
        *,
        status: str | None,
        location_ids: Sequence[str] | None,
        after_id: str | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        query = select(work_orders)
        if status is not None:
            query = query.where(W.status == status)
        if location_ids is not None:
            query = query.where(W.location_id.in_(list(location_ids)))
        if after_id is not None:
            query = query.where(W.id > after_id)
        rows = self.conn.execute(query.order_by(W.id).limit(limit + 1)).mappings()
        return [dict(r) for r in rows]
