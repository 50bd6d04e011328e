"""Amending placed orders over HTTP: order fields, lines. All take ``If-Match``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from switchyard.api import idempotency
from switchyard.api.deps import DbDep, OrdersWrite
from switchyard.api.etag import expected_version, set_etag
from switchyard.db.uow import UnitOfWork
from switchyard.orders import amendments
from switchyard.orders.amendment_schemas import LineAdd, LineUpdate, OrderUpdate
from switchyard.orders.endpoints import created_headers
from switchyard.orders.order_updates import update_order
from switchyard.orders.read_model import full_view
from switchyard.orders.schemas import OrderCancel, OrderRead
from switchyard.orders.staff import acting

router = APIRouter(prefix="/orders", tags=["orders"])


@router.patch("/{order_id}", response_model=OrderRead)
def amend_order(
    order_id: str,
    body: OrderUpdate,
    request: Request,
    response: Response,
    db: DbDep,
    principal: OrdersWrite,
) -> OrderRead:
    """Change addresses, delivery method (ship / pickup at a location), phone, PO number,
    notes or attributes while something is unshipped. A new delivery method re-sources
    every unshipped unit; new validation warnings hold the order."""
    version = expected_version(request, body.version)
    changes = body.model_dump(exclude_unset=True, exclude={"version"})

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        return full_view(uow, update_order(uow, order_id, changes, version))

    view = db.run(acting(request, principal).actor, use_case)
    set_etag(response, view["version"])
    return OrderRead(**view)


@router.post("/{order_id}/lines", status_code=201, response_model=OrderRead)
def add_line(
    order_id: str, body: LineAdd, request: Request, db: DbDep, principal: OrdersWrite
) -> JSONResponse:
    """Add a line (priced from the channel's list unless ``unit_price`` is given) and
    reserve it. Honours ``Idempotency-Key``."""
    version = expected_version(request, body.version)

    def use_case(uow: UnitOfWork) -> OrderRead:
        order = amendments.add_line(
            uow, order_id, body.sku, body.quantity, body.unit_price, body.discount, version
        )
        return OrderRead(**full_view(uow, order))

    who = acting(request, principal)
    return idempotency.create(request, db, who, body, use_case, headers=created_headers)


@router.patch("/{order_id}/lines/{line_id}", response_model=OrderRead)
def change_line(
    order_id: str,
    line_id: str,
    body: LineUpdate,
    request: Request,
    response: Response,
    db: DbDep,
    principal: OrdersWrite,
) -> OrderRead:
    """Set the units wanted (not counting cancelled ones); never below what shipped."""
    version = expected_version(request, body.version)

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        order = amendments.change_line_quantity(uow, order_id, line_id, body.quantity, version)
        return full_view(uow, order)

    view = db.run(acting(request, principal).actor, use_case)
    set_etag(response, view["version"])
    return OrderRead(**view)


@router.post("/{order_id}/lines/{line_id}/cancel", response_model=OrderRead)
def cancel_line(
    order_id: str,
    line_id: str,
    request: Request,
    response: Response,
    db: DbDep,
    principal: OrdersWrite,
    body: OrderCancel | None = None,
) -> OrderRead:
    """Cancel the line's unshipped units; its reservations are released."""
    body = body or OrderCancel()
    version = expected_version(request, body.version)

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        return full_view(uow, amendments.cancel_line(uow, order_id, line_id, version, body.reason))

    view = db.run(acting(request, principal).actor, use_case)
    set_etag(response, view["version"])
    return OrderRead(**view)
