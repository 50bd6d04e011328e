"""SQL for an order's risks of missing its promise (``order_risks``) and ``at_risk_since``.

The jeopardy monitor (``switchyard.jeopardy``) decides; this stores. Every write is
conditional (a risk is recorded only if it is not active, cleared only if it is), so two
workers checking one fulfillment at once record and clear each risk once; callers hold
the order's row lock, so ``at_risk_since`` follows the risks exactly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, exists, func, select, update

from switchyard.db.crud import insert_ignoring_duplicates
from switchyard.orders import visibility
from switchyard.orders.domain import Order
from switchyard.orders.repository import OrderRepository
from switchyard.orders.tables import order_risks, orders

R = order_risks.c
O = orders.c  # noqa: E741


class RiskRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def lock_orders(self, order_ids: Iterable[str]) -> list[str]:
        """Lock these orders' rows, in id order (the lock every writer of an order takes
        first); returns the ids that exist."""
        ids = sorted(set(order_ids))
        if not ids:
            return []
        query = select(O.id).where(O.id.in_(ids)).order_by(O.id).with_for_update()
        return list(self.conn.execute(query).scalars())

    def active_for_fulfillments(
        self, fulfillment_ids: Sequence[str]
    ) -> dict[str, dict[str, dict[str, Any]]]:
        """Per fulfillment: its active risks by reason."""
        found: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        if not fulfillment_ids:
            return found
        rows = self.conn.execute(
            select(order_risks).where(
                R.fulfillment_id.in_(sorted(set(fulfillment_ids))), R.cleared_at.is_(None)
            )
        ).mappings()
        for r in rows:
            found[r["fulfillment_id"]][r["reason"]] = dict(r)
        return found

    def detect(self, row: dict[str, Any]) -> bool:
        """Record a risk (``id, order_id, fulfillment_id, location_id, reason, due_at,
        detected_at, details``) unless it is already active; True when this call did. A
        risk cleared before becomes active again."""
        fresh = {**row, "cleared_at": None, "cleared_by": None, "occurrences": 1}
        insert = insert_ignoring_duplicates(self.conn, order_risks).returning(R.id)
        if self.conn.execute(insert, fresh).first() is not None:
            return True
        again = self.conn.execute(
            update(order_risks)
            .where(
                R.fulfillment_id == row["fulfillment_id"],
                R.reason == row["reason"],
                R.cleared_at.is_not(None),
            )
            .values(
                location_id=row["location_id"],
                due_at=row["due_at"],
                detected_at=row["detected_at"],
                details=row["details"],
                cleared_at=None,
                cleared_by=None,
                occurrences=R.occurrences + 1,
            )
        )
        return again.rowcount == 1

    def clear(self, risk_id: str, at: datetime, by: str) -> bool:
        """Clear one active risk; True when this call did."""
        result = self.conn.execute(
            update(order_risks)
            .where(R.id == risk_id, R.cleared_at.is_(None))
            .values(cleared_at=at, cleared_by=by)
        )
        return result.rowcount == 1

    def set_details(self, risk_id: str, details: dict[str, Any]) -> None:
        self.conn.execute(update(order_risks).where(R.id == risk_id).values(details=details))

    def follow(self, order_ids: Iterable[str]) -> None:
        """Set each order's ``at_risk_since`` to its oldest active risk (None: none)."""
        ids = sorted(set(order_ids))
        if not ids:
            return
        oldest = (
            select(func.min(R.detected_at))
            .where(R.order_id == bindparam("b_id"), R.cleared_at.is_(None))
            .scalar_subquery()
        )
        self.conn.execute(
            update(orders).where(O.id == bindparam("b_id")).values(at_risk_since=oldest),
            [{"b_id": i} for i in ids],
        )

    def active_for_orders(self, order_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """Per order: its active risks, oldest first."""
        found: dict[str, list[dict[str, Any]]] = defaultdict(list)
        if not order_ids:
            return found
        rows = self.conn.execute(
            select(order_risks)
            .where(R.order_id.in_(sorted(set(order_ids))), R.cleared_at.is_(None))
            .order_by(R.order_id, R.detected_at, R.id)
        ).mappings()
        for r in rows:
            found[r["order_id"]].append(dict(r))
        return found

    def for_order(self, order_id: str) -> list[dict[str, Any]]:
        """Every risk the order had, active and cleared, in the order they were found."""
        rows = self.conn.execute(
            select(order_risks).where(R.order_id == order_id).order_by(R.detected_at, R.id)
        ).mappings()
        return [dict(r) for r in rows]

    def queue(
        self,
        *,
        reason: str | None,
        channel_id: str | None,
        location_id: str | None,
        after: tuple[datetime, str] | None,
        limit: int,
        visible_at: frozenset[str] | None = None,
    ) -> list[Order]:
        """Orders at risk, the longest at risk first (index ``(at_risk_since, id)``)."""
        query = select(orders).where(O.at_risk_since.is_not(None))
        if channel_id is not None:
            query = query.where(O.channel_id == channel_id)
        conditions = [R.order_id == O.id, R.cleared_at.is_(None)]
        if reason is not None:
            conditions.append(R.reason == reason)
        if location_id is not None:
            conditions.append(R.location_id == location_id)
        if len(conditions) > 2:
            query = query.where(exists().where(*conditions))
        if visible_at is not None:
            query = query.where(visibility.condition(visible_at))
        if after is not None:
            since, order_id = after
            query = query.where(
                (O.at_risk_since > since) | and_(O.at_risk_since == since, O.id > order_id)
            )
        query = query.order_by(O.at_risk_since, O.id).limit(limit + 1)
        rows = list(self.conn.execute(query).mappings())
        return OrderRepository(self.conn).with_lines(rows)
