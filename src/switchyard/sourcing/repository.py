"""All SQL of sourcing: profiles, decisions, promises, location settings, today's load."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, bindparam, func, select

from switchyard.db import pending_writes
from switchyard.db.crud import upsert
from switchyard.fulfillment.tables import fulfillments
from switchyard.inventory.tables import reservations, stock_levels
from switchyard.locations.tables import locations
from switchyard.orders.tables import orders
from switchyard.sourcing.tables import (
    sourcing_active_profiles,
    sourcing_decisions,
    sourcing_exclusions,
    sourcing_fulfillments,
    sourcing_location_settings,
    sourcing_order_promises,
    sourcing_profiles,
)

P = sourcing_profiles.c
A = sourcing_active_profiles.c
D = sourcing_decisions.c
SF = sourcing_fulfillments.c
F = fulfillments.c
R = reservations.c
X = sourcing_exclusions.c


class SourcingRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- decisions ---------------------------------------------------------------------
    def next_seq(self, order_id: str) -> int:
        seq = self.conn.execute(select(func.max(D.seq)).where(D.order_id == order_id)).scalar()
        return int(seq or 0) + 1

    def add_decision(self, row: dict[str, Any]) -> None:
        pending_writes.insert(self.conn, sourcing_decisions, [row])

    def decisions_for(self, order_id: str) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            select(sourcing_decisions).where(D.order_id == order_id).order_by(D.seq)
        ).mappings()
        return [dict(r) for r in rows]

    def latest_decision(self, order_id: str) -> dict[str, Any] | None:
        row = (
            self.conn.execute(
                select(sourcing_decisions)
                .where(D.order_id == order_id)
                .order_by(D.seq.desc())
                .limit(1)
            )
            .mappings()
            .first()
        )
        return dict(row) if row else None

    # -- exclusions --------------------------------------------------------------------
    def add_exclusions(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.conn.execute(sourcing_exclusions.insert(), rows)

    def excluded_locations(self, order_id: str, line_ids: Sequence[str]) -> dict[str, set[str]]:
        """Per line of the order: the locations excluded for it and not cleared."""
        found: dict[str, set[str]] = {}
        rows = self.conn.execute(
            select(X.order_line_id, X.location_id).where(
                X.order_id == order_id, X.order_line_id.in_(list(line_ids)), X.cleared_at.is_(None)
            )
        )
        for line_id, location_id in rows:
            found.setdefault(line_id, set()).add(location_id)
        return found

    def exclusions(self, order_id: str) -> list[dict[str, Any]]:
        """Every exclusion of the order, cleared ones too, oldest first."""
        rows = self.conn.execute(
            select(sourcing_exclusions).where(X.order_id == order_id).order_by(X.created_at, X.id)
        ).mappings()
        return [dict(r) for r in rows]

    def clear_exclusions(self, ids: Sequence[str], at: datetime, by: str, note: str) -> None:
        self.conn.execute(
            sourcing_exclusions.update()
            .where(X.id.in_(list(ids)), X.cleared_at.is_(None))
            .values(cleared_at=at, cleared_by=by, note=note)
        )

    # -- promises ----------------------------------------------------------------------
    def add_fulfillment_promise(self, row: dict[str, Any]) -> None:
        pending_writes.insert(self.conn, sourcing_fulfillments, [row])

    def fulfillment_promises(self, order_id: str) -> list[dict[str, Any]]:
        """The order's fulfillment promises with each fulfillment's current status."""
        rows = self.conn.execute(
            select(sourcing_fulfillments, F.status)
            .join(fulfillments, F.id == SF.fulfillment_id)
            .where(SF.order_id == order_id)
            .order_by(SF.fulfillment_id)
        ).mappings()
        return [dict(r) for r in rows]

    def fulfillment_promise(self, fulfillment_id: str) -> dict[str, Any] | None:
        row = (
            self.conn.execute(
                select(sourcing_fulfillments).where(SF.fulfillment_id == fulfillment_id)
            )
            .mappings()
            .first()
        )
        return dict(row) if row else None

    def put_order_promise(self, row: dict[str, Any]) -> None:
        pending_writes.insert(self.conn, sourcing_order_promises, [row], upsert_on=["order_id"])

    def order_promise(self, order_id: str) -> dict[str, Any] | None:
        row = (
            self.conn.execute(
                select(sourcing_order_promises).where(
                    sourcing_order_promises.c.order_id == order_id
                )
            )
            .mappings()
            .first()
        )
        return dict(row) if row else None

    # -- locations ---------------------------------------------------------------------
    def locations_with_settings(
        self, location_ids: Sequence[str]
    ) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
        """Active locations by id, each with its sourcing settings (None: defaults)."""
        if not location_ids:
            return []
        rows = self.conn.execute(_locations_query(), {"ids": sorted(set(location_ids))})
        found = []
        for r in rows.mappings():
            settings = {k[2:]: r[k] for k in r if k.startswith("s_")}
            loc = {c.name: r[c.name] for c in locations.c}
            found.append((loc, settings if settings["location_id"] else None))
        return found

    def location_settings(self, location_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        if not location_ids:
            return {}
        rows = self.conn.execute(
            select(sourcing_location_settings).where(
                sourcing_location_settings.c.location_id.in_(list(location_ids))
            )
        ).mappings()
        return {r["location_id"]: dict(r) for r in rows}

    def put_location_settings(self, row: dict[str, Any]) -> None:
        upsert(self.conn, sourcing_location_settings, row, ["location_id"])

    def fulfillments_since(self, location_ids: Sequence[str], since: datetime) -> dict[str, int]:
        """Fulfillments created at each location since ``since`` and not cancelled: the
        shipments its capacity has already been spent on."""
        if not location_ids:
            return {}
        rows = self.conn.execute(_load_query(), {"ids": list(location_ids), "since": since})
        return {r[0]: int(r[1]) for r in rows}

    def waiting_elsewhere(self, sku_id: str, location_id: str, limit: int) -> list[dict[str, Any]]:
        """Orders' backordered (waiting) reservations of a SKU at other locations, oldest
        first (inventory's table, read for re-sourcing)."""
        rows = self.conn.execute(
            select(R.id, R.order_id, R.order_line_id, R.location_id, R.quantity)
            .where(
                R.sku_id == sku_id,
                R.status == "waiting",
                R.location_id != location_id,
                R.order_id.is_not(None),
            )
            .order_by(R.created_at, R.id)
            .limit(limit)
        ).mappings()
        return [dict(r) for r in rows]

    def waiting_with_stock(self, limit: int) -> list[dict[str, Any]]:
        """Orders' waiting (backordered) reservations of SKUs that some location has
        available now (capacity may have freed, or stock sat at a full location), oldest
        first: ``limit`` orders' worth at most."""
        free = (
            select(stock_levels.c.sku_id)
            .where(
                stock_levels.c.on_hand - stock_levels.c.reserved - stock_levels.c.safety_stock > 0
            )
            .scalar_subquery()
        )
        orders_first = (
            select(R.order_id)
            .where(R.status == "waiting", R.order_id.is_not(None), R.sku_id.in_(free))
            .group_by(R.order_id)
            .order_by(func.min(R.created_at), R.order_id)
            .limit(limit)
        ).subquery()
        rows = self.conn.execute(
            select(R.id, R.order_id, R.order_line_id, R.location_id, R.quantity, R.sku_id)
            .where(R.status == "waiting", R.order_id.in_(select(orders_first.c.order_id)))
            .order_by(R.created_at, R.id)
        ).mappings()
        return [dict(r) for r in rows]

    def unreleased_order_ids(self, channel_id: str | None, limit: int) -> list[str]:
        """Orders (of one channel, or any) with fulfillments still ``created`` (not
        released), from up to ``limit`` such fulfillments, oldest first."""
        query = select(F.order_id).where(F.status == "created")
        if channel_id is not None:
            query = query.join(orders, orders.c.id == F.order_id).where(
                orders.c.channel_id == channel_id
            )
        rows = self.conn.execute(query.order_by(F.id).limit(limit))
        return sorted({r[0] for r in rows})


@cache
def _locations_query() -> Any:
    """Built once: the placement path runs it for every order."""
    settings = sourcing_location_settings.c
    extra = [c.label(f"s_{c.name}") for c in settings if c.name != "updated_at"]
    return (
        select(locations, *extra)
        .outerjoin(sourcing_location_settings, settings.location_id == locations.c.id)
        .where(locations.c.id.in_(bindparam("ids", expanding=True)), locations.c.active.is_(True))
        .order_by(locations.c.id)
    )


@cache
def _load_query() -> Any:
    return (
        select(F.location_id, func.count())
        .where(
            F.location_id.in_(bindparam("ids", expanding=True)),
            F.created_at >= bindparam("since"),
            F.status != "cancelled",
        )
        .group_by(F.location_id)
    )
