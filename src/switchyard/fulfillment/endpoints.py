"""Fulfillments: list/poll, read, timeline, release, and each lifecycle step.

Keys restricted to locations see and change only their locations' fulfillments. Every
step is idempotent and takes an optional ``If-Match``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request, Response

from switchyard.api.deps import DbDep, FulfillmentWrite
from switchyard.api.deps import FulfillmentRead as FulfillmentReadScope
from switchyard.api.etag import expected_version
from switchyard.api.filters import check_choice, choice_of
from switchyard.api.pagination import Cursor, Limit, Page, decode_cursor, page_of
from switchyard.auth.domain import Principal
from switchyard.db.uow import Database, UnitOfWork
from switchyard.fulfillment import release as releasing
from switchyard.fulfillment import service
from switchyard.fulfillment.repository import FulfillmentRepository
from switchyard.fulfillment.schemas import (
    FulfillmentRead,
    FulfillmentUpdate,
    ReasonIn,
    ReleaseFilter,
    ReleaseResultRead,
    ShipConfirm,
)
from switchyard.fulfillment.status import STATUSES
from switchyard.fulfillment.views import answer, present

router = APIRouter(prefix="/fulfillments", tags=["fulfillments"])


@router.get("", response_model=Page[FulfillmentRead])
def list_fulfillments(
    db: DbDep,
    principal: FulfillmentReadScope,
    limit: Limit = 50,
    cursor: Cursor = None,
    location: str | None = None,
    status: Annotated[str | None, choice_of(STATUSES, "fulfillment status")] = None,
    order_id: str | None = None,
    wave_id: str | None = None,
) -> Page[FulfillmentRead]:
    """Oldest first. A 3PL polls ``?location=<its code>&status=released``."""
    check_choice("status", status, STATUSES, "a fulfillment status")
    after = decode_cursor(cursor)

    def query(uow: UnitOfWork) -> list[FulfillmentRead]:
        locations = releasing.allowed_locations(uow, principal, location)
        rows = uow.repo(FulfillmentRepository).page(
            location_ids=locations,
            status=status,
            order_id=order_id,
            wave_id=wave_id,
            after_id=after[0] if after else None,
            limit=limit,
        )
        return present(uow, rows)

    return page_of(db.run(principal.actor, query, read_only=True), limit, lambda f: [f.id])


@router.post(":release", response_model=ReleaseResultRead)
def release_wave(body: ReleaseFilter, db: DbDep, principal: FulfillmentWrite) -> ReleaseResultRead:
    """Release every created fulfillment matching the filters (orders on hold stay)."""
    result = db.run(
        principal.actor,
        lambda uow: releasing.release_many(
            uow,
            principal,
            location=body.location,
            order_id=body.order_id,
            created_before=body.created_before,
            limit=body.limit,
        ),
    )
    return ReleaseResultRead.model_validate({"released": result.released, "held": result.held})


@router.get("/{fulfillment_id}", response_model=FulfillmentRead)
def get_fulfillment(
    fulfillment_id: str, response: Response, db: DbDep, principal: FulfillmentReadScope
) -> FulfillmentRead:
    return answer(
        db,
        principal,
        response,
        lambda uow: service.get_fulfillment(uow, principal, fulfillment_id),
        read_only=True,
    )


@router.patch("/{fulfillment_id}", response_model=FulfillmentRead)
def update_fulfillment(
    fulfillment_id: str,
    body: FulfillmentUpdate,
    request: Request,
    response: Response,
    db: DbDep,
    principal: FulfillmentWrite,
) -> FulfillmentRead:
    """Change the delivery method (ship or pickup, until picked) or the promised date."""
    version = expected_version(request, body.version)
    values = body.model_dump(exclude_unset=True, exclude={"version"})
    return answer(
        db,
        principal,
        response,
        lambda uow: service.update_fulfillment(uow, principal, fulfillment_id, version, values),
    )


def _step(
    db: Database,
    request: Request,
    principal: Principal,
    fulfillment_id: str,
    action: str,
    response: Response,
    **details: Any,
) -> FulfillmentRead:
    version = expected_version(request)
    return answer(
        db,
        principal,
        response,
        lambda uow: service.advance(
            uow, principal, fulfillment_id, action, expected_version=version, **details
        ),
    )


@router.post("/{fulfillment_id}/release", response_model=FulfillmentRead)
def release(
    fulfillment_id: str,
    request: Request,
    response: Response,
    db: DbDep,
    principal: FulfillmentWrite,
) -> FulfillmentRead:
    """Send it to the location (409 ``order_on_hold`` while the order is held)."""
    return _step(db, request, principal, fulfillment_id, "release", response)


@router.post("/{fulfillment_id}/accept", response_model=FulfillmentRead)
def accept(
    fulfillment_id: str,
    request: Request,
    response: Response,
    db: DbDep,
    principal: FulfillmentWrite,
) -> FulfillmentRead:
    return _step(db, request, principal, fulfillment_id, "accept", response)


@router.post("/{fulfillment_id}/reject", response_model=FulfillmentRead)
def reject(
    fulfillment_id: str,
    request: Request,
    response: Response,
    db: DbDep,
    principal: FulfillmentWrite,
    body: ReasonIn | None = None,
) -> FulfillmentRead:
    """The location will not fulfil it: cancelled, stock released, lines re-sourced."""
    reason = body.reason if body else None
    return _step(db, request, principal, fulfillment_id, "reject", response, reason=reason)


@router.post("/{fulfillment_id}/cancel", response_model=FulfillmentRead)
def cancel(
    fulfillment_id: str,
    request: Request,
    response: Response,
    db: DbDep,
    principal: FulfillmentWrite,
    body: ReasonIn | None = None,
) -> FulfillmentRead:
    """Cancel before the units leave: stock released, the lines handed to re-sourcing."""
    note = body.reason if body else None
    return _step(db, request, principal, fulfillment_id, "cancel", response, note=note)


@router.post("/{fulfillment_id}/ship", response_model=FulfillmentRead)
def ship(
    fulfillment_id: str,
    request: Request,
    response: Response,
    db: DbDep,
    principal: FulfillmentWrite,
    body: ShipConfirm | None = None,
) -> FulfillmentRead:
    """The packages left. Labelled packages need no body; else send carrier and number."""
    body = body or ShipConfirm()
    return _step(
        db,
        request,
        principal,
        fulfillment_id,
        "ship",
        response,
        carrier=body.carrier,
        tracking_number=body.tracking_number,
    )


@router.post("/{fulfillment_id}/deliver", response_model=FulfillmentRead)
def deliver(
    fulfillment_id: str,
    request: Request,
    response: Response,
    db: DbDep,
    principal: FulfillmentWrite,
) -> FulfillmentRead:
    """Every package arrived (carriers usually report this through tracking events)."""
    return _step(db, request, principal, fulfillment_id, "deliver", response)
