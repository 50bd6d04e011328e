"""In-transaction reactions: invoice and capture on shipment (or pickup), settle, credit refunds.

Each runs in the transaction of the event that caused it, so a shipment never commits
without its invoice and capture, and a refund never commits without its credit note.
"""

from __future__ import annotations

from decimal import Decimal

from switchyard.db.uow import UnitOfWork
from switchyard.events.bus import subscribe
from switchyard.invoicing import service
from switchyard.kernel.events import DomainEvent


def on_shipped(uow: UnitOfWork, event: DomainEvent) -> None:
    if event.order_id:
        service.invoice_shipment(uow, event.order_id, event.aggregate_id)


def on_captured(uow: UnitOfWork, event: DomainEvent) -> None:
    # captures made while invoicing a shipment are settled by invoice_shipment itself
    if event.order_id and not event.data.get("invoice_id"):
        service.settle(uow, event.order_id)


def on_refunded(uow: UnitOfWork, event: DomainEvent) -> None:
    amount = event.data.get("amount")
    if event.order_id and event.aggregate_type == "payment" and isinstance(amount, str):
        service.credit_refund(uow, event.order_id, Decimal(amount), event.data.get("reason"))


subscribe("fulfillment.shipped", on_shipped)
subscribe("fulfillment.picked_up", on_shipped)  # collected in store: invoiced the same way
subscribe("payment.captured", on_captured)
subscribe("payment.refunded", on_refunded)
