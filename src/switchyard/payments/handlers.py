"""In-transaction reactions of payments: a closed order releases what it cannot use."""

from __future__ import annotations

from switchyard.db.uow import UnitOfWork
from switchyard.events.bus import subscribe
from switchyard.kernel.events import DomainEvent
from switchyard.orders.domain import OrderStatus
from switchyard.payments import service


def on_order_cancelled(uow: UnitOfWork, event: DomainEvent) -> None:
    if event.order_id:
        service.void_unneeded(uow, event.order_id)


def on_status_changed(uow: UnitOfWork, event: DomainEvent) -> None:
    """An order that became cancelled without a cancel (its pickups were not collected)."""
    if event.data["to"] == OrderStatus.CANCELLED:
        on_order_cancelled(uow, event)


subscribe("order.cancelled", on_order_cancelled)
subscribe("order.status_changed", on_status_changed)
