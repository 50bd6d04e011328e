"""Sourcing views of placed orders: an order's decisions and promises, a fulfillment's."""

from __future__ import annotations

from typing import Any

from switchyard.db.uow import UnitOfWork
from switchyard.kernel.errors import not_found
from switchyard.orders.repository import OrderRepository
from switchyard.sourcing.repository import SourcingRepository


def order_sourcing(uow: UnitOfWork, order_id: str) -> dict[str, Any]:
    """Every sourcing decision of an order (oldest first), its fulfillments' promises and
    the order's promise."""
    order = uow.repo(OrderRepository).get(order_id)
    if order is None:
        raise not_found("order", order_id)
    repo = uow.repo(SourcingRepository)
    return {
        "order_id": order.id,
        "promise": repo.order_promise(order.id),
        "fulfillments": repo.fulfillment_promises(order.id),
        "decisions": repo.decisions_for(order.id),
    }


def fulfillment_sourcing(uow: UnitOfWork, fulfillment_id: str) -> dict[str, Any] | None:
    """A fulfillment's fulfilment type, ship-to store (a transfer for click & collect) and
    promised dates; None if sourcing did not create it. For fulfilment and carriers."""
    return uow.repo(SourcingRepository).fulfillment_promise(fulfillment_id)
