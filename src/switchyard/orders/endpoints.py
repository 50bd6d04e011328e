"""Orders over HTTP: place (one or a batch), search, read, cancel, timeline."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from switchyard.api import idempotency
from switchyard.api.deps import DbDep, OrdersRead, OrdersWrite
from switchyard.api.etag import expected_version, set_etag
from switchyard.api.filters import check_choice, choice_of
from switchyard.api.pagination import Cursor, Limit, Page, decode_cursor, page_of
from switchyard.catalog.repository import SkuRepository
from switchyard.channels.repository import ChannelRepository
from switchyard.db.uow import UnitOfWork
from switchyard.events.repository import EventRepository
from switchyard.locations.repository import LocationRepository
from switchyard.orders import service, visibility
from switchyard.orders.batch import place_batch
from switchyard.orders.domain import OrderStatus
from switchyard.orders.holds_domain import check_hold_type
from switchyard.orders.read_model import full_view, list_views
from switchyard.orders.repository import OrderRepository
from switchyard.orders.schemas import (
    BatchRead,
    EventRead,
    OrderBatch,
    OrderCancel,
    OrderCreate,
    OrderCreated,
    OrderRead,
)
from switchyard.orders.staff import acting
from switchyard.orders.validation.phone import to_e164
from switchyard.placement import place

router = APIRouter(prefix="/orders", tags=["orders"])
STATUSES = frozenset(getattr(OrderStatus, k) for k in dir(OrderStatus) if k.isupper())
_EVENT_FIELDS = ("seq", "id", "type", "occurred_at", "aggregate_type", "aggregate_id", "data")


def created_headers(result: dict[str, Any]) -> dict[str, str]:
    return {"ETag": f'"{result["version"]}"', "Location": f"/api/v1/orders/{result['id']}"}


@router.post("", status_code=201, response_model=OrderCreated)
def place_order(
    body: OrderCreate, request: Request, db: DbDep, principal: OrdersWrite
) -> JSONResponse:
    """Validate and place an order: 422 ``order_rejected`` lists every failed check;
    warnings place it ``on_hold``. Honours ``Idempotency-Key``."""

    def use_case(uow: UnitOfWork) -> OrderCreated:
        order = place.place_order(uow, body)
        view = full_view(uow, order, placed_now=True)
        return OrderCreated(**view, tracking_token=order.tracking_token)

    who = acting(request, principal)
    return idempotency.create(request, db, who, body, use_case, headers=created_headers)


@router.post(":batch", response_model=BatchRead)
def place_batch_of_orders(
    body: OrderBatch, request: Request, db: DbDep, principal: OrdersWrite
) -> JSONResponse:
    """Up to 1,000 orders, each placed or refused on its own: ``results[i]`` has the
    status the single-order endpoint would have answered and the order id or the problem."""
    who = acting(request, principal)
    return idempotency.create(
        request, db, who, body, lambda uow: place_batch(uow, body.orders), status_code=200
    )


def _utc(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


@router.get("", response_model=Page[OrderRead])
def search_orders(
    db: DbDep,
    principal: OrdersRead,
    limit: Limit = 50,
    cursor: Cursor = None,
    status: Annotated[str | None, choice_of(STATUSES, "order status")] = None,
    channel: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    external_id: str | None = None,
    customer_id: str | None = None,
    placed_from: datetime | None = None,
    placed_to: datetime | None = None,
    sku: str | None = None,
    location: str | None = None,
    hold_type: str | None = None,
    at_risk: Annotated[
        bool | None,
        Query(description="true: orders at risk of missing their promise; false: the others"),
    ] = None,
) -> Page[OrderRead]:
    """Newest first. ``channel``, ``sku`` and ``location`` take a code or an id; ``phone``
    matches the E.164 form orders store (``+4930...``); times without a zone are UTC."""
    before = decode_cursor(cursor)
    check_choice("status", status, STATUSES, "an order status")
    if hold_type is not None:
        check_hold_type(hold_type, "query.hold_type", system=True)
    wanted_phone = (to_e164(phone.strip(), None) or phone.strip()) if phone else None

    def query(uow: UnitOfWork) -> list[OrderRead]:
        lookups = {
            "channel_id": (channel, uow.repo(ChannelRepository).get),
            "sku_id": (sku, uow.repo(SkuRepository).get),
            "location_id": (location, uow.repo(LocationRepository).get),
        }
        refs: dict[str, str] = {}
        for name, (ref, get) in lookups.items():
            if ref is not None:
                found = get(ref)
                if found is None:
                    return []
                refs[name] = found["id"]
        orders = uow.repo(OrderRepository).search(
            status=status,
            email=email.strip().lower() if email else None,
            phone=wanted_phone,
            external_id=external_id,
            customer_id=customer_id,
            placed_from=_utc(placed_from),
            placed_to=_utc(placed_to),
            hold_type=hold_type,
            at_risk=at_risk,
            visible_at=principal.location_ids,
            before_id=before[0] if before else None,
            limit=limit,
            **refs,
        )
        return [OrderRead(**view) for view in list_views(uow, orders)]

    return page_of(db.run(principal.actor, query, read_only=True), limit, lambda o: [o.id])


@router.get("/{order_id}", response_model=OrderRead)
def get_order(order_id: str, response: Response, db: DbDep, principal: OrdersRead) -> OrderRead:
    def query(uow: UnitOfWork) -> dict[str, Any]:
        visibility.require_order(uow, principal, order_id)
        return full_view(uow, service.load_order(uow, order_id), seen_by=principal)

    view = db.run(principal.actor, query, read_only=True)
    set_etag(response, view["version"])
    return OrderRead(**view)


@router.post("/{order_id}/cancel", response_model=OrderRead)
def cancel_order(
    order_id: str,
    request: Request,
    response: Response,
    db: DbDep,
    principal: OrdersWrite,
    body: OrderCancel | None = None,
) -> OrderRead:
    """Cancel what has not shipped; a held order leaves the exception queue (the reason
    becomes its holds' note)."""
    body = body or OrderCancel()
    version = expected_version(request, body.version)

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        return full_view(uow, service.cancel_order(uow, order_id, version, body.reason))

    view = db.run(acting(request, principal).actor, use_case)
    set_etag(response, view["version"])
    return OrderRead(**view)


@router.get("/{order_id}/events", response_model=Page[EventRead])
def order_timeline(
    order_id: str, db: DbDep, principal: OrdersRead, limit: Limit = 100, cursor: Cursor = None
) -> Page[EventRead]:
    """The order's timeline: every change, who made it and when, oldest first (for a
    location-restricted key, without other locations' fulfillments)."""
    after = decode_cursor(cursor)

    def query(uow: UnitOfWork) -> list[EventRead]:
        visibility.require_order(uow, principal, order_id)
        service.load_order(uow, order_id)
        rows = uow.repo(EventRepository).for_order(
            order_id,
            after=after[0] if after else None,
            limit=limit + 1,
            hiding=visibility.others_fulfillments(uow, principal, order_id),
        )
        return [
            EventRead(
                **{k: r[k] for k in _EVENT_FIELDS},
                actor={"kind": r["actor_kind"], "id": r["actor_id"], "name": r["actor_name"]},
            )
            for r in rows
        ]

    return page_of(db.run(principal.actor, query, read_only=True), limit, lambda e: [e.seq])
