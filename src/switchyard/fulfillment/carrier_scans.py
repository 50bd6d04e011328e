"""Carrier tracking events: stored once per carrier event id, moving packages along.

A scan of a labelled package that has not been reported shipped ships it (inferred);
``delivered`` delivers that package's units on the order, and the last package
delivered completes the fulfillment. Scans that arrive late never move a package back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from switchyard.auth.domain import Principal
from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment.domain import Fulfillment
from switchyard.fulfillment.packages import DELIVERED, tracking_rank
from switchyard.fulfillment.service import locked, persist
from switchyard.fulfillment.status import Status as S
from switchyard.fulfillment.work_repository import WorkRepository
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import FieldError, NotFound
from switchyard.kernel.events import DomainEvent
from switchyard.kernel.ids import new_id


@dataclass(frozen=True, slots=True)
class Scan:
    carrier: str
    tracking_number: str
    event_id: str
    status: str  # in_transit | out_for_delivery | delivered | exception
    occurred_at: datetime
    location: str | None = None
    description: str | None = None


def ingest(uow: UnitOfWork, principal: Principal, scan: Scan) -> tuple[bool, Fulfillment]:
    """Record one carrier event; (False, ...) when this carrier event id was seen before."""
    found = uow.repo(WorkRepository).by_tracking_number(scan.tracking_number, scan.carrier)
    if not found:
        raise NotFound(
            "tracking_number_not_found",
            f"no package of carrier {scan.carrier} has tracking number {scan.tracking_number}",
            [FieldError("tracking_number", "not_found", scan.tracking_number)],
        )
    fulfillment_id, package_id = found[0]
    order, f = locked(uow, principal, fulfillment_id)
    f.blocked_by = None  # what happened outside is accepted even while the order is held
    stored = uow.repo(WorkRepository).add_tracking_event(
        {
            "id": new_id("trk"),
            "carrier": scan.carrier,
            "carrier_event_id": scan.event_id,
            "package_id": package_id,
            "status": scan.status,
            "occurred_at": scan.occurred_at,
            "location": scan.location,
            "description": scan.description,
            "received_at": utcnow(),
        }
    )
    if not stored:
        return False, f
    if f.status in (S.PACKED, S.PICKED, S.ACCEPTED, S.RELEASED, S.PICKING):
        f.catch_up(S.DELIVERED)  # the carrier has it, so it shipped
    package = next(p for p in f.packages if p.id == package_id)
    newer = package.last_event_at is None or scan.occurred_at >= package.last_event_at
    if newer:
        package.last_event_at = scan.occurred_at
    if not package.delivered and (
        newer or tracking_rank(scan.status) > tracking_rank(package.status)
    ):
        package.status = scan.status if scan.status != DELIVERED else package.status
    if scan.status == DELIVERED and f.status == S.SHIPPED:
        f.deliver([package_id])
    uow.emit(
        DomainEvent(
            f"shipment.{scan.status}",
            "shipment",
            package_id,
            {
                "fulfillment_id": f.id,
                "carrier": scan.carrier,
                "tracking_number": scan.tracking_number,
                "carrier_event_id": scan.event_id,
                "occurred_at": scan.occurred_at.isoformat(),
                "location": scan.location,
                "description": scan.description,
            },
            order_id=order.id,
            channel_id=order.channel_id,
        )
    )
    return True, persist(uow, order, f, force=True)
