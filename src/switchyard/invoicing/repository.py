"""All invoicing SQL: invoices, their lines, and the gapless number counters."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, or_, select, update

from switchyard.db.crud import insert_for
from switchyard.invoicing.domain import Invoice
from switchyard.invoicing.tables import invoice_counters, invoice_lines, invoices
from switchyard.invoicing.taxes import InvoiceLine


class InvoiceRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def next_number(self, series: str) -> int:
        """The next number of ``series``; the counter row stays locked until commit."""
        bump = (
            update(invoice_counters)
            .where(invoice_counters.c.series == series)
            .values(last_value=invoice_counters.c.last_value + 1)
            .returning(invoice_counters.c.last_value)
        )
        value = self.conn.execute(bump).scalar()
        if value is None:
            dialect_insert = insert_for(self.conn)
            self.conn.execute(
                dialect_insert(invoice_counters)
                .values(series=series, last_value=0)
                .on_conflict_do_nothing()
            )
            value = self.conn.execute(bump).scalar_one()
        return int(value)

    def add(self, inv: Invoice, series: str) -> None:
        self.conn.execute(
            insert(invoices).values(
                id=inv.id,
                number=inv.number,
                series=series,
                kind=inv.kind,
                order_id=inv.order_id,
                channel_id=inv.channel_id,
                fulfillment_id=inv.fulfillment_id,
                credit_note_for=inv.credit_note_for,
                status=inv.status,
                currency=inv.currency,
                net_total=inv.net_total,
                tax_total=inv.tax_total,
                gross_total=inv.gross_total,
                amount_paid=inv.amount_paid,
                issued_at=inv.issued_at,
                due_date=inv.due_date,
                payment_terms_days=inv.payment_terms_days,
                seller=inv.seller,
                buyer=inv.buyer,
            )
        )
        self.conn.execute(
            insert(invoice_lines),
            [
                {
                    "invoice_id": inv.id,
                    "line_no": ln.line_no,
                    "order_line_id": ln.order_line_id,
                    "sku": ln.sku,
                    "description": ln.description,
                    "quantity": ln.quantity,
                    "unit_price": ln.unit_price,
                    "discount": ln.discount,
                    "net": ln.net,
                    "tax_rate": ln.tax_rate,
                    "tax": ln.tax,
                    "gross": ln.gross,
                }
                for ln in inv.lines
            ],
        )

    def get(self, ref: str) -> Invoice | None:
        """An invoice by id or by number."""
        row = (
            self.conn.execute(
                select(invoices).where(or_(invoices.c.id == ref, invoices.c.number == ref))
            )
            .mappings()
            .first()
        )
        return self._load([row])[0] if row else None

    def id_for_fulfillment(self, fulfillment_id: str) -> str | None:
        return self.conn.execute(
            select(invoices.c.id).where(invoices.c.fulfillment_id == fulfillment_id)
        ).scalar()

    def for_order(
        self, order_id: str, *, after_id: str | None = None, limit: int = 1000
    ) -> list[Invoice]:
        query = select(invoices).where(invoices.c.order_id == order_id)
        if after_id is not None:
            query = query.where(invoices.c.id > after_id)
        rows = self.conn.execute(query.order_by(invoices.c.id).limit(limit)).mappings()
        return self._load(list(rows))

    def record_payment(self, inv: Invoice) -> None:
        self.conn.execute(
            update(invoices)
            .where(invoices.c.id == inv.id)
            .values(amount_paid=inv.amount_paid, status=inv.status)
        )

    def _load(self, rows: list[Any]) -> list[Invoice]:
        if not rows:
            return []
        lines: dict[str, list[InvoiceLine]] = {r["id"]: [] for r in rows}
        for ln in self.conn.execute(
            select(invoice_lines)
            .where(invoice_lines.c.invoice_id.in_(list(lines)))
            .order_by(invoice_lines.c.invoice_id, invoice_lines.c.line_no)
        ).mappings():
            lines[ln["invoice_id"]].append(
                InvoiceLine(
                    ln["line_no"],
                    ln["order_line_id"],
                    ln["sku"],
                    ln["description"],
                    ln["quantity"],
                    ln["unit_price"],
                    ln["discount"],
                    ln["net"],
                    ln["tax_rate"],
                    ln["tax"],
                    ln["gross"],
                )
            )
        return [
            Invoice(
                id=r["id"],
                number=r["number"],
                kind=r["kind"],
                order_id=r["order_id"],
                channel_id=r["channel_id"],
                currency=r["currency"],
                issued_at=r["issued_at"],
                due_date=r["due_date"],
                payment_terms_days=r["payment_terms_days"],
                seller=r["seller"],
                buyer=r["buyer"],
                lines=lines[r["id"]],
                fulfillment_id=r["fulfillment_id"],
                credit_note_for=r["credit_note_for"],
                amount_paid=r["amount_paid"],
                status=r["status"],
            )
            for r in rows
        ]
