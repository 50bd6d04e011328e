"""Make to order's in-transaction reactions (listed in ``events.bus.HANDLER_MODULES``):
a cancelled order cancels its unfinished work orders and gives their slots back."""

from __future__ import annotations

from switchyard.db.uow import UnitOfWork
from switchyard.events.bus import subscribe
from switchyard.kernel.events import DomainEvent
from switchyard.manufacturing.service import cancel_for_order


def on_order_cancelled(uow: UnitOfWork, event: DomainEvent) -> None:
    if event.order_id:
        cancel_for_order(uow, event.order_id)


subscribe("order.cancelled", on_order_cancelled)
