"""Releasing fulfillments to their locations: one at a time or in waves by filter.

A fulfillment is released only when its order passes its holds (an order on hold,
including a payment hold, is never released); the location then sees it when it polls
``GET /fulfillments?status=released`` or hears ``fulfillment.released`` by webhook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from switchyard.auth.domain import Principal
from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment.service import locked, persist
from switchyard.fulfillment.status import Status
from switchyard.fulfillment.work_repository import WorkRepository
from switchyard.locations.repository import LocationRepository


@dataclass(slots=True)
class ReleaseResult:
    released: list[str] = field(default_factory=list)
    held: list[dict[str, str]] = field(default_factory=list)  # fulfillment, order, reason


def allowed_locations(
    uow: UnitOfWork, principal: Principal, location: str | None
) -> list[str] | None:
    """The locations a request may touch: the named one (if the key may), else the key's."""
    if location is not None:
        (location_id,) = uow.repo(LocationRepository).require_ids([location], "location")
        principal.require_location(location_id)
        return [location_id]
    return sorted(principal.location_ids) if principal.location_ids is not None else None


def release_many(
    uow: UnitOfWork,
    principal: Principal,
    *,
    location: str | None = None,
    order_id: str | None = None,
    created_before: datetime | None = None,
    limit: int = 100,
) -> ReleaseResult:
    """Release created fulfillments matching the filters (a release wave), oldest first;
    those whose order is on hold are listed and left as they are."""
    locations = allowed_locations(uow, principal, location)
    candidates = uow.repo(WorkRepository).ids_where(
        statuses=[Status.CREATED],
        location_ids=locations,
        order_id=order_id,
        created_before=created_before,
        limit=limit,
    )
    result = ReleaseResult()
    for _, fulfillment_id in sorted(candidates):
        order, f = locked(uow, principal, fulfillment_id)
        if f.blocked_by:
            result.held.append(
                {"fulfillment_id": f.id, "order_id": order.id, "reason": f.blocked_by}
            )
            continue
        if f.release():
            persist(uow, order, f)
            result.released.append(f.id)
    return result
