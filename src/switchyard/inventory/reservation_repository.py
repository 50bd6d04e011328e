"""SQL for reservation rows: status changes are conditional, so two writers never both win."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, update

from switchyard.db import pending_writes
from switchyard.inventory.domain import EXPIRED, OPEN, PREORDER, WAITING, Pair
from switchyard.inventory.tables import purchase_order_lines, purchase_orders, reservations

R = reservations.c


class ReservationRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, rows: list[dict[str, Any]]) -> None:
        pending_writes.insert(self.conn, reservations, rows)

    def get(self, reservation_id: str) -> dict[str, Any] | None:
        row = self.conn.execute(select(reservations).where(R.id == reservation_id)).mappings()
        found = row.first()
        return dict(found) if found else None

    def for_hold(self, hold_id: str) -> list[dict[str, Any]]:
        query = select(reservations).where(R.hold_id == hold_id).order_by(R.id)
        return [dict(r) for r in self.conn.execute(query).mappings()]

    def preorders(self, order_ids: Sequence[str]) -> list[dict[str, Any]]:
        """Per order line of these orders: units preordered against purchase orders
        (``quantity``) and the latest ETA among those purchase orders (``expected_at``)."""
        if not order_ids:
            return []
        pol, po = purchase_order_lines.c, purchase_orders.c
        query = (
            select(
                R.order_id,
                R.order_line_id,
                func.sum(R.quantity).label("quantity"),
                func.max(po.eta).label("expected_at"),
            )
            .join(purchase_order_lines, pol.id == R.supply_line_id)
            .join(purchase_orders, po.id == pol.purchase_order_id)
            .where(R.order_id.in_(sorted(set(order_ids))), R.status == PREORDER)
            .group_by(R.order_id, R.order_line_id)
        )
        return [dict(r) for r in self.conn.execute(query).mappings()]

    def for_order(self, order_id: str) -> list[dict[str, Any]]:
        query = select(reservations).where(R.order_id == order_id).order_by(R.created_at, R.id)
        return [dict(r) for r in self.conn.execute(query).mappings()]

    def close(
        self,
        status: str,
        now: datetime,
        *,
        from_statuses: tuple[str, ...] = (OPEN,),
        order_id: str | None = None,
        order_line_ids: list[str] | None = None,
        hold_id: str | None = None,
        ids: list[str] | None = None,
        expired_by: datetime | None = None,
    ) -> list[dict[str, Any]]:
        """Move matching reservations to ``status``; the rows this statement changed.

        The status condition is part of the UPDATE, so when two transactions close the
        same reservation only one of them gets it back.
        """
        stmt = update(reservations).where(R.status.in_(from_statuses))
        if order_id is not None:
            stmt = stmt.where(R.order_id == order_id)
        if order_line_ids is not None:
            stmt = stmt.where(R.order_line_id.in_(order_line_ids))
        if hold_id is not None:
            stmt = stmt.where(R.hold_id == hold_id)
        if ids is not None:
            stmt = stmt.where(R.id.in_(ids))
        if expired_by is not None:
            stmt = stmt.where(R.expires_at <= expired_by)
        stmt = stmt.values(status=status, updated_at=now).returning(
            R.id,
            R.sku_id,
            R.location_id,
            R.quantity,
            R.supply_line_id,
            R.order_id,
            R.order_line_id,
        )
        return [dict(r) for r in self.conn.execute(stmt).mappings()]

    def expire(
        self, now: datetime, pair: Pair | None = None, limit: int = 1000
    ) -> list[dict[str, Any]]:
        """Open reservations past their expiry become ``expired``: the rows changed."""
        due = select(R.id).where(R.status == OPEN, R.expires_at <= now)
        if pair is not None:
            due = due.where(R.sku_id == pair[0], R.location_id == pair[1])
        ids = [r[0] for r in self.conn.execute(due.order_by(R.id).limit(limit))]
        if not ids:
            return []
        return self.close(EXPIRED, now, ids=ids, expired_by=now)

    def open_for_line(self, order_line_id: str, location_id: str) -> list[dict[str, Any]]:
        query = (
            select(reservations)
            .where(
                R.order_line_id == order_line_id,
                R.location_id == location_id,
                R.status == OPEN,
            )
            .order_by(R.created_at, R.id)
            .with_for_update()
        )
        return [dict(r) for r in self.conn.execute(query).mappings()]

    def queue(
        self, pair: Pair, status: str, *, newest_first: bool = False, limit: int = 500
    ) -> list[dict[str, Any]]:
        """Reservations of one status at a balance, oldest (or newest) first, locked."""
        order = (R.created_at.desc(), R.id.desc()) if newest_first else (R.created_at, R.id)
        query = (
            select(reservations)
            .where(R.sku_id == pair[0], R.location_id == pair[1], R.status == status)
            .order_by(*order)
            .limit(limit)
            .with_for_update()
        )
        return [dict(r) for r in self.conn.execute(query).mappings()]

    def for_supply_line(self, supply_line_id: str) -> list[dict[str, Any]]:
        query = (
            select(reservations)
            .where(R.supply_line_id == supply_line_id, R.status == PREORDER)
            .order_by(R.created_at, R.id)
            .with_for_update()
        )
        return [dict(r) for r in self.conn.execute(query).mappings()]

    def has_waiting(self, pairs: list[Pair]) -> set[Pair]:
        if not pairs:
            return set()
        skus = sorted({p[0] for p in pairs})
        query = (
            select(R.sku_id, R.location_id)
            .where(R.status == WAITING, R.sku_id.in_(skus))
            .distinct()
        )
        wanted = set(pairs)
        return {(r.sku_id, r.location_id) for r in self.conn.execute(query)} & wanted

    def adopt(
        self, reservation_id: str, order_id: str, order_line_id: str | None, now: datetime
    ) -> bool:
        """A live hold line becomes an order's (no expiry); False if it lapsed meanwhile."""
        result = self.conn.execute(
            update(reservations)
            .where(
                R.id == reservation_id,
                R.status == OPEN,
                (R.expires_at.is_(None)) | (R.expires_at > now),
            )
            .values(order_id=order_id, order_line_id=order_line_id, expires_at=None, updated_at=now)
        )
        return result.rowcount == 1

    def set_status(self, reservation_id: str, status: str, now: datetime, **values: Any) -> None:
        self.conn.execute(
            update(reservations)
            .where(R.id == reservation_id)
            .values(status=status, updated_at=now, **values)
        )

    def shrink(self, reservation_id: str, by: int, now: datetime, consumed: int = 0) -> None:
        self.conn.execute(
            update(reservations)
            .where(R.id == reservation_id)
            .values(quantity=R.quantity - by, consumed=R.consumed + consumed, updated_at=now)
        )

    def page(
        self,
        *,
        order_id: str | None,
        sku_id: str | None,
        location_id: str | None,
        status: str | None,
        after_id: str | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        query = select(reservations)
        for column, value in (
            (R.order_id, order_id),
            (R.sku_id, sku_id),
            (R.location_id, location_id),
            (R.status, status),
        ):
            if value:
                query = query.where(column == value)
        if after_id:
            query = query.where(R.id > after_id)
        query = query.order_by(R.id).limit(limit + 1)
        return [dict(r) for r in self.conn.execute(query).mappings()]
