"""Draft orders over HTTP: create, read, list, edit (``If-Match``), discard, place."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from switchyard.api import idempotency
from switchyard.api.deps import DbDep, OrdersReadWhole, OrdersWrite
from switchyard.api.etag import expected_version, set_etag
from switchyard.api.filters import check_choice, choice_of
from switchyard.api.pagination import Cursor, Limit, Page, decode_cursor, page_of
from switchyard.channels.repository import ChannelRepository
from switchyard.db.uow import UnitOfWork
from switchyard.orders import drafts
from switchyard.orders.draft_repository import DraftRepository
from switchyard.orders.draft_schemas import DraftCreate, DraftPlace, DraftRead, DraftUpdate
from switchyard.orders.endpoints import created_headers
from switchyard.orders.read_model import full_view
from switchyard.orders.schemas import OrderCreated
from switchyard.orders.staff import acting

router = APIRouter(prefix="/draft-orders", tags=["draft orders"])


def _read(row: dict[str, Any]) -> DraftRead:
    return DraftRead(**{k: row[k] for k in DraftRead.model_fields})


def _headers(result: dict[str, Any]) -> dict[str, str]:
    return {"ETag": f'"{result["version"]}"', "Location": f"/api/v1/draft-orders/{result['id']}"}


@router.post("", status_code=201, response_model=DraftRead)
def create_draft(
    body: DraftCreate, request: Request, db: DbDep, principal: OrdersWrite
) -> JSONResponse:
    """Start a draft; only ``channel`` is required. Honours ``Idempotency-Key``."""
    content = body.model_dump(mode="json", exclude={"channel"})

    def use_case(uow: UnitOfWork) -> DraftRead:
        return _read(drafts.create_draft(uow, body.channel, content))

    who = acting(request, principal)
    return idempotency.create(request, db, who, body, use_case, headers=_headers)


@router.get("", response_model=Page[DraftRead])
def list_drafts(
    db: DbDep,
    principal: OrdersReadWhole,
    limit: Limit = 50,
    cursor: Cursor = None,
    status: Annotated[str | None, choice_of(drafts.DRAFT_STATUSES, "draft status")] = None,
    channel: str | None = None,
) -> Page[DraftRead]:
    """Newest first."""
    check_choice("status", status, drafts.DRAFT_STATUSES, "a draft status")
    before = decode_cursor(cursor)

    def query(uow: UnitOfWork) -> list[DraftRead]:
        channel_id = None
        if channel is not None:
            found = uow.repo(ChannelRepository).get(channel)
            if found is None:
                return []
            channel_id = found["id"]
        rows = uow.repo(DraftRepository).page(
            status=status,
            channel_id=channel_id,
            before_id=before[0] if before else None,
            limit=limit,
        )
        return [_read(r) for r in rows]

    return page_of(db.run(principal.actor, query, read_only=True), limit, lambda d: [d.id])


@router.get("/{draft_id}", response_model=DraftRead)
def get_draft(
    draft_id: str, response: Response, db: DbDep, principal: OrdersReadWhole
) -> DraftRead:
    row = db.run(principal.actor, lambda uow: drafts.get_draft(uow, draft_id), read_only=True)
    set_etag(response, row["version"])
    return _read(row)


@router.patch("/{draft_id}", response_model=DraftRead)
def update_draft(
    draft_id: str,
    body: DraftUpdate,
    request: Request,
    response: Response,
    db: DbDep,
    principal: OrdersWrite,
) -> DraftRead:
    """Replace the fields sent (``lines`` replaces every line)."""
    version = expected_version(request, body.version)
    changes = body.model_dump(mode="json", exclude_unset=True, exclude={"version"})
    row = db.run(
        acting(request, principal).actor,
        lambda uow: drafts.update_draft(uow, draft_id, changes, version),
    )
    set_etag(response, row["version"])
    return _read(row)


@router.delete("/{draft_id}", status_code=204)
def discard_draft(draft_id: str, request: Request, db: DbDep, principal: OrdersWrite) -> Response:
    version = expected_version(request)
    db.run(
        acting(request, principal).actor,
        lambda uow: drafts.discard_draft(uow, draft_id, version),
    )
    return Response(status_code=204)


@router.post("/{draft_id}/place", status_code=201, response_model=OrderCreated)
def place_draft(
    draft_id: str,
    request: Request,
    db: DbDep,
    principal: OrdersWrite,
    body: DraftPlace | None = None,
) -> JSONResponse:
    """Validate and place the draft as an order (exactly once: placing it again is 409
    ``draft_already_placed``). The order's ``external_id`` is the one sent here, else the
    draft's, else the draft id; one the channel already sent is 409 ``order_exists``.
    Honours ``Idempotency-Key``."""
    body = body or DraftPlace()
    version = expected_version(request, body.version)

    def use_case(uow: UnitOfWork) -> OrderCreated:
        order = drafts.place_draft(uow, draft_id, version, body.external_id)
        view = full_view(uow, order, placed_now=True)
        return OrderCreated(**view, tracking_token=order.tracking_token)

    who = acting(request, principal)
    return idempotency.create(request, db, who, body, use_case, headers=created_headers)
