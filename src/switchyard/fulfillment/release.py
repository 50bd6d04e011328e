"""Releasing fulfillments to their locations: one at a time or in waves by filter.

A fulfillment is released only when its order passes its holds (an order on hold,
including a payment hold, is never released); the location then sees it when it polls
``GET /fulfillments?status=released`` or hears ``fulfillment.released`` by webhook.
``release_due`` is the worker's job that releases what each channel's release policy
(``channels.release_policy``: immediately by default) says is due.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from switchyard.auth.domain import Principal
from switchyard.channels.release_policy import ReleasePolicy, release_policy
from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment.service import locked, persist
from switchyard.fulfillment.status import Status
from switchyard.fulfillment.work_repository import WorkRepository
from switchyard.kernel.clock import utcnow
from switchyard.locations.repository import LocationRepository

# Most fulfillments one run of the release job looks at (it runs every few seconds).
RELEASE_BATCH = 500


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


def release_due(uow: UnitOfWork, *, now: datetime | None = None, limit: int = RELEASE_BATCH) -> int:
    """Release the created fulfillments each channel's policy says are due (not those of
    orders on hold or waiting for payment): up to ``limit`` a run, oldest first, looking
    at most at four times as many (fulfillments waiting for payment are passed over, not
    retried at the head of every run); returns how many were released."""
    now = now or utcnow()
    repo = uow.repo(WorkRepository)
    by_delay: dict[int, list[str]] = {}
    for channel_id, settings in repo.channel_release_settings():
        policy = release_policy(settings)
        if policy.automatic:
            by_delay.setdefault(policy.minutes, []).append(channel_id)
    cutoffs = [
        (ids, ReleasePolicy("after", minutes).due_before(now)) for minutes, ids in by_delay.items()
    ]
    system = Principal.system("release")
    released, looked, after = 0, 0, None
    while cutoffs and released < limit and looked < 4 * limit:
        batch = repo.due_for_release(cutoffs, after, 100)
        if not batch:
            break
        looked += len(batch)
        after = batch[-1][1]
        for _, fulfillment_id in batch:
            order, f = locked(uow, system, fulfillment_id)
            if not f.blocked_by and f.status == Status.CREATED and f.release():
                persist(uow, order, f)
                released += 1
    return released
