"""Holds and the exception queue over HTTP.

Staff send ``X-Switchyard-User: <name>`` so the timeline shows who placed or released a
hold (next to the API key they used).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from switchyard.api import idempotency
from switchyard.api.deps import DbDep, OrdersRead, OrdersWrite
from switchyard.api.etag import expected_version, set_etag
from switchyard.api.pagination import Cursor, Limit, Page, decode_cursor, encode_cursor
from switchyard.channels.repository import ChannelRepository
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import FieldError, ValidationFailed
from switchyard.orders import holds, visibility
from switchyard.orders.amendment_schemas import ExceptionItem, HoldCreate, HoldRead, HoldRelease
from switchyard.orders.hold_repository import HoldRepository
from switchyard.orders.holds_domain import Hold
from switchyard.orders.read_model import full_view
from switchyard.orders.schemas import OrderRead
from switchyard.orders.service import load_order
from switchyard.orders.staff import acting

router = APIRouter(tags=["holds"])


def _read(h: Hold) -> HoldRead:
    return HoldRead(
        id=h.id,
        order_id=h.order_id,
        type=h.type,
        source=h.source,
        reason=h.reason,
        findings=h.findings,
        placed_at=h.placed_at,
        placed_by=h.placed_by,
        released_at=h.released_at,
        released_by=h.released_by,
        resolution=h.resolution,
        note=h.note,
    )


@router.get("/orders/{order_id}/holds", response_model=list[HoldRead])
def list_holds(order_id: str, db: DbDep, principal: OrdersRead) -> list[HoldRead]:
    """Every hold the order ever had, active and released, oldest first."""

    def query(uow: UnitOfWork) -> list[HoldRead]:
        visibility.require_order(uow, principal, order_id)
        load_order(uow, order_id)
        return [_read(h) for h in uow.repo(HoldRepository).for_order(order_id)]

    return db.run(principal.actor, query, read_only=True)


@router.post("/orders/{order_id}/holds", status_code=201, response_model=HoldRead)
def place_hold(
    order_id: str, body: HoldCreate, request: Request, db: DbDep, principal: OrdersWrite
) -> JSONResponse:
    """Put the order on a manual hold: fulfilment waits until every hold is released."""
    version = expected_version(request, body.version)

    def use_case(uow: UnitOfWork) -> HoldRead:
        _, hold = holds.place_hold(uow, order_id, body.type, body.reason, version)
        return _read(hold)

    who = acting(request, principal)
    return idempotency.create(request, db, who, body, use_case)


def _release(
    order_id: str,
    hold_id: str | None,
    body: HoldRelease,
    request: Request,
    response: Response,
    db: DbDep,
    principal: OrdersWrite,
) -> OrderRead:
    version = expected_version(request, body.version)

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        return full_view(uow, holds.release_holds(uow, order_id, hold_id, body.note, version))

    view = db.run(acting(request, principal).actor, use_case)
    set_etag(response, view["version"])
    return OrderRead(**view)


@router.post("/orders/{order_id}/holds/release", response_model=OrderRead)
def release_all(
    order_id: str,
    body: HoldRelease,
    request: Request,
    response: Response,
    db: DbDep,
    principal: OrdersWrite,
) -> OrderRead:
    """Release every active hold with one note."""
    return _release(order_id, None, body, request, response, db, principal)


@router.post("/orders/{order_id}/holds/{hold_id}/release", response_model=OrderRead)
def release_hold(
    order_id: str,
    hold_id: str,
    body: HoldRelease,
    request: Request,
    response: Response,
    db: DbDep,
    principal: OrdersWrite,
) -> OrderRead:
    """Release one hold; the order goes to fulfilment once its last hold is released."""
    return _release(order_id, hold_id, body, request, response, db, principal)


@router.get("/exceptions", response_model=Page[ExceptionItem], tags=["exceptions"])
def exception_queue(
    db: DbDep,
    principal: OrdersRead,
    limit: Limit = 50,
    cursor: Cursor = None,
    hold_type: str | None = None,
    channel: str | None = None,
    older_than_minutes: Annotated[int | None, Query(ge=0, le=10_000_000)] = None,
) -> Page[ExceptionItem]:
    """Held orders waiting for staff, the longest-waiting first."""
    after_values = decode_cursor(cursor)
    after = None
    if after_values is not None:
        try:
            since = datetime.fromisoformat(after_values[0])
            if since.tzinfo is None:
                raise ValueError("naive time")
            after = (since, str(after_values[1]))
        except (IndexError, TypeError, ValueError) as exc:
            raise ValidationFailed(
                "invalid_cursor",
                "the cursor is not one this API returned",
                [FieldError("query.cursor", "invalid_cursor", "malformed cursor")],
            ) from exc
    now = utcnow()
    held_before = now - timedelta(minutes=older_than_minutes) if older_than_minutes else None

    def query(uow: UnitOfWork) -> list[ExceptionItem]:
        channel_id = None
        if channel is not None:
            found = uow.repo(ChannelRepository).get(channel)
            if found is None:
                return []
            channel_id = found["id"]
        found_orders = holds.queue(
            uow,
            hold_type=hold_type,
            channel_id=channel_id,
            held_before=held_before,
            after=after,
            limit=limit,
            visible_at=principal.location_ids,
        )
        return [ExceptionItem(**holds.exception_view(o, hs, now)) for o, hs in found_orders]

    items = db.run(principal.actor, query, read_only=True)
    if len(items) > limit:
        items = items[:limit]
        last = items[-1]
        return Page[ExceptionItem](
            items=items, next_cursor=encode_cursor([last.held_since.isoformat(), last.order_id])
        )
    return Page[ExceptionItem](items=items)
