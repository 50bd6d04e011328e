"""Read queries for the console's home dashboard: orders, holds and risks in figures.

Every query is bounded and aggregates in SQL, so it stays fast with a million orders:
time windows walk ``ix_orders_placed_at``, held orders ``ix_orders_held_since_id``, active
holds ``ix_order_holds_type_released_at_order_id`` (one range per hold type) and active
risks ``ix_order_risks_cleared_at_order_id``. Time buckets are given as ``edges``
(ascending UTC instants, each a bucket's start, computed by the caller in the viewer's
zone) and turned into a portable ``CASE`` (the same SQL on SQLite and PostgreSQL); the
bucket is computed in a subquery and grouped outside it, because PostgreSQL does not
match a ``CASE`` in ``GROUP BY`` whose parameters are bound a second time.

``visible_at`` (a location-restricted principal's locations, None for everyone) applies
``orders.visibility.condition``: the orders the API would list to that principal.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, case, func, select

from switchyard.orders import visibility
from switchyard.orders.holds_domain import SYSTEM_HOLD_TYPES
from switchyard.orders.tables import (
    order_holds,
    order_locations,
    order_risks,
    orders,
)
from switchyard.orders.validation import HOLD_TYPES

OR, H, R = orders.c, order_holds.c, order_risks.c


def bucket_of(column: Any, edges: Sequence[datetime]) -> ColumnElement[Any]:
    """The index of the last edge at or before ``column`` (None before the first)."""
    whens = [(column >= edge, i) for i, edge in reversed(list(enumerate(edges)))]
    return case(*whens, else_=None)


class DashboardQueries:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def orders_per_channel(
        self, edges: Sequence[datetime], end: datetime, visible_at: frozenset[str] | None
    ) -> list[tuple[str, int, int]]:
        """(channel_id, bucket, orders) of the orders placed in [edges[0], end)."""
        inner = select(OR.channel_id, bucket_of(OR.placed_at, edges).label("b")).where(
            OR.placed_at >= edges[0], OR.placed_at < end
        )
        if visible_at is not None:
            inner = inner.where(visibility.condition(visible_at))
        sub = inner.subquery()
        query = select(sub.c.channel_id, sub.c.b, func.count()).group_by(sub.c.channel_id, sub.c.b)
        return [(r[0], int(r[1]), int(r[2])) for r in self.conn.execute(query)]

    def orders_by_day_and_status(
        self, edges: Sequence[datetime], end: datetime, visible_at: frozenset[str] | None
    ) -> list[tuple[int, str, int]]:
        """(bucket, order status, orders) of the orders placed in [edges[0], end).

        Orders only, not their lines: summing the lines of two weeks of orders costs a
        lookup per order (or a hash of every line ever written), far beyond a page's
        budget at a million orders; the status says whether an order is filled."""
        inner = select(bucket_of(OR.placed_at, edges).label("b"), OR.status).where(
            OR.placed_at >= edges[0], OR.placed_at < end
        )
        if visible_at is not None:
            inner = inner.where(visibility.condition(visible_at))
        sub = inner.subquery()
        query = select(sub.c.b, sub.c.status, func.count()).group_by(sub.c.b, sub.c.status)
        return [(int(r[0]), r[1], int(r[2])) for r in self.conn.execute(query)]

    def holds_by_type_and_age(
        self, age_edges: Sequence[datetime], visible_at: frozenset[str] | None
    ) -> list[tuple[str, int, int]]:
        """(hold type, age bucket, orders) of active holds. ``age_edges`` ascending: bucket
        0 holds those placed before ``age_edges[0]``, bucket i those from ``age_edges[i-1]``."""
        types = sorted(set(HOLD_TYPES) | set(SYSTEM_HOLD_TYPES))
        whens = [(H.placed_at >= e, i + 1) for i, e in reversed(list(enumerate(age_edges)))]
        inner = select(H.type, H.order_id, case(*whens, else_=0).label("b")).where(
            H.type.in_(types), H.released_at.is_(None)
        )
        if visible_at is not None:
            inner = inner.where(_order_seen_at(H.order_id, visible_at))
        sub = inner.subquery()
        query = select(sub.c.type, sub.c.b, func.count(sub.c.order_id.distinct())).group_by(
            sub.c.type, sub.c.b
        )
        return [(r[0], int(r[1]), int(r[2])) for r in self.conn.execute(query)]

    def held_orders(self, visible_at: frozenset[str] | None) -> int:
        query = select(func.count()).select_from(orders).where(OR.held_since.is_not(None))
        if visible_at is not None:
            query = query.where(visibility.condition(visible_at))
        return int(self.conn.execute(query).scalar_one())

    def risks_by_reason(self, location_ids: frozenset[str] | None) -> list[tuple[str, int]]:
        """(jeopardy reason, orders) of the active risks (at these locations' fulfillments)."""
        query = select(R.reason, func.count(R.order_id.distinct())).where(R.cleared_at.is_(None))
        if location_ids is not None:
            query = query.where(R.location_id.in_(sorted(location_ids)))
        query = query.group_by(R.reason)
        return [(r[0], int(r[1])) for r in self.conn.execute(query)]

    def at_risk_orders(self, visible_at: frozenset[str] | None) -> int:
        query = select(func.count()).select_from(orders).where(OR.at_risk_since.is_not(None))
        if visible_at is not None:
            query = query.where(visibility.condition(visible_at))
        return int(self.conn.execute(query).scalar_one())

    def names(self, table: Any, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """id -> (code, name) of these channels or locations."""
        if not ids:
            return {}
        query = select(table.c.id, table.c.code, table.c.name).where(table.c.id.in_(sorted(ids)))
        return {r[0]: (r[1], r[2]) for r in self.conn.execute(query)}


def _order_seen_at(order_id: Any, location_ids: frozenset[str]) -> ColumnElement[bool]:
    ol = order_locations.c
    return (
        select(ol.order_id)
        .where(and_(ol.order_id == order_id, ol.location_id.in_(sorted(location_ids))))
        .exists()
    )
