"""Invoices API: an order's invoices and credit notes, one as JSON, or as a PDF."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from switchyard.api.deps import DbDep, PaymentsRead
from switchyard.api.pagination import Cursor, Limit, Page, decode_cursor, page_of
from switchyard.auth.domain import Principal
from switchyard.db.uow import Database, UnitOfWork
from switchyard.invoicing import service
from switchyard.invoicing.pdf import render_invoice_pdf
from switchyard.invoicing.read_model import invoice_view
from switchyard.invoicing.repository import InvoiceRepository
from switchyard.invoicing.schemas import InvoiceRead
from switchyard.orders import visibility
from switchyard.orders.service import load_order

router = APIRouter(tags=["invoices"])


@router.get("/orders/{order_id}/invoices", response_model=Page[InvoiceRead])
def order_invoices(
    order_id: str, db: DbDep, principal: PaymentsRead, limit: Limit = 50, cursor: Cursor = None
) -> Page[InvoiceRead]:
    """The order's invoices and credit notes, oldest first."""
    after = decode_cursor(cursor)

    def query(uow: UnitOfWork) -> list[InvoiceRead]:
        visibility.require_order(uow, principal, order_id)
        load_order(uow, order_id)
        found = uow.repo(InvoiceRepository).for_order(
            order_id, after_id=after[0] if after else None, limit=limit + 1
        )
        return [InvoiceRead(**invoice_view(i)) for i in found]

    return page_of(db.run(principal.actor, query, read_only=True), limit, lambda i: [i.id])


def _view(db: Database, principal: Principal, invoice_ref: str) -> dict[str, Any]:
    def query(uow: UnitOfWork) -> dict[str, Any]:
        invoice = service.get_invoice(uow, invoice_ref)
        visibility.require_order(uow, principal, invoice.order_id, "invoice", invoice_ref)
        return invoice_view(invoice)

    return db.run(principal.actor, query, read_only=True)


@router.get(
    "/invoices/{invoice_ref}.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "the invoice as PDF"}},
)
def invoice_pdf(invoice_ref: str, db: DbDep, principal: PaymentsRead) -> Response:
    """The invoice or credit note as an A4 PDF (by id or number)."""
    view = _view(db, principal, invoice_ref)
    return Response(
        render_invoice_pdf(view),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{view["number"]}.pdf"'},
    )


@router.get("/invoices/{invoice_ref}", response_model=InvoiceRead)
def get_invoice(invoice_ref: str, db: DbDep, principal: PaymentsRead) -> InvoiceRead:
    """One invoice or credit note, by id or number."""
    return InvoiceRead(**_view(db, principal, invoice_ref))
