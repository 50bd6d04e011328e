"""A carry-out sale at a store's till: the customer leaves with the goods.

The order is a pickup at that store with ``carry_out: true``. Its units are reserved at
the store alone (no transfer, nothing waits: 409 ``insufficient_stock`` when the shelf is
short), then its fulfillment is handed over at once (``fulfillment.picked_up`` with
``carry_out``): the store's stock is consumed and the lines are delivered in the same
transaction, so store stock and availability stay true.
"""

from __future__ import annotations

from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment.repository import FulfillmentRepository
from switchyard.fulfillment.service import persist
from switchyard.kernel.errors import Conflict, FieldError, ValidationFailed
from switchyard.orders.domain import Order
from switchyard.orders.holds_domain import Hold


def require_carry_out(delivery_method: str, pickup_location: str | None) -> None:
    """A carry-out names the store it happens in, as a pickup there."""
    if delivery_method != "pickup" or not pickup_location:
        raise ValidationFailed(
            "invalid_carry_out",
            "a carry-out sale is a pickup at the store: send delivery_method pickup and"
            " pickup_location",
            [FieldError("carry_out", "needs_pickup_location", "pickup at the store")],
        )


def refuse_held_carry_out(holds: list[Hold]) -> None:
    """The customer is at the till: an order that would be held cannot be carried out."""
    if holds:
        raise Conflict(
            "carry_out_held",
            "this sale would be held for review, so it cannot be handed over now",
            [FieldError(f"hold.{h.type}", "would_hold", h.reason) for h in holds],
        )


def hand_over(uow: UnitOfWork, order: Order) -> None:
    """Hand the order's new fulfillments over at the till (call after ``stock.record``)."""
    for f in uow.repo(FulfillmentRepository).added_for(order.id):
        if f.hand_over_now():
            persist(uow, order, f)
