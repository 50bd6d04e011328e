"""The jeopardy monitor's in-transaction reactions (listed in ``events.bus.HANDLER_MODULES``).

* ``fulfillment.created``: the new fulfillment is watched, due at once (a row that goes
  with the transaction's other inserts; the worker's next run assesses it);
* a fulfillment moving on (released, accepted, picked, shipped, delivered, ready,
  collected, cancelled, its dates changed) or a carrier scanning its parcel: it is
  checked again before commit, so a risk clears in the transaction that resolved it.
  Several events of one transaction (a 3PL reporting a shipment implies release, accept,
  pick and pack) make one check of each fulfillment, at commit time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from switchyard.db.uow import UnitOfWork
from switchyard.events.bus import subscribe
from switchyard.jeopardy.repository import JeopardyRepository
from switchyard.jeopardy.service import check
from switchyard.kernel.clock import utcnow
from switchyard.kernel.events import DomainEvent

MOVES = (
    "fulfillment.released",
    "fulfillment.accepted",
    "fulfillment.rejected",
    "fulfillment.cancelled",
    "fulfillment.picking",
    "fulfillment.picked",
    "fulfillment.packed",
    "fulfillment.labelled",
    "fulfillment.tracking_added",
    "fulfillment.shipped",
    "fulfillment.partially_delivered",
    "fulfillment.delivered",
    "fulfillment.partially_arrived_at_store",
    "fulfillment.arrived_at_store",
    "fulfillment.ready_for_pickup",
    "fulfillment.picked_up",
    "fulfillment.updated",
    "fulfillment.lines_added",
)
SCANS = (
    "shipment.in_transit",
    "shipment.out_for_delivery",
    "shipment.delivered",
    "shipment.exception",
)


@dataclass(slots=True)
class Pending:
    """Fulfillments of this unit of work to check again before commit."""

    causes: dict[str, str] = field(default_factory=dict)  # fulfillment id -> last event
    orders: dict[str, str] = field(default_factory=dict)  # fulfillment id -> order id
    scheduled: bool = False


def on_created(uow: UnitOfWork, event: DomainEvent) -> None:
    if event.order_id is not None:
        uow.repo(JeopardyRepository).watch_new(event.aggregate_id, event.order_id, utcnow())


def on_moved(uow: UnitOfWork, event: DomainEvent) -> None:
    fulfillment_id = (
        event.aggregate_id
        if event.aggregate_type == "fulfillment"
        else event.data.get("fulfillment_id")
    )
    if not fulfillment_id or event.order_id is None:
        return
    pending = uow.state(Pending)
    pending.causes[fulfillment_id] = event.type
    pending.orders[fulfillment_id] = event.order_id
    if not pending.scheduled:
        pending.scheduled = True
        uow.before_commit(lambda: _check_pending(uow))


def _check_pending(uow: UnitOfWork) -> None:
    pending = uow.state(Pending)
    causes, orders = dict(pending.causes), dict(pending.orders)
    pending.causes.clear()
    pending.orders.clear()
    pending.scheduled = False
    targets = [(orders[fid], fid) for fid in sorted(orders)]
    check(uow, targets, now=utcnow(), cause=causes, resource=False)


subscribe("fulfillment.created", on_created)
for _type in (*MOVES, *SCANS):
    subscribe(_type, on_moved)
