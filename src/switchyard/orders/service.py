"""Order use cases: place, read, cancel, and whether fulfilment may start.

They never commit (Database.run does). Placement validates the whole order (422
``order_rejected`` listing every failed check, nothing written), holds it when checks
warn, reserves stock (also while held, unless the channel sets ``reserve_on_hold: false``)
and records every step as an event on the order's timeline.
"""

from __future__ import annotations

from typing import Any

from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment import service as fulfillment
from switchyard.inventory import service as inventory
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import (
    FieldError,
    ValidationFailed,
    check_version,
)
from switchyard.orders import master_data
from switchyard.orders.domain import Order
from switchyard.orders.hold_repository import HoldRepository
from switchyard.orders.repository import OrderRepository


def channel_by_ref(uow: UnitOfWork, ref: str) -> dict[str, Any]:
    """The channel by id or code (master data: may be ``master_data_ttl`` seconds old)."""
    channel = master_data.channel(uow, ref)
    if channel is None:
        raise ValidationFailed(
            "unknown_channel",
            f"channel '{ref}' does not exist",
            [FieldError("channel", "unknown_channel", ref)],
        )
    return channel


def compact(address: dict[str, Any] | None) -> dict[str, Any]:
    """An address without its empty fields."""
    return {k: v for k, v in (address or {}).items() if v is not None}


def reserves_on_hold(channel: dict[str, Any]) -> bool:
    """Channel setting ``reserve_on_hold`` (default true): held orders keep their stock."""
    return (channel["settings"] or {}).get("reserve_on_hold") is not False


def load_order(uow: UnitOfWork, order_id: str, *, lock: bool = False) -> Order:
    return uow.repo(OrderRepository).require(order_id, lock=lock)


def cancel_order(
    uow: UnitOfWork, order_id: str, expected_version: int | None, reason: str | None
) -> Order:
    """Cancel everything not yet shipped; reservations are released, open fulfillments
    cancelled, active holds closed with the reason as their note."""
    order = load_order(uow, order_id, lock=True)
    check_version("order", expected_version, order.version)
    order.require_cancellable()
    status_before = order.status
    before = {ln.id: ln.snapshot() for ln in order.lines}
    fulfillment.cancel_open_for(uow, order)
    released = inventory.release_for_order(uow, order.id)
    cancelled = {ln.id: ln.cancel_unshipped() for ln in order.lines}
    now = utcnow()
    closed = uow.repo(HoldRepository).resolve(
        order.id, None, at=now, by=uow.actor.name, resolution="order_cancelled", note=reason
    )
    order.held_since = None
    order.updated_at = now
    uow.repo(OrderRepository).save(order)
    uow.emit(
        order.event(
            "order.cancelled",
            {
                "reason": reason,
                "released": released,
                "holds_closed": closed,
                "status": {"from": status_before, "to": order.status},
                "lines": [
                    {
                        "line_id": lid,
                        "cancelled": qty,
                        "before": before[lid],
                        "after": order.line(lid).snapshot(),
                    }
                    for lid, qty in cancelled.items()
                    if qty
                ],
            },
        )
    )
    return order
