"""SQL for bulk work on fulfillments, pick waves, storage slots and carrier tracking events."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, insert, or_, select

from switchyard.channels.tables import channels
from switchyard.db.crud import insert_for
from switchyard.fulfillment.tables import (
    fulfillments,
    packages,
    pick_slots,
    pick_waves,
    tracking_events,
)
from switchyard.orders.tables import orders

F, P = fulfillments.c, packages.c
W, SL, T = pick_waves.c, pick_slots.c, tracking_events.c


class WorkRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def ids_where(
        self,
        *,
        statuses: Iterable[str],
        location_ids: Iterable[str] | None = None,
        order_id: str | None = None,
        created_before: datetime | None = None,
        unwaved: bool = False,
        limit: int,
    ) -> list[tuple[str, str]]:
        """(order id, fulfillment id) of matching fulfillments, oldest first."""
        query = select(F.order_id, F.id).where(F.status.in_(list(statuses)))
        if location_ids is not None:
            query = query.where(F.location_id.in_(list(location_ids)))
        if order_id is not None:
            query = query.where(F.order_id == order_id)
        if created_before is not None:
            query = query.where(F.created_at < created_before)
        if unwaved:
            query = query.where(F.wave_id.is_(None))
        return [(r.order_id, r.id) for r in self.conn.execute(query.order_by(F.id).limit(limit))]

    def channel_release_settings(self) -> list[tuple[str, dict[str, Any]]]:
        """(channel id, settings) of every channel."""
        rows = self.conn.execute(select(channels.c.id, channels.c.settings).order_by(channels.c.id))
        return [(r.id, r.settings or {}) for r in rows]

    def due_for_release(
        self,
        cutoffs: Sequence[tuple[Sequence[str], datetime]],
        after_id: str | None,
        limit: int,
    ) -> list[tuple[str, str]]:
        """(order id, fulfillment id) of ``created`` fulfillments whose order is not on
        hold, of the channels of each (channel ids, created before) pair, made before its
        time; oldest first, after ``after_id``."""
        due = or_(
            *(
                and_(orders.c.channel_id.in_(list(ids)), F.created_at < before)
                for ids, before in cutoffs
            )
        )
        query = (
            select(F.order_id, F.id)
            .join(orders, orders.c.id == F.order_id)
            .where(F.status == "created", orders.c.held_since.is_(None), due)
        )
        if after_id is not None:
            query = query.where(F.id > after_id)
        return [(r.order_id, r.id) for r in self.conn.execute(query.order_by(F.id).limit(limit))]

    def overdue_pickups(self, now: datetime, limit: int) -> list[tuple[str, str]]:
        query = (
            select(F.order_id, F.id)
            .where(F.status == "ready_for_pickup", F.pickup_deadline <= now)
            .order_by(F.pickup_deadline, F.id)
            .limit(limit)
        )
        return [(r.order_id, r.id) for r in self.conn.execute(query)]

    def by_tracking_number(
        self, tracking_number: str, carrier: str | None
    ) -> list[tuple[str, str]]:
        """(fulfillment id, package id) of packages with this tracking number, newest first."""
        query = select(P.fulfillment_id, P.id).where(P.tracking_number == tracking_number)
        if carrier is not None:
            query = query.where(P.carrier == carrier)
        return [(r.fulfillment_id, r.id) for r in self.conn.execute(query.order_by(P.id.desc()))]

    def put_slots(self, location_id: str, rows: list[dict[str, Any]]) -> None:
        """Insert or replace the slots of these SKUs at the location."""
        sku_ids = [r["sku_id"] for r in rows]
        self.conn.execute(
            delete(pick_slots).where(SL.location_id == location_id, SL.sku_id.in_(sku_ids))
        )
        self.conn.execute(insert(pick_slots), [{**r, "location_id": location_id} for r in rows])

    def slots(self, location_id: str, sku_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        query = select(SL.sku_id, SL.zone, SL.bin).where(
            SL.location_id == location_id, SL.sku_id.in_(list(sku_ids))
        )
        return {r.sku_id: (r.zone, r.bin) for r in self.conn.execute(query)}

    def slot_page(
        self, location_id: str, after_sku_id: str | None, limit: int
    ) -> list[dict[str, Any]]:
        query = select(pick_slots).where(SL.location_id == location_id)
        if after_sku_id is not None:
            query = query.where(SL.sku_id > after_sku_id)
        rows = self.conn.execute(query.order_by(SL.sku_id).limit(limit + 1)).mappings()
        return [dict(r) for r in rows]

    def add_wave(self, row: dict[str, Any]) -> None:
        self.conn.execute(insert(pick_waves).values(**row))

    def wave(self, wave_id: str) -> dict[str, Any] | None:
        row = self.conn.execute(select(pick_waves).where(W.id == wave_id)).mappings().first()
        return dict(row) if row else None

    def wave_page(
        self, location_ids: Iterable[str] | None, after_id: str | None, limit: int
    ) -> list[dict[str, Any]]:
        query = select(pick_waves)
        if location_ids is not None:
            query = query.where(W.location_id.in_(list(location_ids)))
        if after_id is not None:
            query = query.where(W.id > after_id)
        rows = self.conn.execute(query.order_by(W.id).limit(limit + 1)).mappings()
        return [dict(r) for r in rows]

    def add_tracking_event(self, row: dict[str, Any]) -> bool:
        """Store a carrier scan once; False when (carrier, carrier event id) is known."""
        dialect_insert = insert_for(self.conn)
        stmt = (
            dialect_insert(tracking_events)
            .values(**row)
            .on_conflict_do_nothing(index_elements=["carrier", "carrier_event_id"])
            .returning(T.id)
        )
        return self.conn.execute(stmt).first() is not None

    def tracking_events(self, package_ids: list[str]) -> list[dict[str, Any]]:
        if not package_ids:
            return []
        query = (
            select(tracking_events)
            .where(T.package_id.in_(package_ids))
            .order_by(T.occurred_at, T.id)
        )
        return [dict(r) for r in self.conn.execute(query).mappings()]
