"""Imports over HTTP: a file or message as the raw body, its status, the acknowledgement."""

from __future__ import annotations

import io
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from starlette.concurrency import run_in_threadpool

from switchyard.api.deps import DbDep, OrdersReadWhole, OrdersWriteWhole
from switchyard.db.uow import UnitOfWork
from switchyard.integrations import pipeline, service
from switchyard.integrations.domain import FORMATS
from switchyard.integrations.schemas import (
    ImportList,
    ImportRead,
    PartnerCreate,
    PartnerRead,
)

router = APIRouter(tags=["imports"])


@router.post("/imports/{format}", status_code=201, response_model=ImportRead)
async def import_orders(
    format: str,
    request: Request,
    db: DbDep,
    principal: OrdersWriteWhole,
    channel: Annotated[str | None, Query(max_length=64)] = None,
    partner: Annotated[str | None, Query(max_length=64)] = None,
    atomic: bool = False,
    filename: Annotated[str | None, Query(max_length=300)] = None,
) -> JSONResponse:
    """Store the body raw, parse it (`csv`, `x12`, `edifact`, `shopify`), place each order
    on its own (``atomic``: all or none). 201 with the outcome; 200 with the earlier
    import when the same bytes came before (nothing placed twice)."""
    service.require_format(format, FORMATS)
    body = await request.body()
    result = await run_in_threadpool(
        pipeline.import_message,
        db,
        principal.actor,
        format_=format,
        source="api",
        open_raw=lambda: io.BytesIO(body),
        filename=filename,
        partner=partner,
        channel=channel,
        atomic=atomic,
    )
    read = ImportRead(**result)
    return JSONResponse(
        read.model_dump(mode="json"),
        status_code=200 if read.duplicate else 201,
        headers={"Location": f"/api/v1/imports/{read.id}"},
    )


@router.get("/imports", response_model=ImportList)
def list_imports(
    db: DbDep,
    principal: OrdersReadWhole,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=40)] = None,
    status: Annotated[str | None, Query(max_length=20)] = None,
) -> ImportList:
    """Newest first."""
    rows = db.run(
        principal.actor, lambda uow: service.messages(uow, limit, cursor, status), read_only=True
    )
    items = [ImportRead(**r) for r in rows]
    return ImportList(items=items, next_cursor=items[-1].id if len(items) == limit else None)


@router.get("/imports/{import_id}", response_model=ImportRead)
def get_import(import_id: str, db: DbDep, principal: OrdersReadWhole) -> ImportRead:
    """The import, its status, errors with positions and each order's outcome."""
    return ImportRead(
        **db.run(principal.actor, lambda uow: service.view(uow, import_id), read_only=True)
    )


@router.get("/imports/{import_id}/acknowledgement", response_class=PlainTextResponse)
def acknowledgement(import_id: str, db: DbDep, principal: OrdersReadWhole) -> PlainTextResponse:
    """The 997 / TA1 (X12) or CONTRL (EDIFACT) for the sender; 404 when there is none."""
    found = db.run(principal.actor, lambda uow: service.message(uow, import_id), read_only=True)
    if not found["acknowledgement"]:
        return PlainTextResponse("no acknowledgement for this import", status_code=404)
    return PlainTextResponse(found["acknowledgement"], media_type="application/edi-x12")


@router.post("/imports/{import_id}/reprocess", response_model=ImportRead)
def reprocess(import_id: str, db: DbDep, principal: OrdersWriteWhole) -> ImportRead:
    """Parse and place again (after a mapping or master data fix): orders already placed
    stay, rejected ones are tried again."""
    db.run(principal.actor, lambda uow: service.message(uow, import_id), read_only=True)
    return ImportRead(**pipeline.process(db, principal.actor, import_id))


@router.post("/integration-partners", status_code=201, response_model=PartnerRead)
def create_partner(body: PartnerCreate, db: DbDep, principal: OrdersWriteWhole) -> PartnerRead:
    """A trading partner or shop: how it is recognised, its channel and settings."""

    def use_case(uow: UnitOfWork) -> PartnerRead:
        return PartnerRead(**service.create_partner(uow, body.model_dump()))

    return db.run(principal.actor, use_case)


@router.get("/integration-partners", response_model=list[PartnerRead])
def list_partners(db: DbDep, principal: OrdersReadWhole) -> list[PartnerRead]:
    rows = db.run(principal.actor, service.partners, read_only=True)
    return [PartnerRead(**r) for r in rows]
