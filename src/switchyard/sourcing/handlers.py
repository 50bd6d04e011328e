"""Sourcing's in-transaction reactions (listed in ``events.bus.HANDLER_MODULES``).

* ``fulfillment.created``: the fulfillment gets its fulfilment type and promised dates
  (from the decision that planned it, else from now) and the order's promise follows;
* ``inventory.changed`` when units arrive: orders whose units wait (backordered) for that
  SKU at other locations are sourced again if the profile can now source them whole.
"""

from __future__ import annotations

from switchyard.events.bus import subscribe
from switchyard.sourcing.promising import on_fulfillment_created
from switchyard.sourcing.service import resource_waiting

subscribe("fulfillment.created", on_fulfillment_created)
subscribe("inventory.changed", resource_waiting)
