"""SQL for orders and their lines: insert, load, save with an optimistic version check."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, update

from switchyard.db import pending_writes
from switchyard.kernel.errors import PreconditionFailed, not_found
from switchyard.orders.domain import Order, OrderLine
from switchyard.orders.search_repository import SearchFilters, follow_status, search_rows
from switchyard.orders.tables import order_lines, orders

_LINE_QTY = (
    "qty_allocated",
    "qty_backordered",
    "qty_shipped",
    "qty_delivered",
    "qty_cancelled",
    "qty_returned",
)
_LINE_MUTABLE = ("quantity", "status", *_LINE_QTY)


def _line_row(order_id: str, ln: OrderLine) -> dict[str, Any]:
    return {
        "id": ln.id,
        "order_id": order_id,
        "line_no": ln.line_no,
        "sku_id": ln.sku_id,
        "sku": ln.sku,
        "quantity": ln.quantity,
        "unit_price": ln.unit_price,
        "discount": ln.discount,
        "status": ln.status,
        **{q: getattr(ln, q) for q in _LINE_QTY},
    }


class OrderRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        # Status of each order as stored, for those this unit of work read or wrote: a
        # save copies the status to search's rows only when it changed.
        self._stored_status: dict[str, str] = {}

    def insert(self, order: Order, if_exists: Callable[[], None]) -> None:
        """Insert a new order and its lines; when the channel already sent its external id,
        nothing is written and ``if_exists`` is called (it raises). On PostgreSQL the rows
        go with the unit of work's other inserts (``pending_writes``), and so may the call."""
        row = {
            **self._order_row(order),
            "id": order.id,
            "external_id": order.external_id,
            "channel_id": order.channel_id,
            "tracking_token": order.tracking_token,
            "draft_id": order.draft_id,
            "placed_at": order.placed_at,
            "version": order.version,
        }
        pending_writes.insert(self.conn, orders, [row], if_ignored=if_exists)
        self._stored_status[order.id] = order.status
        self.add_lines(order, order.lines)

    def add_lines(self, order: Order, lines: list[OrderLine]) -> None:
        rows = [_line_row(order.id, ln) for ln in lines]
        pending_writes.insert(self.conn, order_lines, rows)

    def stored_status(self, order_id: str) -> str | None:
        """The order's status as this unit of work stored or read it (None: not seen)."""
        return self._stored_status.get(order_id)

    def id_by_external(self, channel_id: str, external_id: str) -> str | None:
        return self.conn.execute(
            select(orders.c.id).where(
                orders.c.channel_id == channel_id, orders.c.external_id == external_id
            )
        ).scalar()

    def require(self, order_id: str, *, lock: bool = False) -> Order:
        """The order (row locked when ``lock``), or 404 ``not_found``."""
        order = self.get(order_id, lock=lock)
        if order is None:
            raise not_found("order", order_id)
        return order

    def get(self, order_id: str, *, lock: bool = False) -> Order | None:
        query = select(orders).where(orders.c.id == order_id)
        if lock:
            query = query.with_for_update()
        row = self.conn.execute(query).mappings().first()
        if row is None:
            return None
        lines = self.conn.execute(
            select(order_lines)
            .where(order_lines.c.order_id == order_id)
            .order_by(order_lines.c.line_no)
        ).mappings()
        self._stored_status[order_id] = row["status"]
        return _to_order(row, lines)

    def by_tracking_token(self, token: str) -> Order | None:
        order_id = self.conn.execute(
            select(orders.c.id).where(orders.c.tracking_token == token)
        ).scalar()
        return self.get(order_id) if order_id else None

    def save(self, order: Order) -> None:
        """Write back a loaded order's state, bumping its version (optimistic check included)."""
        result = self.conn.execute(
            update(orders)
            .where(orders.c.id == order.id, orders.c.version == order.version)
            .values(**self._order_row(order), version=order.version + 1)
        )
        if result.rowcount != 1:
            raise PreconditionFailed("version_mismatch", f"order {order.id} changed meanwhile")
        order.version += 1
        if self._stored_status.get(order.id) != order.status:
            follow_status(self.conn, order.id, order.status)
            self._stored_status[order.id] = order.status
        self.conn.execute(
            update(order_lines)
            .where(order_lines.c.id == bindparam("b_id"))
            .values(**{c: bindparam(f"b_{c}") for c in _LINE_MUTABLE}),
            [
                {"b_id": ln.id, "b_status": ln.status}
                | {f"b_{c}": getattr(ln, c) for c in _LINE_MUTABLE if c != "status"}
                for ln in order.lines
            ],
        )

    def search(
        self, *, before_id: str | None = None, limit: int = 50, **filters: Any
    ) -> list[Order]:
        """Newest first, keyset-paged by id (ids sort by creation time); see SearchFilters."""
        rows = search_rows(self.conn, SearchFilters(**filters), before_id, limit)
        return self.with_lines(rows)

    def with_lines(self, rows: list[Any]) -> list[Order]:
        """Orders for these order rows, their lines loaded in one query."""
        if not rows:
            return []
        by_order: dict[str, list[Any]] = {r["id"]: [] for r in rows}
        for line in self.conn.execute(
            select(order_lines)
            .where(order_lines.c.order_id.in_(list(by_order)))
            .order_by(order_lines.c.order_id, order_lines.c.line_no)
        ).mappings():
            by_order[line["order_id"]].append(line)
        return [_to_order(r, by_order[r["id"]]) for r in rows]

    def next_line_no(self, order_id: str) -> int:
        found = self.conn.execute(
            select(func.max(order_lines.c.line_no)).where(order_lines.c.order_id == order_id)
        ).scalar()
        return int(found or 0) + 1

    @staticmethod
    def _order_row(order: Order) -> dict[str, Any]:
        return {
            "id": order.id,
            "customer_id": order.customer_id,
            "email": order.email,
            "customer_name": order.customer_name,
            "phone": order.phone,
            "status": order.status,
            "currency": order.currency,
            "delivery_method": order.delivery_method,
            "pickup_location_id": order.pickup_location_id,
            "shipping_address": order.shipping_address,
            "billing_address": order.billing_address,
            "shipping_charge": order.shipping_charge,
            "taxes": order.taxes,
            "total": order.total,
            "po_number": order.po_number,
            "notes": order.notes,
            "attributes": order.attributes,
            "held_since": order.held_since,
            "updated_at": order.updated_at,
        }


def _to_order(row: Any, lines: Iterable[Any]) -> Order:
    return Order(
        id=row["id"],
        channel_id=row["channel_id"],
        external_id=row["external_id"],
        customer_id=row["customer_id"],
        email=row["email"],
        currency=row["currency"],
        shipping_address=row["shipping_address"] or {},
        billing_address=row["billing_address"],
        tracking_token=row["tracking_token"],
        placed_at=row["placed_at"],
        updated_at=row["updated_at"],
        notes=row["notes"],
        version=row["version"],
        held_since=row["held_since"],
        customer_name=row["customer_name"],
        phone=row["phone"],
        delivery_method=row["delivery_method"],
        pickup_location_id=row["pickup_location_id"],
        shipping_charge=row["shipping_charge"],
        taxes=row["taxes"],
        po_number=row["po_number"],
        attributes=row["attributes"] or {},
        draft_id=row["draft_id"],
        at_risk_since=row["at_risk_since"],
        lines=[
            OrderLine(
                id=ln["id"],
                line_no=ln["line_no"],
                sku_id=ln["sku_id"],
                sku=ln["sku"],
                quantity=ln["quantity"],
                unit_price=ln["unit_price"],
                discount=ln["discount"],
                **{q: ln[q] for q in _LINE_QTY},
            )
            for ln in lines
        ],
    )
