"""Keeping an order's open fulfillments in step when its lines' stock changes.

Amendments and stock shortfalls cancel the open fulfillments that hold the affected lines
(and re-create what is still reserved). Fulfillments that shipped are never touched.
"""

from __future__ import annotations

from collections import defaultdict

from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment import service as fulfillment
from switchyard.fulfillment.domain import Fulfillment
from switchyard.fulfillment.repository import FulfillmentRepository
from switchyard.inventory import service as inventory
from switchyard.orders.domain import Order


def open_fulfillments(uow: UnitOfWork, order: Order) -> list[Fulfillment]:
    """The order's fulfillments whose units have not left their location."""
    found = uow.repo(FulfillmentRepository).for_order(order.id)
    return [f for f in found if f.units_at_location]


def unstarted_lines(uow: UnitOfWork, order: Order) -> set[str]:
    """Lines whose open fulfillments nobody works on yet (all ``created``), counting every
    fulfillment that shares a line with them: ``free_lines`` of these cancels no parcel a
    location has started."""
    fuls = open_fulfillments(uow, order)
    lines = {ln.order_line_id for f in fuls for ln in f.lines}
    started: set[str] = set()
    grew = True
    while grew:  # a line is started if any fulfillment connected to it is
        grew = False
        for f in fuls:
            held = {ln.order_line_id for ln in f.lines}
            if (f.status != "created" or held & started) and not held <= started:
                started |= held
                grew = True
    return lines - started


def cancel(uow: UnitOfWork, order: Order, found: list[Fulfillment], reason: str) -> None:
    """Cancel these fulfillments; the caller releases their stock and adjusts the lines."""
    repo = uow.repo(FulfillmentRepository)
    for f in found:
        if f.cancel(reason):
            f.steps.clear()
            repo.save(f)
            uow.emit(fulfillment.event(f, order, "fulfillment.cancelled", {"reason": reason}))


def free_lines(uow: UnitOfWork, order: Order, line_ids: set[str], reason: str) -> set[str]:
    """Undo the reservations of ``line_ids`` so they can be changed and reserved again.

    Open fulfillments holding any of these lines are cancelled, and with them every other
    line they hold; all those lines' unshipped reservations (also waiting ones) are
    released and their unshipped units become unallocated. Returns the lines freed.
    """
    fuls = open_fulfillments(uow, order)
    freed = set(line_ids)
    chosen: list[Fulfillment] = []
    grew = True
    while grew:
        grew = False
        for f in fuls:
            held = {ln.order_line_id for ln in f.lines}
            if f not in chosen and held & freed:
                chosen.append(f)
                grew = grew or not held <= freed
                freed |= held
    cancel(uow, order, chosen, reason)
    inventory.release_for_order(uow, order.id, sorted(freed))
    for line_id in sorted(freed):
        order.line(line_id).unreserve_unshipped()
    return freed


def regroup(found: list[Fulfillment]) -> dict[str, dict[str, tuple[str, int]]]:
    """Per location: what the given fulfillments hold, line id -> (sku id, quantity)."""
    held: dict[str, dict[str, tuple[str, int]]] = defaultdict(dict)
    for f in found:
        for ln in f.lines:
            sku_id, qty = held[f.location_id].get(ln.order_line_id, (ln.sku_id, 0))
            held[f.location_id][ln.order_line_id] = (sku_id, qty + ln.quantity)
    return held
