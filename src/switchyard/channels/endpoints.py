from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from switchyard.api import idempotency
from switchyard.api.deps import ChannelsRead, ChannelsWrite, DbDep
from switchyard.api.etag import expected_version, set_etag
from switchyard.api.filters import check_choice, choice_of
from switchyard.api.pagination import Cursor, Limit, Page, decode_cursor, page_of
from switchyard.channels import service
from switchyard.channels.domain import CHANNEL_TYPES
from switchyard.channels.repository import ChannelRepository
from switchyard.channels.schemas import ChannelCreate, ChannelRead, ChannelUpdate
from switchyard.db.uow import UnitOfWork

router = APIRouter(prefix="/channels", tags=["channels"])


@router.post("", status_code=201, response_model=ChannelRead)
def create_channel(
    body: ChannelCreate, request: Request, db: DbDep, principal: ChannelsWrite
) -> JSONResponse:
    def use_case(uow: UnitOfWork) -> ChannelRead:
        return ChannelRead(**service.create_channel(uow, body.model_dump()))

    return idempotency.create(
        request, db, principal, body, use_case, headers=lambda r: {"ETag": f'"{r["version"]}"'}
    )


@router.get("", response_model=Page[ChannelRead])
def list_channels(
    db: DbDep,
    principal: ChannelsRead,
    limit: Limit = 50,
    cursor: Cursor = None,
    type: Annotated[str | None, choice_of(CHANNEL_TYPES, "channel type")] = None,
) -> Page[ChannelRead]:
    check_choice("type", type, CHANNEL_TYPES, "a channel type")
    after = decode_cursor(cursor)

    def query(uow: UnitOfWork) -> list[ChannelRead]:
        repo = uow.repo(ChannelRepository)
        rows = repo.page(type_=type, after_id=after[0] if after else None, limit=limit)
        return [ChannelRead(**r, location_ids=repo.location_ids(r["id"])) for r in rows]

    items = db.run(principal.actor, query, read_only=True)
    return page_of(items, limit, lambda c: [c.id])


@router.get("/{ref}", response_model=ChannelRead)
def get_channel(ref: str, response: Response, db: DbDep, principal: ChannelsRead) -> ChannelRead:
    row = db.run(principal.actor, lambda uow: service.get_channel(uow, ref), read_only=True)
    set_etag(response, row["version"])
    return ChannelRead(**row)


@router.patch("/{ref}", response_model=ChannelRead)
def update_channel(
    ref: str,
    body: ChannelUpdate,
    request: Request,
    response: Response,
    db: DbDep,
    principal: ChannelsWrite,
) -> ChannelRead:
    version = expected_version(request, body.version)
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    row = db.run(principal.actor, lambda uow: service.update_channel(uow, ref, changes, version))
    set_etag(response, row["version"])
    return ChannelRead(**row)
