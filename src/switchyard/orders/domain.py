"""The order aggregate: lines, their quantities and the statuses that follow from them.

Quantities are the truth; statuses are derived from them, so they can never disagree.
Every change to a line ends with ``OrderLine.check``, which asserts for every line::

    quantity = unallocated + allocated + backordered + cancelled   (each >= 0)
    returned <= shipped,  delivered <= shipped <= allocated

``unallocated`` is ordered but neither reserved nor waiting for stock (an order held with
``reserve_on_hold`` off, or a line whose reservation an amendment just released).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from switchyard.kernel.errors import Conflict, FieldError, ValidationFailed
from switchyard.kernel.events import DomainEvent
from switchyard.orders.line import InvariantViolated, LineStatus, OrderLine

__all__ = ["InvariantViolated", "LineStatus", "Order", "OrderLine", "OrderStatus"]


class OrderStatus(LineStatus):
    """Line statuses, plus ``on_hold`` while a held order has anything unshipped."""

    ON_HOLD = "on_hold"


@dataclass(slots=True)
class Order:
    id: str
    channel_id: str
    external_id: str
    customer_id: str | None
    email: str | None
    currency: str
    shipping_address: dict[str, Any]  # empty for pickup orders that gave none
    billing_address: dict[str, Any] | None
    tracking_token: str
    placed_at: datetime
    updated_at: datetime
    lines: list[OrderLine] = field(default_factory=list)
    notes: str | None = None
    version: int = 1
    held_since: datetime | None = None
    customer_name: str | None = None
    phone: str | None = None
    delivery_method: str = "ship"
    pickup_location_id: str | None = None
    shipping_charge: Decimal = Decimal(0)
    taxes: Decimal = Decimal(0)
    po_number: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    draft_id: str | None = None
    # Since when it may miss its promise (its oldest active risk); set by the jeopardy
    # monitor through ``orders.risk_repository``, never written by ``save``.
    at_risk_since: datetime | None = None

    @property
    def on_hold(self) -> bool:
        return self.held_since is not None

    def addressed(self, address: dict[str, Any] | None) -> dict[str, Any]:
        """``address`` naming whom it is for: the customer's name when it names nobody
        (what labels, packing slips and invoices print)."""
        found = dict(address or {})
        if not found.get("name") and self.customer_name:
            found["name"] = self.customer_name
        return found

    @property
    def subtotal(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.shipping_charge + self.taxes

    @property
    def status(self) -> str:
        statuses = {line.status for line in self.lines}
        live = statuses - {LineStatus.CANCELLED}
        if not live:
            return OrderStatus.CANCELLED
        if live == {LineStatus.RETURNED}:
            return OrderStatus.RETURNED
        if live & {LineStatus.RETURNED, LineStatus.PARTIALLY_RETURNED}:
            return OrderStatus.PARTIALLY_RETURNED
        if self.on_hold and self.has_unshipped:
            return OrderStatus.ON_HOLD
        if live == {LineStatus.DELIVERED}:
            return OrderStatus.DELIVERED
        if live <= {LineStatus.SHIPPED, LineStatus.DELIVERED}:
            return OrderStatus.SHIPPED
        if live & {LineStatus.SHIPPED, LineStatus.PARTIALLY_SHIPPED, LineStatus.DELIVERED}:
            return OrderStatus.PARTIALLY_SHIPPED
        if live == {LineStatus.ALLOCATED}:
            return OrderStatus.ALLOCATED
        if any(line.qty_backordered for line in self.lines):
            return OrderStatus.BACKORDERED
        if any(line.qty_allocated for line in self.lines):
            return OrderStatus.PARTIALLY_ALLOCATED
        return OrderStatus.PLACED

    @property
    def has_unshipped(self) -> bool:
        return any(line.unshipped > 0 for line in self.lines)

    def event(self, type_: str, data: dict[str, Any] | None = None) -> DomainEvent:
        """A domain event about this order, on its timeline and its channel's feed."""
        return DomainEvent(
            type_, "order", self.id, data or {}, order_id=self.id, channel_id=self.channel_id
        )

    def status_changed(self, before: str, cause: str) -> DomainEvent:
        """``order.status_changed``: the status moved from ``before`` because of ``cause``
        (an event type, e.g. ``fulfillment.shipped``), not by an action on the order."""
        return self.event(
            "order.status_changed", {"from": before, "to": self.status, "cause": cause}
        )

    def line(self, line_id: str) -> OrderLine:
        for line in self.lines:
            if line.id == line_id:
                return line
        raise ValidationFailed(
            "unknown_order_line",
            f"order {self.id} has no line {line_id}",
            [FieldError("order_line_id", "unknown_order_line", line_id)],
        )

    def require_cancellable(self) -> None:
        if self.status == OrderStatus.CANCELLED or not self.has_unshipped:
            raise Conflict(
                "order_not_cancellable", f"order {self.id} is {self.status}: nothing to cancel"
            )

    def require_amendable(self) -> None:
        """Amendments change unshipped quantities: there must be some."""
        if self.status == OrderStatus.CANCELLED or not self.has_unshipped:
            raise Conflict(
                "order_not_amendable",
                f"order {self.id} is {self.status}: nothing unshipped is left to change",
                extra={"status": self.status},
            )
