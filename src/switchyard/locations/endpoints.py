from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from switchyard.api import idempotency
from switchyard.api.deps import DbDep, LocationsRead, LocationsWrite
from switchyard.api.etag import expected_version, set_etag
from switchyard.api.filters import check_choice, choice_of
from switchyard.api.pagination import Cursor, Limit, Page, decode_cursor, page_of
from switchyard.db.uow import UnitOfWork
from switchyard.locations import service
from switchyard.locations.domain import LOCATION_TYPES
from switchyard.locations.repository import LocationRepository
from switchyard.locations.schemas import LocationCreate, LocationRead, LocationUpdate

router = APIRouter(prefix="/locations", tags=["locations"])


@router.post("", status_code=201, response_model=LocationRead)
def create_location(
    body: LocationCreate, request: Request, db: DbDep, principal: LocationsWrite
) -> JSONResponse:
    def use_case(uow: UnitOfWork) -> LocationRead:
        return LocationRead(**service.create_location(uow, body.model_dump()))

    return idempotency.create(
        request, db, principal, body, use_case, headers=lambda r: {"ETag": f'"{r["version"]}"'}
    )


@router.get("", response_model=Page[LocationRead])
def list_locations(
    db: DbDep,
    principal: LocationsRead,
    limit: Limit = 50,
    cursor: Cursor = None,
    type: Annotated[str | None, choice_of(LOCATION_TYPES, "location type")] = None,
    active: bool | None = None,
) -> Page[LocationRead]:
    check_choice("type", type, LOCATION_TYPES, "a location type")
    after = decode_cursor(cursor)
    rows = db.run(
        principal.actor,
        lambda uow: uow.repo(LocationRepository).page(
            type_=type, active=active, after_id=after[0] if after else None, limit=limit
        ),
        read_only=True,
    )
    return page_of([LocationRead(**r) for r in rows], limit, lambda loc: [loc.id])


@router.get("/{ref}", response_model=LocationRead)
def get_location(ref: str, response: Response, db: DbDep, principal: LocationsRead) -> LocationRead:
    row = db.run(principal.actor, lambda uow: service.get_location(uow, ref), read_only=True)
    set_etag(response, row["version"])
    return LocationRead(**row)


@router.patch("/{ref}", response_model=LocationRead)
def update_location(
    ref: str,
    body: LocationUpdate,
    request: Request,
    response: Response,
    db: DbDep,
    principal: LocationsWrite,
) -> LocationRead:
    version = expected_version(request, body.version)
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    row = db.run(principal.actor, lambda uow: service.update_location(uow, ref, changes, version))
    set_etag(response, row["version"])
    return LocationRead(**row)
