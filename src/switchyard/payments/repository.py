"""All payments SQL: payments, their ledger, and conditional updates that keep sums right."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, select, update

from switchyard.db.crud import insert_for
from switchyard.kernel.errors import Conflict
from switchyard.payments.domain import Payment, Transaction, TxKind
from switchyard.payments.tables import payment_transactions, payments

_COLUMN = {
    TxKind.CAPTURE: "amount_captured",
    TxKind.REFUND: "amount_refunded",
    TxKind.VOID: "amount_voided",
}


class PaymentRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, p: Payment) -> bool:
        """Insert a payment; False when the provider reference is already recorded."""
        dialect_insert = insert_for(self.conn)
        stmt = (
            dialect_insert(payments)
            .values(
                id=p.id,
                order_id=p.order_id,
                channel_id=p.channel_id,
                provider=p.provider,
                status=p.status,
                currency=p.currency,
                amount=p.amount,
                amount_authorized=p.authorized,
                amount_captured=p.captured,
                amount_refunded=p.refunded,
                amount_voided=p.voided,
                provider_reference=p.provider_reference,
                failure_reason=p.failure_reason,
                version=p.version,
                created_at=p.created_at,
                updated_at=p.updated_at,
            )
            .on_conflict_do_nothing()
            .returning(payments.c.id)
        )
        return self.conn.execute(stmt).first() is not None

    def get(self, payment_id: str, *, lock: bool = False) -> Payment | None:
        query = select(payments).where(payments.c.id == payment_id)
        if lock:
            query = query.with_for_update()
        row = self.conn.execute(query).mappings().first()
        return _to_payment(row) if row else None

    def by_provider_reference(self, provider: str, reference: str) -> Payment | None:
        query = select(payments).where(
            payments.c.provider == provider, payments.c.provider_reference == reference
        )
        row = self.conn.execute(query).mappings().first()
        return _to_payment(row) if row else None

    def for_order(
        self, order_id: str, *, lock: bool = False, after_id: str | None = None, limit: int = 1000
    ) -> list[Payment]:
        """The order's payments, oldest first (ids sort by creation time)."""
        query = select(payments).where(payments.c.order_id == order_id)
        if after_id is not None:
            query = query.where(payments.c.id > after_id)
        query = query.order_by(payments.c.id).limit(limit)
        if lock:
            query = query.with_for_update()
        return [_to_payment(r) for r in self.conn.execute(query).mappings()]

    def totals_for_order(self, order_id: str) -> tuple[Decimal, Decimal]:
        """(captured, refunded) over every payment of the order."""
        row = self.conn.execute(
            select(
                func.coalesce(func.sum(payments.c.amount_captured), 0),
                func.coalesce(func.sum(payments.c.amount_refunded), 0),
            ).where(payments.c.order_id == order_id)
        ).one()
        return row[0], row[1]

    def apply(self, p: Payment, kind: str, amount: Decimal) -> None:
        """Add ``amount`` to the payment's running total for ``kind``, only if the sums hold.

        The WHERE clause re-checks the rule in the database, so a concurrent writer that got
        past the domain check with stale numbers changes nothing and gets a conflict.
        """
        column = payments.c[_COLUMN[kind]]
        c = payments.c
        if kind == TxKind.REFUND:
            guard = c.amount_refunded + amount <= c.amount_captured
        else:
            guard = c.amount_captured + c.amount_voided + amount <= c.amount_authorized
        result = self.conn.execute(
            update(payments)
            .where(c.id == p.id, guard)
            .values(
                {
                    column: column + amount,
                    c.status: p.status,
                    c.version: c.version + 1,
                    c.updated_at: p.updated_at,
                }
            )
        )
        if result.rowcount != 1:
            raise Conflict(f"over_{kind}", f"payment {p.id} changed meanwhile: nothing written")
        p.version += 1

    def add_transaction(self, tx: Transaction) -> bool:
        """Record a ledger entry; False when (payment, kind, reference) is already there."""
        dialect_insert = insert_for(self.conn)
        stmt = (
            dialect_insert(payment_transactions)
            .values(
                id=tx.id,
                payment_id=tx.payment_id,
                kind=tx.kind,
                amount=tx.amount,
                reference=tx.reference,
                fulfillment_id=tx.fulfillment_id,
                invoice_id=tx.invoice_id,
                created_at=tx.created_at,
            )
            .on_conflict_do_nothing()
            .returning(payment_transactions.c.id)
        )
        return self.conn.execute(stmt).first() is not None

    def transaction_by_reference(
        self, payment_id: str, kind: str, reference: str
    ) -> Transaction | None:
        row = (
            self.conn.execute(
                select(payment_transactions).where(
                    payment_transactions.c.payment_id == payment_id,
                    payment_transactions.c.kind == kind,
                    payment_transactions.c.reference == reference,
                )
            )
            .mappings()
            .first()
        )
        return _to_transaction(row) if row else None

    def transactions(self, payment_ids: list[str]) -> dict[str, list[Transaction]]:
        """Each payment's ledger in the order it was written."""
        found: dict[str, list[Transaction]] = {pid: [] for pid in payment_ids}
        if not payment_ids:
            return found
        rows = self.conn.execute(
            select(payment_transactions)
            .where(payment_transactions.c.payment_id.in_(payment_ids))
            .order_by(payment_transactions.c.created_at, payment_transactions.c.id)
        ).mappings()
        for r in rows:
            found[r["payment_id"]].append(_to_transaction(r))
        return found


def _to_payment(row: Any) -> Payment:
    return Payment(
        id=row["id"],
        order_id=row["order_id"],
        channel_id=row["channel_id"],
        provider=row["provider"],
        currency=row["currency"],
        amount=row["amount"],
        authorized=row["amount_authorized"],
        captured=row["amount_captured"],
        refunded=row["amount_refunded"],
        voided=row["amount_voided"],
        provider_reference=row["provider_reference"],
        failure_reason=row["failure_reason"],
        version=row["version"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _to_transaction(row: Any) -> Transaction:
    return Transaction(
        id=row["id"],
        payment_id=row["payment_id"],
        kind=row["kind"],
        amount=row["amount"],
        reference=row["reference"],
        fulfillment_id=row["fulfillment_id"],
        invoice_id=row["invoice_id"],
        created_at=row["created_at"],
    )
