"""What a fulfillment's steps do to the rest of the system, in the same transaction.

* shipped / picked up: stock is consumed at the location, the order lines ship;
* delivered (all or some packages) / picked up: the order lines are delivered;
* rejected, cancelled by staff, short-picked: the units' reservations at the location are
  released and the order lines lose that allocation; units short-picked also leave the
  location's on_hand (movement ``short_pick``: they were not there), so its availability
  tells the truth; the step's event
  (``fulfillment.rejected``, ``short_picked``, ``cancelled``) carries the quantities and
  the location, and sourcing's handler of it (``hands_back`` says which) sources them
  again elsewhere in the same transaction;
* not collected: the reservation is released and the order lines' units cancelled; after
  a ship to store, the units are at the store: they go into its stock instead.
* ship to store: the warehouse's stock is consumed when the parcel ships to the store; the
  order lines are delivered when the customer collects it there.
* consolidation: a merge leg's shipment consumes the source's stock (``transfer_out``)
  without shipping the order lines; its arrival (``leg_arrived``) adds the units to the
  merge node's on-hand (``merge_in``) and reserves them there for the same order lines,
  so the consolidated parcel consumes them at the node and ships the lines. Units that
  arrive for a cancelled order stay in the node's stock, unreserved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from switchyard.catalog.kits import Parts, parts_of
from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment.status import Step
from switchyard.inventory import service as inventory
from switchyard.inventory.allocation import split_reservation
from switchyard.inventory.ledger import change_on_hand
from switchyard.inventory.operations import write_off_short_pick
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
    kits = kit_lines(uow, f)
    for step in steps:
        quantities: dict[str, int] = step.data.get("quantities") or {}
        # Ship to store: the units leave the warehouse when it ships to the store.
        if step.name == "shipped" and f.is_leg:
            for line_id, qty in sorted(quantities.items()):
                parts = kits.get(line_id, ())
                inventory.consume(
                    uow, line_id, f.location_id, qty, reference=f.id, parts=parts,
                    kind="transfer_out",
                )  # fmt: skip
            continue
        if step.name == "leg_arrived":
            arrived(uow, order, f, quantities, kits)
            continue
        if step.name == "shipped" or (step.name == "picked_up" and not f.to_store):
            for line_id, qty in sorted(quantities.items()):
                order.line(line_id).ship(qty)
                parts = kits.get(line_id, ())
                inventory.consume(uow, line_id, f.location_id, qty, reference=f.id, parts=parts)
        if step.name in ("delivered", "partially_delivered", "picked_up"):
            for line_id, qty in sorted(quantities.items()):
                order.line(line_id).deliver(qty)
        if hands_back(step.name, step.data):
            release_at(uow, f.location_id, quantities, kits)
            for line_id, qty in quantities.items():
                unallocate(order.line(line_id), qty)
            if step.name == "short_picked":  # a kit's picker does not say which part
                for line_id, qty in sorted(quantities.items()):
                    if line_id in kits:
                        continue
                    sku_id = order.line(line_id).sku_id
                    write_off_short_pick(uow, sku_id, f.location_id, qty, reference=f.id)
        elif step.name == "cancelled" and step.data.get("reason") == "not_collected":
            if f.to_store and f.ship_to_location_id:  # they left the warehouse: store stock
                for line_id, qty in sorted(quantities.items()):
                    line = order.line(line_id)
                    line.not_collected(qty)
                    for sku_id, per in kits.get(line_id) or ((line.sku_id, 1),):
                        inventory.receive(
                            uow, sku_id, f.ship_to_location_id, qty * per, f.id, kind="return"
                        )
                continue
            release_at(uow, f.location_id, quantities, kits)
            for line_id, qty in quantities.items():
                cancel_units(order.line(line_id), qty)


def arrived(
    uow: UnitOfWork,
    order: Order,
    f: Fulfillment,
    quantities: dict[str, int],
    kits: dict[str, Parts],
) -> None:
    """A merge leg's units reached the merge node: its stock, reserved for the lines."""
    node = f.ship_to_location_id
    assert node is not None  # a leg always names its merge node
    keep = order.status != "cancelled"
    requests = []
    for line_id, qty in sorted(quantities.items()):
        line = order.line(line_id)
        for sku_id, per in kits.get(line_id) or ((line.sku_id, 1),):
            change_on_hand(
                uow, (sku_id, node), qty * per, "merge_in", reference=f.id, allocate=not keep
            )
            if keep:
                requests.append(
                    inventory.ReservationRequest(sku_id, node, qty * per, order.id, line_id)
                )
    if requests:
        inventory.reserve(uow, requests)


def kit_lines(uow: UnitOfWork, f: Fulfillment) -> dict[str, Parts]:
    """The fulfillment's kit lines: order line id -> (component sku id, units per kit)."""
    parts = parts_of(uow, sorted({ln.sku_id for ln in f.lines}))
    return {ln.order_line_id: parts[ln.sku_id] for ln in f.lines if ln.sku_id in parts}


def release_at(
    uow: UnitOfWork,
    location_id: str,
    quantities: dict[str, int],
    kits: dict[str, Parts] | None = None,
) -> int:
    """Release these order lines' units reserved at one location (oldest reservation
    first, splitting one if only part of it goes); a kit line's ``quantity`` kits release
    each component's units. Returns the units released."""
    res = uow.repo(ReservationRepository)
    now = utcnow()
    ids: list[str] = []
    released = 0
    for line_id, qty in sorted(quantities.items()):
        rows = res.open_for_line(line_id, location_id)
        parts = (kits or {}).get(line_id)
        wanted = [(sku, qty * per) for sku, per in parts] if parts else [(None, qty)]
        for sku, units in wanted:
            left = units
            for row in rows:
                if left == 0:
                    break
                if sku is not None and row["sku_id"] != sku:
                    continue
                take = min(left, row["quantity"])
                ids.append(split_reservation(res, row, take, row["status"], now))
                left -= take
            released += units - left
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
