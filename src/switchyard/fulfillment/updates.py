"""Status updates from external fulfilment systems (3PL, WMS, drop-ship supplier).

An update names the state the fulfillment is in now. Sending it twice changes nothing;
an update that is behind the current state (shipped after delivered) changes nothing; an
update ahead of it (delivered before shipped) applies the missing steps first, each
recorded on the timeline with ``inferred: true``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from switchyard.auth.domain import Principal
from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment.domain import Fulfillment
from switchyard.fulfillment.service import locked, persist
from switchyard.fulfillment.shipments import pack_plan, resolve_specs
from switchyard.fulfillment.status import RANK, Step
from switchyard.fulfillment.status import Status as S
from switchyard.fulfillment.work import picked_quantities
from switchyard.kernel.errors import check_version

UPDATE_STATUSES = ("accepted", "rejected", "picked", "packed", "shipped", "delivered")


@dataclass(frozen=True, slots=True)
class Update:
    status: str
    reason: str | None = None
    carrier: str | None = None
    tracking_number: str | None = None
    packages: list[dict[str, Any]] | None = None
    lines: list[dict[str, Any]] | None = None  # picked quantities (a short pick)


def apply_update(
    uow: UnitOfWork,
    principal: Principal,
    fulfillment_id: str,
    update: Update,
    expected_version: int | None = None,
) -> tuple[Fulfillment, list[Step]]:
    """Bring the fulfillment to the reported state; returns it and the steps applied."""
    order, f = locked(uow, principal, fulfillment_id)
    f.blocked_by = None  # what happened outside is accepted even while the order is held
    check_version("fulfillment", expected_version, f.version)
    target = update.status
    if target == "rejected":
        f.reject(update.reason)
    elif target == "shipped" and f.status in (S.SHIPPED, S.DELIVERED):
        f.ship(update.carrier, update.tracking_number)  # late tracking number, or nothing
    elif f.status != S.CANCELLED and RANK[f.status] >= RANK[target]:
        pass  # already there or beyond: the update is old news
    elif target == "accepted":
        f.accept()
    elif target == "picked":
        f.pick(picked_quantities(uow, f, update.lines), allow_short=True)
    elif target == "packed" or (target == "shipped" and update.packages):
        f.catch_up(S.PACKED)
        f.pack(resolve_specs(uow, f, update.packages), pack_plan(uow, f))
        if target == "shipped":
            f.ship(update.carrier, update.tracking_number)
    elif target == "shipped":
        f.catch_up(S.SHIPPED)
        f.ship(update.carrier, update.tracking_number)
    else:  # delivered
        f.catch_up(S.DELIVERED)
        f.deliver()
    steps = list(f.steps)
    return persist(uow, order, f), steps
