"""What a fulfillment's steps do to the rest of the system, in the same transaction.

* shipped / picked up: stock is consumed at the location, the order lines ship;
* delivered (all or some packages) / picked up: the order lines are delivered;
* rejected, cancelled by staff, short-picked: the units' reservations at the location are
  released and the order lines lose that allocation; the step's event
  (``fulfillment.rejected``, ``short_picked``, ``cancelled``) carries the quantities and
  the location, and sourcing's handler of it (``hands_back`` says which) sources them
  again elsewhere in the same transaction;
* not collected: the reservation is released and the order lines' units cancelled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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


def hands_back(step: str, data: dict[str, Any]) -> bool:
    """Does this step (``fulfillment.<step>`` with its event ``data``) give its units back
    for sourcing elsewhere?"""
    reason = data.get("reason") if step == "cancelled" else step
    return step == "short_picked" or reason in RESOURCED_REASONS


def apply(uow: UnitOfWork, order: Order, f: Fulfillment, steps: list[Step]) -> None:
    for step in steps:
        quantities: dict[str, int] = step.data.get("quantities") or {}
        if step.name in ("shipped", "picked_up"):
            for line_id, qty in sorted(quantities.items()):
                order.line(line_id).ship(qty)
                inventory.consume(uow, line_id, f.location_id, qty, reference=f.id)
        if step.name in ("delivered", "partially_delivered", "picked_up"):
            for line_id, qty in sorted(quantities.items()):
                order.line(line_id).deliver(qty)
        if hands_back(step.name, step.data):
            release_at(uow, f.location_id, quantities)
            for line_id, qty in quantities.items():
                unallocate(order.line(line_id), qty)
        elif step.name == "cancelled" and step.data.get("reason") == "not_collected":
            release_at(uow, f.location_id, quantities)
            for line_id, qty in quantities.items():
                cancel_units(order.line(line_id), qty)


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
