"""Payments API: authorize on an order, then capture, refund or void by payment id."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from switchyard.api import idempotency
from switchyard.api.deps import DbDep, PaymentsRead, PaymentsWrite
from switchyard.api.etag import expected_version, set_etag
from switchyard.api.pagination import Cursor, Limit, Page, decode_cursor, page_of
from switchyard.auth.domain import Principal
from switchyard.db.uow import Database, UnitOfWork
from switchyard.orders import visibility
from switchyard.orders.service import load_order
from switchyard.payments import service
from switchyard.payments.domain import TxKind
from switchyard.payments.read_model import payment_views
from switchyard.payments.repository import PaymentRepository
from switchyard.payments.schemas import PaymentAction, PaymentCreate, PaymentRead

router = APIRouter(tags=["payments"])


def _headers(view: dict[str, Any]) -> dict[str, str]:
    return {"ETag": f'"{view["version"]}"', "Location": f"/api/v1/payments/{view['id']}"}


@router.post("/orders/{order_id}/payments", status_code=201, response_model=PaymentRead)
def authorize_payment(
    order_id: str, body: PaymentCreate, request: Request, db: DbDep, principal: PaymentsWrite
) -> JSONResponse:
    """Record an authorization, a pay-on-invoice promise or a PSP's result for an order."""

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        return payment_views(uow, [service.authorize(uow, order_id, body)])[0]

    return idempotency.create(request, db, principal, body, use_case, headers=_headers)


@router.get("/orders/{order_id}/payments", response_model=Page[PaymentRead])
def order_payments(
    order_id: str, db: DbDep, principal: PaymentsRead, limit: Limit = 50, cursor: Cursor = None
) -> Page[PaymentRead]:
    after = decode_cursor(cursor)

    def query(uow: UnitOfWork) -> list[PaymentRead]:
        visibility.require_order(uow, principal, order_id)
        load_order(uow, order_id)
        found = uow.repo(PaymentRepository).for_order(
            order_id, after_id=after[0] if after else None, limit=limit + 1
        )
        return [PaymentRead(**v) for v in payment_views(uow, found)]

    return page_of(db.run(principal.actor, query, read_only=True), limit, lambda p: [p.id])


@router.get("/payments/{payment_id}", response_model=PaymentRead)
def get_payment(
    payment_id: str, response: Response, db: DbDep, principal: PaymentsRead
) -> PaymentRead:
    def query(uow: UnitOfWork) -> dict[str, Any]:
        payment = service.get_payment(uow, payment_id)
        visibility.require_order(uow, principal, payment.order_id, "payment", payment_id)
        return payment_views(uow, [payment])[0]

    view = db.run(principal.actor, query, read_only=True)
    set_etag(response, view["version"])
    return PaymentRead(**view)


def _act(
    kind: str,
    payment_id: str,
    body: PaymentAction | None,
    request: Request,
    db: Database,
    principal: Principal,
) -> JSONResponse:
    action = body or PaymentAction()
    version = expected_version(request, action.version)

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        payment = service.record(
            uow, payment_id, kind, action.amount, action.reference, version, action.reason
        )
        return payment_views(uow, [payment])[0]

    return idempotency.create(
        request, db, principal, action, use_case, status_code=200, headers=_headers
    )


@router.post("/payments/{payment_id}/capture", response_model=PaymentRead)
def capture_payment(
    payment_id: str,
    request: Request,
    db: DbDep,
    principal: PaymentsWrite,
    body: PaymentAction | None = None,
) -> JSONResponse:
    """Take money from the authorization (for pay on invoice: record the money received)."""
    return _act(TxKind.CAPTURE, payment_id, body, request, db, principal)


@router.post("/payments/{payment_id}/refund", response_model=PaymentRead)
def refund_payment(
    payment_id: str,
    request: Request,
    db: DbDep,
    principal: PaymentsWrite,
    body: PaymentAction | None = None,
) -> JSONResponse:
    """Give captured money back; invoiced amounts get a credit note."""
    return _act(TxKind.REFUND, payment_id, body, request, db, principal)


@router.post("/payments/{payment_id}/void", response_model=PaymentRead)
def void_payment(
    payment_id: str,
    request: Request,
    db: DbDep,
    principal: PaymentsWrite,
    body: PaymentAction | None = None,
) -> JSONResponse:
    """Release what is left of the authorization."""
    return _act(TxKind.VOID, payment_id, body, request, db, principal)
