"""HTTP for cart holds and reservations."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from switchyard.api import idempotency
from switchyard.api.deps import DbDep, InventoryRead, InventoryWrite, InventoryWriteWhole
from switchyard.api.filters import check_choice, choice_of
from switchyard.api.pagination import Cursor, Limit, Page, decode_cursor, page_of
from switchyard.db.uow import UnitOfWork
from switchyard.inventory import holds, refs
from switchyard.inventory.domain import RESERVATION_STATUSES
from switchyard.inventory.reservation_repository import ReservationRepository
from switchyard.inventory.reservation_schemas import (
    HoldCreate,
    HoldRead,
    ReleaseRead,
    ReservationRead,
)
from switchyard.kernel.clock import utcnow

router = APIRouter(prefix="/reservations", tags=["reservations"])


@router.post("", status_code=201, response_model=HoldRead)
def create_hold(
    body: HoldCreate, request: Request, db: DbDep, principal: InventoryWrite
) -> JSONResponse:
    """Hold stock for a cart until ``expires_at``: every line or none (409 otherwise)."""

    def use_case(uow: UnitOfWork) -> HoldRead:
        skus = refs.sku_ids(uow, [ln.sku for ln in body.lines], "lines.{i}.sku")
        lines = []
        for i, (sku_id, line) in enumerate(zip(skus, body.lines, strict=True)):
            location_id = refs.location_id(uow, line.location, f"lines.{i}.location")
            principal.require_location(location_id)
            lines.append((sku_id, location_id, line.quantity))
        expires_at = body.expires_at or utcnow() + timedelta(seconds=body.ttl_seconds)
        return HoldRead.model_validate(holds.create_hold(uow, lines, expires_at))

    return idempotency.create(request, db, principal, body, use_case)


@router.get("", response_model=Page[ReservationRead])
def list_reservations(
    db: DbDep,
    principal: InventoryRead,
    limit: Limit = 50,
    cursor: Cursor = None,
    order_id: str | None = None,
    sku: str | None = None,
    location: str | None = None,
    status: Annotated[str | None, choice_of(RESERVATION_STATUSES, "reservation status")] = None,
) -> Page[ReservationRead]:
    check_choice("status", status, RESERVATION_STATUSES, "a reservation status")
    after = decode_cursor(cursor)

    def query(uow: UnitOfWork) -> list[ReservationRead]:
        rows = uow.repo(ReservationRepository).page(
            order_id=order_id,
            sku_id=refs.sku_or_404(uow, sku) if sku else None,
            location_id=refs.location_or_404(uow, location) if location else None,
            status=status,
            after_id=str(after[0]) if after else None,
            limit=limit,
        )
        return [ReservationRead(**r) for r in rows]

    return page_of(db.run(principal.actor, query, read_only=True), limit, lambda r: [r.id])


@router.get("/{hold_id}", response_model=HoldRead)
def get_hold(hold_id: str, db: DbDep, principal: InventoryRead) -> HoldRead:
    row = db.run(principal.actor, lambda uow: holds.get_hold(uow, hold_id), read_only=True)
    return HoldRead.model_validate(row)


@router.delete("/{hold_id}", response_model=ReleaseRead)
def release_hold(hold_id: str, db: DbDep, principal: InventoryWriteWhole) -> ReleaseRead:
    """Release a hold now (releasing twice is harmless: 0 units the second time)."""
    released = db.run(principal.actor, lambda uow: holds.release_hold(uow, hold_id))
    return ReleaseRead(released=released)
