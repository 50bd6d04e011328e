"""SQL for expected supply: purchase orders and transfers in transit."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, insert, or_, select, update

from switchyard.db.crud import keyset_page, update_versioned
from switchyard.inventory.tables import (
    purchase_order_lines,
    purchase_orders,
    transfer_lines,
    transfers,
)

PO = purchase_orders.c
POL = purchase_order_lines.c
T = transfers.c
TL = transfer_lines.c


class SupplyRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.conn.execute(insert(table), rows)

    def purchase_order(self, ref: str) -> dict[str, Any] | None:
        query = select(purchase_orders).where(or_(PO.id == ref, PO.reference == ref))
        row = self.conn.execute(query).mappings().first()
        return dict(row) if row else None

    def reference_taken(self, reference: str) -> bool:
        query = select(PO.id).where(PO.reference == reference)
        return self.conn.execute(query).first() is not None

    def po_lines(self, po_id: str, *, lock: bool = False) -> list[dict[str, Any]]:
        query = select(purchase_order_lines).where(POL.purchase_order_id == po_id)
        query = query.order_by(POL.sku_id)
        if lock:
            query = query.with_for_update()
        return [dict(r) for r in self.conn.execute(query).mappings()]

    def lines_for(
        self, table: Table, parent: str, ids: list[str]
    ) -> dict[str, list[dict[str, Any]]]:
        """Lines of several purchase orders or transfers in one query, by parent id."""
        found: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
        query = select(table).where(table.c[parent].in_(ids)).order_by(table.c.sku_id)
        for row in self.conn.execute(query).mappings():
            found[row[parent]].append(dict(row))
        return found

    def po_page(
        self, *, location_id: str | None, status: str | None, after_id: str | None, limit: int
    ) -> list[dict[str, Any]]:
        where = []
        if location_id:
            where.append(PO.location_id == location_id)
        if status:
            where.append(PO.status == status)
        return keyset_page(self.conn, purchase_orders, where=where, after_id=after_id, limit=limit)

    def update_po(self, po_id: str, version: int, values: dict[str, Any]) -> bool:
        return update_versioned(self.conn, purchase_orders, po_id, version, values)

    def add_received(self, line_id: str, quantity: int) -> None:
        self.conn.execute(
            update(purchase_order_lines)
            .where(POL.id == line_id)
            .values(received=POL.received + quantity)
        )

    def add_preordered(self, line_id: str, delta: int) -> None:
        self.conn.execute(
            update(purchase_order_lines)
            .where(POL.id == line_id)
            .values(preordered=POL.preordered + delta)
        )

    def try_preorder(self, line_id: str, quantity: int) -> bool:
        """Promise ``quantity`` units of a PO line, only if that many are unpromised."""
        result = self.conn.execute(
            update(purchase_order_lines)
            .where(
                POL.id == line_id,
                POL.quantity - POL.received - POL.preordered >= quantity,
            )
            .values(preordered=POL.preordered + quantity)
        )
        return result.rowcount == 1

    def open_supply_lines(self, sku_id: str, location_id: str) -> list[dict[str, Any]]:
        """Open purchase order lines for a SKU at a location, earliest ETA first."""
        query = (
            select(
                POL.id,
                POL.quantity,
                POL.received,
                POL.preordered,
                PO.eta,
                PO.id.label("purchase_order_id"),
            )
            .join(purchase_orders, PO.id == POL.purchase_order_id)
            .where(POL.sku_id == sku_id, PO.location_id == location_id, PO.status == "open")
            .order_by(PO.eta, POL.id)
        )
        return [dict(r) for r in self.conn.execute(query).mappings()]

    def transfer(self, transfer_id: str) -> dict[str, Any] | None:
        row = self.conn.execute(select(transfers).where(T.id == transfer_id)).mappings().first()
        return dict(row) if row else None

    def transfer_lines(self, transfer_id: str, *, lock: bool = False) -> list[dict[str, Any]]:
        query = select(transfer_lines).where(TL.transfer_id == transfer_id).order_by(TL.sku_id)
        if lock:
            query = query.with_for_update()
        return [dict(r) for r in self.conn.execute(query).mappings()]

    def transfer_page(
        self, *, location_id: str | None, status: str | None, after_id: str | None, limit: int
    ) -> list[dict[str, Any]]:
        where = []
        if location_id:
            where.append(or_(T.from_location_id == location_id, T.to_location_id == location_id))
        if status:
            where.append(T.status == status)
        return keyset_page(self.conn, transfers, where=where, after_id=after_id, limit=limit)

    def add_transfer_received(self, line_id: str, quantity: int) -> None:
        self.conn.execute(
            update(transfer_lines).where(TL.id == line_id).values(received=TL.received + quantity)
        )

    def set_transfer_status(self, transfer_id: str, status: str, values: dict[str, Any]) -> bool:
        """Conditional on the transfer still being in transit."""
        result = self.conn.execute(
            update(transfers)
            .where(T.id == transfer_id, T.status == "in_transit")
            .values(status=status, **values)
        )
        return result.rowcount == 1
