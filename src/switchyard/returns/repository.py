"""SQL for returns, their lines and refunds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select, update

from switchyard.channels.tables import channels
from switchyard.fulfillment.tables import fulfillments
from switchyard.kernel.errors import PreconditionFailed
from switchyard.orders.tables import order_lines, orders
from switchyard.returns.domain import CANCELLED, REJECTED, Return, ReturnLine
from switchyard.returns.tables import refunds, return_lines, returns

R = returns.c
L = return_lines.c
F = refunds.c
_RETURN_MUTABLE = (
    "status",
    "location_id",
    "carrier",
    "tracking_number",
    "replacement_order_id",
    "note",
    "received_at",
    "updated_at",
)
_LINE_MUTABLE = ("received", "restocked", "damaged", "return_to_vendor", "destroyed")


class ReturnRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- returns -------------------------------------------------------------------------
    def add(self, ret: Return) -> None:
        self.conn.execute(
            insert(returns),
            [
                {
                    "id": ret.id,
                    "order_id": ret.order_id,
                    "channel_id": ret.channel_id,
                    "kind": ret.kind,
                    "source": ret.source,
                    "shipping_paid_by": ret.shipping_paid_by,
                    "version": ret.version,
                    "created_at": ret.created_at,
                    **{c: getattr(ret, c) for c in _RETURN_MUTABLE},
                }
            ],
        )
        self.conn.execute(
            insert(return_lines),
            [
                {
                    "id": ln.id,
                    "return_id": ret.id,
                    "order_line_id": ln.order_line_id,
                    "sku_id": ln.sku_id,
                    "sku": ln.sku,
                    "quantity": ln.quantity,
                    "reason": ln.reason,
                    **{c: getattr(ln, c) for c in _LINE_MUTABLE},
                }
                for ln in ret.lines
            ],
        )

    def get(self, return_id: str, *, lock: bool = False) -> Return | None:
        query = select(returns).where(R.id == return_id)
        if lock:
            query = query.with_for_update()
        row = self.conn.execute(query).mappings().first()
        if row is None:
            return None
        return self._load([row])[0]

    def save(self, ret: Return) -> None:
        """Write back a loaded return, bumping its version (optimistic check included)."""
        result = self.conn.execute(
            update(returns)
            .where(R.id == ret.id, R.version == ret.version)
            .values(**{c: getattr(ret, c) for c in _RETURN_MUTABLE}, version=ret.version + 1)
        )
        if result.rowcount != 1:
            raise PreconditionFailed("version_mismatch", f"return {ret.id} changed meanwhile")
        ret.version += 1
        for ln in ret.lines:
            self.conn.execute(
                update(return_lines)
                .where(L.id == ln.id)
                .values(**{c: getattr(ln, c) for c in _LINE_MUTABLE})
            )

    def for_order(self, order_id: str) -> list[Return]:
        rows = self.conn.execute(
            select(returns).where(R.order_id == order_id).order_by(R.id)
        ).mappings()
        return self._load(list(rows))

    def page(
        self,
        *,
        status: str | None = None,
        order_id: str | None = None,
        location_ids: Sequence[str] | None = None,
        before_id: str | None = None,
        limit: int = 50,
    ) -> list[Return]:
        query = select(returns)
        if status:
            query = query.where(R.status == status)
        if order_id:
            query = query.where(R.order_id == order_id)
        if location_ids is not None:
            query = query.where(R.location_id.in_(location_ids))
        if before_id:
            query = query.where(R.id < before_id)
        rows = self.conn.execute(query.order_by(R.id.desc()).limit(limit)).mappings()
        return self._load(list(rows))

    def requested_per_line(self, order_id: str) -> dict[str, int]:
        """Units asked back per order line by returns neither rejected nor cancelled."""
        query = (
            select(L.order_line_id, func.sum(L.quantity))
            .join(returns, R.id == L.return_id)
            .where(R.order_id == order_id, R.status.not_in((REJECTED, CANCELLED)))
            .group_by(L.order_line_id)
        )
        return {r[0]: int(r[1]) for r in self.conn.execute(query)}

    def last_delivery(self, order_id: str) -> datetime | None:
        value: datetime | None = self.conn.execute(
            select(func.max(fulfillments.c.delivered_at)).where(fulfillments.c.order_id == order_id)
        ).scalar()
        return value

    def channel_settings(self, channel_id: str) -> dict[str, Any]:
        value = self.conn.execute(
            select(channels.c.settings).where(channels.c.id == channel_id)
        ).scalar()
        return dict(value or {})

    def _load(self, rows: list[Any]) -> list[Return]:
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        by_return: dict[str, list[ReturnLine]] = {i: [] for i in ids}
        for ln in self.conn.execute(
            select(return_lines).where(L.return_id.in_(ids)).order_by(L.id)
        ).mappings():
            by_return[ln["return_id"]].append(
                ReturnLine(
                    ln["id"],
                    ln["order_line_id"],
                    ln["sku_id"],
                    ln["sku"],
                    ln["quantity"],
                    ln["reason"],
                    *(ln[c] for c in _LINE_MUTABLE),
                )
            )
        return [
            Return(
                id=r["id"],
                order_id=r["order_id"],
                channel_id=r["channel_id"],
                kind=r["kind"],
                source=r["source"],
                status=r["status"],
                shipping_paid_by=r["shipping_paid_by"],
                created_at=r["created_at"],
                updated_at=r["updated_at"],
                lines=by_return[r["id"]],
                location_id=r["location_id"],
                carrier=r["carrier"],
                tracking_number=r["tracking_number"],
                replacement_order_id=r["replacement_order_id"],
                note=r["note"],
                received_at=r["received_at"],
                version=r["version"],
            )
            for r in rows
        ]

    # -- refunds -------------------------------------------------------------------------
    def add_refund(self, row: dict[str, Any]) -> None:
        self.conn.execute(insert(refunds), [row])

    def add_credit_note(self, refund_id: str, invoice_id: str, tax: Decimal) -> None:
        row = self.conn.execute(select(F.credit_notes, F.tax).where(F.id == refund_id)).first()
        if row is None:
            return
        self.conn.execute(
            update(refunds)
            .where(F.id == refund_id)
            .values(credit_notes=[*(row[0] or []), invoice_id], tax=row[1] + tax)
        )

    def refunds_for_order(self, order_id: str) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            select(refunds).where(F.order_id == order_id).order_by(F.id)
        ).mappings()
        return [dict(r) for r in rows]

    def refund(self, refund_id: str) -> dict[str, Any] | None:
        row = self.conn.execute(select(refunds).where(F.id == refund_id)).mappings().first()
        return dict(row) if row else None

    # -- analytics -----------------------------------------------------------------------
    def return_rates(
        self, *, by: str, channel_id: str | None, since: datetime | None, limit: int = 200
    ) -> list[dict[str, Any]]:
        """Units sold (shipped) and returned (received) grouped by ``sku``, ``reason`` or
        ``channel``."""
        ol = order_lines.c
        o = orders.c
        sold_filter = [o.channel_id == channel_id] if channel_id else []
        if since is not None:
            sold_filter.append(o.placed_at >= since)
        ret_filter = [R.status.not_in((REJECTED, CANCELLED)), L.received > 0]
        if channel_id:
            ret_filter.append(R.channel_id == channel_id)
        if since is not None:
            ret_filter.append(R.created_at >= since)
        if by == "reason":
            rows = self.conn.execute(
                select(L.reason, func.sum(L.received))
                .join(returns, R.id == L.return_id)
                .where(and_(*ret_filter))
                .group_by(L.reason)
                .order_by(func.sum(L.received).desc())
                .limit(limit)
            )
            return [{"key": r[0], "returned": int(r[1] or 0)} for r in rows]
        key_sold = ol.sku if by == "sku" else o.channel_id
        key_ret = L.sku if by == "sku" else R.channel_id
        sold = {
            r[0]: int(r[1] or 0)
            for r in self.conn.execute(
                select(key_sold, func.sum(ol.qty_shipped))
                .join(orders, o.id == ol.order_id)
                .where(and_(*sold_filter, ol.qty_shipped > 0))
                .group_by(key_sold)
            )
        }
        returned = {
            r[0]: int(r[1] or 0)
            for r in self.conn.execute(
                select(key_ret, func.sum(L.received))
                .join(returns, R.id == L.return_id)
                .where(and_(*ret_filter))
                .group_by(key_ret)
            )
        }
        keys = sorted(set(sold) | set(returned), key=lambda k: (-returned.get(k, 0), k))
        return [
            {"key": k, "sold": sold.get(k, 0), "returned": returned.get(k, 0)} for k in keys[:limit]
        ]
