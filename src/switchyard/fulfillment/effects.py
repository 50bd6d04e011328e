"""What a fulfillment's steps do to the rest of the system, in the same transaction.

* shipped / picked up: stock is consumed at the location, the order lines ship;
* delivered (all or some packages) / picked up: the order lines are delivered;
* rejected, cancelled by staff, short-picked: the units' reservations at the location are
  released, the order lines lose that allocation, and the lines are handed to
  re-sourcing (excluding this location);
* not collected: the reservation is released and the order lines' units cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment.status import Step
from switchyard.inventory import service as inventory
from switchyard.inventory.allocation import split_reservation
from switchyard.inventory.reservation_repository import ReservationRepository
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import Conflict
from switchyard.orders.domain import Order, OrderLine

if TYPE_CHECKING:
    from switchyard.fulfillment.domain import Fulfillment

RESOURCED_REASONS = frozenset({"cancelled", "rejected"})


@dataclass(frozen=True, slots=True)
class Handback:
    """Order line quantities that need a new location."""

    quantities: dict[str, int]
    exclude_location_ids: list[str]


def apply(uow: UnitOfWork, order: Order, f: Fulfillment, steps: list[Step]) -> list[Handback]:
    handbacks: list[Handback] = []
    for step in steps:
        quantities: dict[str, int] = step.data.get("quantities") or {}
        if step.name in ("shipped", "picked_up"):
            for line_id, qty in sorted(quantities.items()):
                order.line(line_id).ship(qty)
                inventory.consume(uow, line_id, f.location_id, qty, reference=f.id)
        if step.name in ("delivered", "partially_delivered", "picked_up"):
            for line_id, qty in sorted(quantities.items()):
                order.line(line_id).deliver(qty)
        reason = step.data.get("reason") if step.name == "cancelled" else step.name
        if step.name == "short_picked" or reason in RESOURCED_REASONS:
            release_at(uow, f.location_id, quantities)
            for line_id, qty in quantities.items():
                unallocate(order.line(line_id), qty)
            handbacks.append(Handback(quantities, [f.location_id]))
        elif reason == "not_collected":
            release_at(uow, f.location_id, quantities)
            for line_id, qty in quantities.items():
                cancel_units(order.line(line_id), qty)
    return handbacks


def hand_back(uow: UnitOfWork, order: Order, handbacks: list[Handback]) -> None:
    """Give the lines to the orders context's re-sourcing, once it offers one.

    ``resource_lines(uow, order, line_quantities, exclude_location_ids)`` receives
    quantities that are already unallocated and whose reservations are released. Until
    it exists they stay unallocated (the order shows them as needing sourcing) and the
    ``fulfillment.rejected`` / ``short_picked`` / ``cancelled`` events carry them.
    """
    if not handbacks:
        return
    from switchyard.orders import service as orders  # orders imports fulfillment

    resource = getattr(orders, "resource_lines", None)
    if resource is None:
        return
    for hb in handbacks:
        resource(uow, order, dict(hb.quantities), list(hb.exclude_location_ids))


def release_at(uow: UnitOfWork, location_id: str, quantities: dict[str, int]) -> int:
    """Release these order lines' units reserved at one location (oldest reservation
    first, splitting one if only part of it goes). Returns the units released."""
    res = uow.repo(ReservationRepository)
    now = utcnow()
    ids: list[str] = []
    released = 0
    for line_id, qty in sorted(quantities.items()):
        left = qty
        for row in res.open_for_line(line_id, location_id):
            if left == 0:
                break
            take = min(left, row["quantity"])
            ids.append(split_reservation(res, row, take, row["status"], now))
            left -= take
        released += qty - left
    if ids:
        inventory.release(uow, ids)
    return released


def unallocate(line: OrderLine, quantity: int) -> None:
    """The line needs ``quantity`` units sourced again."""
    if quantity <= 0 or line.qty_allocated - quantity < line.qty_shipped:
        raise Conflict("over_unallocation", f"line {line.line_no} cannot give back {quantity}")
    line.qty_allocated -= quantity
    line.check()


def cancel_units(line: OrderLine, quantity: int) -> None:
    """``quantity`` allocated, unshipped units of the line will not be delivered."""
    unallocate(line, quantity)
    line.qty_cancelled += quantity
    line.check()
