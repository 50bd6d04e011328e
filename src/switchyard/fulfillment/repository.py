from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from switchyard.db import pending_writes
from switchyard.fulfillment.domain import Fulfillment, FulfillmentLine
from switchyard.fulfillment.packages import Package
from switchyard.fulfillment.tables import fulfillment_lines, fulfillments, package_items, packages
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import PreconditionFailed
from switchyard.orders.tables import orders

F, L, P = fulfillments.c, fulfillment_lines.c, packages.c
_STATE = (
    "status",
    "delivery_method",
    "carrier",
    "tracking_number",
    "wave_id",
    "cancel_reason",
    "note",
    "pickup_code",
    "pickup_deadline",
    "promised_delivery",
    "ship_to_location_id",
    "purpose",
)
_LINE_QTY = ("quantity", "qty_picked", "qty_packed", "qty_short")
_PACKAGE = (
    "weight_grams",
    "length_mm",
    "width_mm",
    "height_mm",
    "carrier",
    "service",
    "tracking_number",
    "status",
    "shipping_cost",
    "currency",
    "estimated_delivery",
    "last_event_at",
)


class FulfillmentRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._added: list[Fulfillment] = []

    def added_for(self, order_id: str) -> list[Fulfillment]:
        """The fulfillments of ``order_id`` this unit of work added, in id order (all of an
        order placed in it, without reading them back)."""
        return sorted((f for f in self._added if f.order_id == order_id), key=lambda f: f.id)

    def add(self, f: Fulfillment) -> None:
        now = utcnow()
        row = {
            "id": f.id,
            "order_id": f.order_id,
            "location_id": f.location_id,
            "version": f.version,
            "created_at": now,
            "updated_at": now,
            **{k: getattr(f, k) for k in _STATE},
        }
        pending_writes.insert(self.conn, fulfillments, [row])
        self._added.append(f)
        pending_writes.insert(
            self.conn,
            fulfillment_lines,
            [
                {
                    "fulfillment_id": f.id,
                    "order_line_id": ln.order_line_id,
                    "sku_id": ln.sku_id,
                    **{q: getattr(ln, q) for q in _LINE_QTY},
                }
                for ln in f.lines
            ],
        )

    def open_unreleased(self, order_id: str, location_id: str) -> list[Fulfillment]:
        """The order's fulfillments at the location nobody works on yet (``created``)."""
        rows = self.conn.execute(
            select(fulfillments)
            .where(F.order_id == order_id, F.location_id == location_id, F.status == "created")
            .order_by(F.id)
        ).mappings()
        return self._load(list(rows))

    def add_lines(self, f: Fulfillment, order_line_ids: Iterable[str]) -> None:
        """Insert lines that ``f`` gained since loading (``save`` updates the others)."""
        wanted = set(order_line_ids)
        if not wanted:
            return
        self.conn.execute(
            insert(fulfillment_lines),
            [
                {
                    "fulfillment_id": f.id,
                    "order_line_id": ln.order_line_id,
                    "sku_id": ln.sku_id,
                    **{q: getattr(ln, q) for q in _LINE_QTY},
                }
                for ln in f.lines
                if ln.order_line_id in wanted
            ],
        )

    def get(self, fulfillment_id: str) -> Fulfillment | None:
        row = self.conn.execute(select(fulfillments).where(F.id == fulfillment_id)).mappings()
        found = row.first()
        return self._load([found])[0] if found else None

    def location_of(self, fulfillment_id: str) -> tuple[str, str, str | None] | None:
        """(order id, location id, ship-to store id) of a fulfillment, to authorise and
        lock before loading."""
        row = self.conn.execute(
            select(F.order_id, F.location_id, F.ship_to_location_id).where(F.id == fulfillment_id)
        ).first()
        return (row.order_id, row.location_id, row.ship_to_location_id) if row else None

    def legs_to(self, order_id: str, location_id: str) -> list[dict[str, Any]]:
        """``{id, location_id, status}`` of the order's merge legs to ``location_id``."""
        rows = self.conn.execute(
            select(F.id, F.location_id, F.status)
            .where(
                F.order_id == order_id,
                F.ship_to_location_id == location_id,
                F.purpose == "merge_leg",
            )
            .order_by(F.id)
        )
        return [dict(r._mapping) for r in rows]

    def for_order(self, order_id: str) -> list[Fulfillment]:
        rows = self.conn.execute(
            select(fulfillments).where(F.order_id == order_id).order_by(F.id)
        ).mappings()
        return self._load(list(rows))

    def page(
        self,
        *,
        location_ids: Iterable[str] | None,
        status: str | None,
        order_id: str | None,
        after_id: str | None,
        limit: int,
        wave_id: str | None = None,
    ) -> list[Fulfillment]:
        query = select(fulfillments)
        if location_ids is not None:
            query = query.where(F.location_id.in_(list(location_ids)))
        for value, column in ((status, F.status), (order_id, F.order_id), (wave_id, F.wave_id)):
            if value is not None:
                query = query.where(column == value)
        if after_id is not None:
            query = query.where(F.id > after_id)
        rows = self.conn.execute(query.order_by(F.id).limit(limit + 1)).mappings()
        return self._load(list(rows))

    def order_details(self, order_ids: list[str]) -> dict[str, dict[str, Any]]:
        """Reference and shipping address of orders, for the people doing the work (read
        here in one query rather than loading every order aggregate)."""
        if not order_ids:
            return {}
        rows = self.conn.execute(
            select(
                orders.c.id,
                orders.c.external_id,
                orders.c.shipping_address,
                orders.c.customer_name,
            ).where(orders.c.id.in_(order_ids))
        ).mappings()
        return {r["id"]: dict(r) for r in rows}

    def save(self, f: Fulfillment, **timestamps: Any) -> None:
        """Write back a loaded fulfillment, bumping its version (optimistic check included)."""
        result = self.conn.execute(
            update(fulfillments)
            .where(F.id == f.id, F.version == f.version)
            .values(
                version=f.version + 1,
                updated_at=utcnow(),
                **{k: getattr(f, k) for k in _STATE},
                **timestamps,
            )
        )
        if result.rowcount != 1:
            raise PreconditionFailed("version_mismatch", f"fulfillment {f.id} changed meanwhile")
        f.version += 1
        self.conn.execute(
            update(fulfillment_lines)
            .where(L.fulfillment_id == f.id, L.order_line_id == bindparam("b_line"))
            .values(**{q: bindparam(f"b_{q}") for q in _LINE_QTY}),
            [
                {"b_line": ln.order_line_id, **{f"b_{q}": getattr(ln, q) for q in _LINE_QTY}}
                for ln in f.lines
            ],
        )
        self._save_packages(f)

    def _save_packages(self, f: Fulfillment) -> None:
        stored = set(self.conn.execute(select(P.id).where(P.fulfillment_id == f.id)).scalars())
        new = [p for p in f.packages if p.id not in stored]
        old = [p for p in f.packages if p.id in stored]
        if new:
            now = utcnow()
            self.conn.execute(
                insert(packages),
                [
                    {"id": p.id, "fulfillment_id": f.id, "number": p.number, "created_at": now}
                    | {k: getattr(p, k) for k in _PACKAGE}
                    for p in new
                ],
            )
            self.conn.execute(
                insert(package_items),
                [
                    {"package_id": p.id, "order_line_id": line, "quantity": qty}
                    for p in new
                    for line, qty in sorted(p.items.items())
                ],
            )
        if old:
            self.conn.execute(
                update(packages)
                .where(P.id == bindparam("b_id"))
                .values(**{k: bindparam(f"b_{k}") for k in _PACKAGE}),
                [{"b_id": p.id, **{f"b_{k}": getattr(p, k) for k in _PACKAGE}} for p in old],
            )

    def _load(self, rows: list[Any]) -> list[Fulfillment]:
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        lines: dict[str, list[FulfillmentLine]] = {i: [] for i in ids}
        for ln in self.conn.execute(
            select(fulfillment_lines)
            .where(L.fulfillment_id.in_(ids))
            .order_by(L.fulfillment_id, L.order_line_id)
        ).mappings():
            lines[ln["fulfillment_id"]].append(
                FulfillmentLine(ln["order_line_id"], ln["sku_id"], *(ln[q] for q in _LINE_QTY))
            )
        boxes = self._packages(ids)
        return [
            Fulfillment(
                id=r["id"],
                order_id=r["order_id"],
                location_id=r["location_id"],
                lines=lines[r["id"]],
                version=r["version"],
                packages=boxes.get(r["id"], []),
                **{k: r[k] for k in _STATE},
            )
            for r in rows
        ]

    def _packages(self, fulfillment_ids: list[str]) -> dict[str, list[Package]]:
        rows = list(
            self.conn.execute(
                select(packages)
                .where(P.fulfillment_id.in_(fulfillment_ids))
                .order_by(P.fulfillment_id, P.number)
            ).mappings()
        )
        if not rows:
            return {}
        items: dict[str, dict[str, int]] = {r["id"]: {} for r in rows}
        for it in self.conn.execute(
            select(package_items).where(package_items.c.package_id.in_(list(items)))
        ).mappings():
            items[it["package_id"]][it["order_line_id"]] = it["quantity"]
        found: dict[str, list[Package]] = {}
        for r in rows:
            found.setdefault(r["fulfillment_id"], []).append(
                Package(
                    id=r["id"],
                    number=r["number"],
                    items=items[r["id"]],
                    **{k: r[k] for k in _PACKAGE},
                )
            )
        return found
