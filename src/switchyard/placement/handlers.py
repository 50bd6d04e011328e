"""Placement's in-transaction reactions (listed in ``events.bus.HANDLER_MODULES``).

* ``fulfillment.created``: the fulfillment gets its fulfilment type and promised dates
  (from the decision that planned it, else from now) and the order's promise follows;
* ``fulfillment.rejected`` / ``short_picked`` / ``cancelled`` by staff: the units the
  location gave back (already unreserved there) are sourced again, never at that
  location nor at any other that handed them back before (``placement.exclusions``;
  ``fulfillment.effects.hands_back`` says which steps give units back);
* ``inventory.changed`` when units arrive: orders whose units wait (backordered) for that
  SKU at other locations are sourced again if the profile can now source them whole.
"""

from __future__ import annotations

from switchyard.db.uow import UnitOfWork
from switchyard.events.bus import subscribe
from switchyard.fulfillment.effects import hands_back
from switchyard.kernel.events import DomainEvent
from switchyard.orders.repository import OrderRepository
from switchyard.placement.exclusions import exclude
from switchyard.placement.promising import on_fulfillment_created
from switchyard.placement.resourcing import resource_lines, resource_waiting


def on_handed_back(uow: UnitOfWork, event: DomainEvent) -> None:
    step = event.type.removeprefix("fulfillment.")
    quantities = event.data.get("quantities") or {}
    if not (event.order_id and quantities and hands_back(step, event.data)):
        return
    order = uow.repo(OrderRepository).get(event.order_id, lock=True)
    if order is None:
        return
    location_id = event.data["location_id"]
    exclude(uow, order, location_id, quantities, step, event.aggregate_id)
    resource_lines(uow, order, dict(quantities), [location_id])


subscribe("fulfillment.created", on_fulfillment_created)
for handed_back in ("fulfillment.rejected", "fulfillment.short_picked", "fulfillment.cancelled"):
    subscribe(handed_back, on_handed_back)
subscribe("inventory.changed", resource_waiting)
