"""HTTP for expected supply: purchase orders (with ETA) and transfers between locations."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from switchyard.api import idempotency
from switchyard.api.deps import DbDep, InventoryRead, InventoryWrite, InventoryWriteWhole
from switchyard.api.etag import expected_version, set_etag
from switchyard.api.filters import check_choice, choice_of
from switchyard.api.pagination import Cursor, Limit, Page, decode_cursor, page_of
from switchyard.auth.domain import Principal
from switchyard.db.uow import UnitOfWork
from switchyard.inventory import refs, supply, transfers
from switchyard.inventory.domain import PURCHASE_ORDER_STATUSES, TRANSFER_STATUSES
from switchyard.inventory.schemas import (
    LineIn,
    PurchaseOrderCreate,
    PurchaseOrderRead,
    PurchaseOrderUpdate,
    ReceiveLines,
    TransferCreate,
    TransferRead,
)
from switchyard.inventory.supply_repository import SupplyRepository
from switchyard.inventory.tables import purchase_order_lines, transfer_lines

router = APIRouter(prefix="/inventory", tags=["inventory supply"])


def _lines(uow: UnitOfWork, lines: list[LineIn] | None) -> list[tuple[str, int]] | None:
    if lines is None:
        return None
    ids = refs.sku_ids(uow, [ln.sku for ln in lines], "lines.{i}.sku")
    return list(zip(ids, [ln.quantity for ln in lines], strict=True))


def _location(uow: UnitOfWork, principal: Principal, ref: str, field: str) -> str:
    location_id = refs.location_id(uow, ref, field)
    principal.require_location(location_id)
    return location_id


@router.post("/transfers", status_code=201, response_model=TransferRead)
def create_transfer(
    body: TransferCreate, request: Request, db: DbDep, principal: InventoryWrite
) -> JSONResponse:
    """Ship stock to another location; it is in transit until received there."""

    def use_case(uow: UnitOfWork) -> TransferRead:
        source = _location(uow, principal, body.from_location, "from_location")
        target = refs.location_id(uow, body.to_location, "to_location")
        lines = _lines(uow, body.lines) or []
        row = transfers.create_transfer(
            uow, source, target, lines, eta=body.eta, reference=body.reference
        )
        return TransferRead(**row)

    return idempotency.create(request, db, principal, body, use_case)


@router.get("/transfers", response_model=Page[TransferRead])
def list_transfers(
    db: DbDep,
    principal: InventoryRead,
    limit: Limit = 50,
    cursor: Cursor = None,
    location: str | None = None,
    status: Annotated[str | None, choice_of(TRANSFER_STATUSES, "transfer status")] = None,
) -> Page[TransferRead]:
    check_choice("status", status, TRANSFER_STATUSES, "a transfer status")
    after = decode_cursor(cursor)

    def query(uow: UnitOfWork) -> list[TransferRead]:
        repo = uow.repo(SupplyRepository)
        rows = repo.transfer_page(
            location_id=refs.location_or_404(uow, location) if location else None,
            status=status,
            after_id=str(after[0]) if after else None,
            limit=limit,
        )
        lines = repo.lines_for(transfer_lines, "transfer_id", [r["id"] for r in rows])
        return [TransferRead.model_validate({**r, "lines": lines[r["id"]]}) for r in rows]

    return page_of(db.run(principal.actor, query, read_only=True), limit, lambda t: [t.id])


@router.get("/transfers/{transfer_id}", response_model=TransferRead)
def get_transfer(transfer_id: str, db: DbDep, principal: InventoryRead) -> TransferRead:
    row = db.run(
        principal.actor, lambda uow: transfers.get_transfer(uow, transfer_id), read_only=True
    )
    return TransferRead(**row)


@router.post("/transfers/{transfer_id}/receive", response_model=TransferRead)
def receive_transfer(
    transfer_id: str, body: ReceiveLines, db: DbDep, principal: InventoryWrite
) -> TransferRead:
    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        found = transfers.get_transfer(uow, transfer_id)
        principal.require_location(found["to_location_id"])
        lines = _lines(uow, body.lines)
        return transfers.receive_transfer(uow, transfer_id, lines, close=body.close)

    return TransferRead(**db.run(principal.actor, use_case))


@router.post("/purchase-orders", status_code=201, response_model=PurchaseOrderRead)
def create_purchase_order(
    body: PurchaseOrderCreate, request: Request, db: DbDep, principal: InventoryWrite
) -> JSONResponse:
    """Expected supply at a location, with an ETA: counts for future availability."""

    def use_case(uow: UnitOfWork) -> PurchaseOrderRead:
        location_id = _location(uow, principal, body.location, "location")
        lines = _lines(uow, body.lines) or []
        row = supply.create_purchase_order(
            uow, location_id, body.reference, body.eta, lines, body.supplier
        )
        return PurchaseOrderRead(**row)

    return idempotency.create(
        request, db, principal, body, use_case, headers=lambda r: {"ETag": f'"{r["version"]}"'}
    )


@router.get("/purchase-orders", response_model=Page[PurchaseOrderRead])
def list_purchase_orders(
    db: DbDep,
    principal: InventoryRead,
    limit: Limit = 50,
    cursor: Cursor = None,
    location: str | None = None,
    status: Annotated[
        str | None, choice_of(PURCHASE_ORDER_STATUSES, "purchase order status")
    ] = None,
) -> Page[PurchaseOrderRead]:
    check_choice("status", status, PURCHASE_ORDER_STATUSES, "a purchase order status")
    after = decode_cursor(cursor)

    def query(uow: UnitOfWork) -> list[PurchaseOrderRead]:
        repo = uow.repo(SupplyRepository)
        rows = repo.po_page(
            location_id=refs.location_or_404(uow, location) if location else None,
            status=status,
            after_id=str(after[0]) if after else None,
            limit=limit,
        )
        lines = repo.lines_for(purchase_order_lines, "purchase_order_id", [r["id"] for r in rows])
        return [PurchaseOrderRead.model_validate({**r, "lines": lines[r["id"]]}) for r in rows]

    return page_of(db.run(principal.actor, query, read_only=True), limit, lambda p: [p.id])


@router.get("/purchase-orders/{ref}", response_model=PurchaseOrderRead)
def get_purchase_order(
    ref: str, response: Response, db: DbDep, principal: InventoryRead
) -> PurchaseOrderRead:
    row = db.run(principal.actor, lambda uow: supply.get_purchase_order(uow, ref), read_only=True)
    set_etag(response, row["version"])
    return PurchaseOrderRead(**row)


@router.patch("/purchase-orders/{ref}", response_model=PurchaseOrderRead)
def update_purchase_order(
    ref: str,
    body: PurchaseOrderUpdate,
    request: Request,
    response: Response,
    db: DbDep,
    principal: InventoryWriteWhole,
) -> PurchaseOrderRead:
    """Move the ETA (If-Match or ``version`` guards against lost updates)."""
    version = expected_version(request, body.version)
    row = db.run(principal.actor, lambda uow: supply.update_eta(uow, ref, body.eta, version))
    set_etag(response, row["version"])
    return PurchaseOrderRead(**row)


@router.post("/purchase-orders/{ref}/receive", response_model=PurchaseOrderRead)
def receive_purchase_order(
    ref: str, body: ReceiveLines, db: DbDep, principal: InventoryWrite
) -> PurchaseOrderRead:
    """Book arrivals: preorders on the PO are served first, then waiting backorders."""

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        principal.require_location(supply.get_purchase_order(uow, ref)["location_id"])
        return supply.receive_purchase_order(uow, ref, _lines(uow, body.lines), close=body.close)

    return PurchaseOrderRead(**db.run(principal.actor, use_case))


@router.post("/purchase-orders/{ref}/cancel", response_model=PurchaseOrderRead)
def cancel_purchase_order(ref: str, db: DbDep, principal: InventoryWrite) -> PurchaseOrderRead:
    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        principal.require_location(supply.get_purchase_order(uow, ref)["location_id"])
        return supply.cancel_purchase_order(uow, ref)

    return PurchaseOrderRead(**db.run(principal.actor, use_case))
