"""Shapes payments and their ledgers for the API, amounts in the currency's usual decimals."""

from __future__ import annotations

from typing import Any

from switchyard.db.uow import UnitOfWork
from switchyard.kernel.money import format_amount
from switchyard.payments.domain import Payment, Transaction
from switchyard.payments.repository import PaymentRepository


def payment_view(p: Payment, ledger: list[Transaction]) -> dict[str, Any]:
    def money(amount: Any) -> str:
        return format_amount(amount, p.currency)

    return {
        "id": p.id,
        "order_id": p.order_id,
        "provider": p.provider,
        "status": p.status,
        "currency": p.currency,
        "amount": money(p.amount),
        "authorized": money(p.authorized),
        "captured": money(p.captured),
        "refunded": money(p.refunded),
        "voided": money(p.voided),
        "capturable": money(p.capturable),
        "refundable": money(p.refundable),
        "provider_reference": p.provider_reference,
        "failure_reason": p.failure_reason,
        "version": p.version,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
        "transactions": [
            {
                "id": t.id,
                "kind": t.kind,
                "amount": money(t.amount),
                "reference": t.reference,
                "fulfillment_id": t.fulfillment_id,
                "invoice_id": t.invoice_id,
                "created_at": t.created_at,
            }
            for t in ledger
        ],
    }


def payment_views(uow: UnitOfWork, payments: list[Payment]) -> list[dict[str, Any]]:
    ledgers = uow.repo(PaymentRepository).transactions([p.id for p in payments])
    return [payment_view(p, ledgers[p.id]) for p in payments]
