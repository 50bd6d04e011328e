"""Returns API: requests (RMAs), labels, receipt and inspection, refunds, analytics.

Scopes: asking, authorising and refunding change the order and its money, so they need
``orders:write`` from an unrestricted key (refunds also touch payments); receiving and
inspecting happen at a location, so they need ``fulfillment:write`` and a restricted key
may do them only at its own locations.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from switchyard.api import idempotency
from switchyard.api.deps import DbDep, FulfillmentWrite, OrdersRead, OrdersWriteWhole
from switchyard.api.etag import expected_version, set_etag
from switchyard.api.pagination import Cursor, Limit, Page, decode_cursor, page_of
from switchyard.auth.domain import Principal
from switchyard.db.uow import UnitOfWork
from switchyard.inventory import refs
from switchyard.orders import visibility
from switchyard.returns import analytics, refunds, service
from switchyard.returns import domain as d
from switchyard.returns.label import label_pdf
from switchyard.returns.read_model import refund_view, return_view
from switchyard.returns.schemas import (
    AnalyticsRead,
    InspectIn,
    ReceiveIn,
    RefundCreate,
    RefundRead,
    ReturnAction,
    ReturnCreate,
    ReturnRead,
)

router = APIRouter(tags=["returns"])


def _headers(view: dict[str, Any]) -> dict[str, str]:
    return {"ETag": f'"{view["version"]}"', "Location": f"/api/v1/returns/{view['id']}"}


def _visible(uow: UnitOfWork, principal: Principal, ret: d.Return) -> None:
    """A restricted key sees returns received at its locations and returns of orders it
    sees; others are 404."""
    locations = principal.location_ids
    if locations is not None and ret.location_id not in locations:
        visibility.require_order(uow, principal, ret.order_id, "return", ret.id)


@router.post("/returns", status_code=201, response_model=ReturnRead)
def create_return(
    body: ReturnCreate, request: Request, db: DbDep, principal: OrdersWriteWhole
) -> JSONResponse:
    """Ask for a return of delivered units (422 ``return_window_expired``,
    ``more_than_delivered``, ``not_returnable``). Authorised at once unless the channel's
    return policy needs approval."""

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        location = refs.location_id(uow, body.location) if body.location else None
        cmd = service.RequestCommand(
            lines=[d.Asked(ln.line, ln.quantity, ln.reason) for ln in body.lines],
            source=body.source,
            kind=body.kind,
            note=body.note,
            location_id=location,
        )
        return return_view(service.request_return(uow, body.order_id, cmd))

    return idempotency.create(request, db, principal, body, use_case, headers=_headers)


@router.get("/returns", response_model=Page[ReturnRead])
def list_returns(
    db: DbDep,
    principal: OrdersRead,
    status: Annotated[Literal[d.STATUSES] | None, Query()] = None,  # type: ignore[valid-type]
    order_id: Annotated[str | None, Query(max_length=100)] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[ReturnRead]:
    """Newest first. A restricted key lists the returns received at its locations."""
    before = decode_cursor(cursor)

    def query(uow: UnitOfWork) -> list[ReturnRead]:
        found = service.page(
            uow,
            status=status,
            order_id=order_id,
            before_id=str(before[0]) if before else None,
            limit=limit + 1,
            location_ids=sorted(principal.location_ids)
            if principal.location_ids is not None
            else None,
        )
        return [ReturnRead(**return_view(r)) for r in found]

    return page_of(db.run(principal.actor, query, read_only=True), limit, lambda r: [r.id])


@router.get("/returns/analytics", response_model=AnalyticsRead)
def return_analytics(
    db: DbDep,
    principal: OrdersWriteWhole,
    by: Annotated[Literal["sku", "reason", "channel"], Query()] = "sku",
    channel: Annotated[str | None, Query(max_length=100)] = None,
    since: Annotated[datetime | None, Query()] = None,
) -> AnalyticsRead:
    """Return rate (units received back / units shipped) by SKU, reason or channel."""

    def query(uow: UnitOfWork) -> AnalyticsRead:
        return AnalyticsRead(by=by, items=analytics.rates(uow, by, channel, since))

    return db.run(principal.actor, query, read_only=True)


@router.get("/returns/{return_id}", response_model=ReturnRead)
def get_return(return_id: str, response: Response, db: DbDep, principal: OrdersRead) -> ReturnRead:
    def query(uow: UnitOfWork) -> dict[str, Any]:
        ret = service.get_return(uow, return_id)
        _visible(uow, principal, ret)
        return return_view(ret)

    view = db.run(principal.actor, query, read_only=True)
    set_etag(response, view["version"])
    return ReturnRead(**view)


def _action(
    action: str, return_id: str, body: ReturnAction | None, request: Request, db: DbDep,
    principal: Principal,
) -> JSONResponse:  # fmt: skip
    act = body or ReturnAction()
    version = expected_version(request)

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        ret = service.transition(uow, return_id, action, expected_version=version, note=act.note)
        return return_view(ret)

    return idempotency.create(
        request, db, principal, act, use_case, status_code=200, headers=_headers
    )


@router.post("/returns/{return_id}/authorise", response_model=ReturnRead)
def authorise_return(
    return_id: str, request: Request, db: DbDep, principal: OrdersWriteWhole,
    body: ReturnAction | None = None,
) -> JSONResponse:  # fmt: skip
    return _action("authorise", return_id, body, request, db, principal)


@router.post("/returns/{return_id}/reject", response_model=ReturnRead)
def reject_return(
    return_id: str, request: Request, db: DbDep, principal: OrdersWriteWhole,
    body: ReturnAction | None = None,
) -> JSONResponse:  # fmt: skip
    return _action("reject", return_id, body, request, db, principal)


@router.post("/returns/{return_id}/cancel", response_model=ReturnRead)
def cancel_return(
    return_id: str, request: Request, db: DbDep, principal: OrdersWriteWhole,
    body: ReturnAction | None = None,
) -> JSONResponse:  # fmt: skip
    """Withdraw a return that has not arrived yet."""
    return _action("cancel", return_id, body, request, db, principal)


@router.post("/returns/{return_id}/in-transit", response_model=ReturnRead)
def return_in_transit(
    return_id: str, request: Request, db: DbDep, principal: OrdersWriteWhole,
    body: ReturnAction | None = None,
) -> JSONResponse:  # fmt: skip
    """The parcel was handed to the carrier (a carrier scan or the customer says so)."""
    return _action("in_transit", return_id, body, request, db, principal)


@router.post("/returns/{return_id}/close", response_model=ReturnRead)
def close_return(
    return_id: str, request: Request, db: DbDep, principal: OrdersWriteWhole,
    body: ReturnAction | None = None,
) -> JSONResponse:  # fmt: skip
    return _action("close", return_id, body, request, db, principal)


@router.post("/returns/{return_id}/label", response_model=ReturnRead)
def issue_label(
    return_id: str, request: Request, db: DbDep, principal: OrdersWriteWhole
) -> JSONResponse:
    """A return label with a tracking number; the PDF is at ``label_url``."""

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        return return_view(service.issue_label(uow, return_id))

    return idempotency.create(
        request, db, principal, None, use_case, status_code=200, headers=_headers
    )


@router.get("/returns/{return_id}/label.pdf", response_class=Response)
def label(return_id: str, db: DbDep, principal: OrdersRead) -> Response:
    def query(uow: UnitOfWork) -> bytes:
        _visible(uow, principal, service.get_return(uow, return_id))
        return label_pdf(uow, return_id)

    pdf = db.run(principal.actor, query, read_only=True)
    return Response(pdf, media_type="application/pdf")


@router.post("/returns/{return_id}/receive", response_model=ReturnRead)
def receive_return(
    return_id: str, body: ReceiveIn, request: Request, db: DbDep, principal: FulfillmentWrite
) -> JSONResponse:
    """The items arrived at a location (a restricted key: one of its own). Once: a second
    receipt is 409 ``return_not_receivable``."""

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        location = refs.location_id(uow, body.location)
        principal.require_location(location)
        return return_view(service.receive(uow, return_id, location, body.lines, body.note))

    return idempotency.create(
        request, db, principal, body, use_case, status_code=200, headers=_headers
    )


@router.post("/returns/{return_id}/inspect", response_model=ReturnRead)
def inspect_return(
    return_id: str, body: InspectIn, request: Request, db: DbDep, principal: FulfillmentWrite
) -> JSONResponse:
    """Each received unit's disposition: restock, damaged, return_to_vendor or destroy."""

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        ret = service.get_return(uow, return_id)
        if ret.location_id:
            principal.require_location(ret.location_id)
        decisions = [d.Disposition(x.line, x.disposition, x.quantity) for x in body.lines]
        return return_view(service.inspect(uow, return_id, decisions))

    return idempotency.create(
        request, db, principal, body, use_case, status_code=200, headers=_headers
    )


@router.post("/orders/{order_id}/refunds", status_code=201, response_model=RefundRead)
def create_refund(
    order_id: str, body: RefundCreate, request: Request, db: DbDep, principal: OrdersWriteWhole
) -> JSONResponse:
    """Give money back against the order's payments (with or without a return): lines,
    shipping, a restocking fee, a goodwill adjustment. 422 ``refund_exceeds_paid``."""

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        decision = refunds.RefundDecision(
            reason=body.reason,
            lines=[refunds.RefundLine(x.line, x.quantity) for x in body.lines],
            shipping=body.shipping,
            fee=body.fee,
            adjustment=body.adjustment,
            return_id=body.return_id,
        )
        refund_id = refunds.issue_refund(uow, order_id, decision)["id"]
        view: dict[str, Any] = {}
        # after the handlers: the credit notes and their tax are on the refund by then
        uow.before_commit(lambda: view.update(refund_view(refunds.get_refund(uow, refund_id))))
        return view

    return idempotency.create(request, db, principal, body, use_case)


@router.get("/orders/{order_id}/refunds", response_model=Page[RefundRead])
def order_refunds(order_id: str, db: DbDep, principal: OrdersRead) -> Page[RefundRead]:
    def query(uow: UnitOfWork) -> list[RefundRead]:
        visibility.require_order(uow, principal, order_id)
        return [RefundRead(**refund_view(r)) for r in refunds.for_order(uow, order_id)]

    return Page[RefundRead](items=db.run(principal.actor, query, read_only=True))
