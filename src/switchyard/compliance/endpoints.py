from __future__ import annotations

import zlib
from typing import Annotated, Any, ClassVar

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from switchyard.api import idempotency
from switchyard.api.deps import ComplianceRead, ComplianceWrite, DbDep
from switchyard.api.etag import expected_version, set_etag
from switchyard.api.pagination import Cursor, Limit, Page, decode_cursor, page_of
from switchyard.compliance import party_list, service
from switchyard.compliance.repository import ComplianceRepository
from switchyard.compliance.schemas import (
    ComplianceSettingsRead,
    ComplianceSettingsUpdate,
    DeniedPartyRead,
    EmbargoCreate,
    EmbargoRead,
    EmbargoUpdate,
    PartyListLoaded,
    PartyListRead,
    ScreeningRead,
)
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.errors import SwitchyardError, ValidationFailed

router = APIRouter(prefix="/compliance", tags=["compliance"])

MAX_CSV_BYTES = 64 * 1024 * 1024  # after gzip decompression
CSV_TYPES = ("text/csv", "application/csv", "text/plain", "application/octet-stream")


class UnsupportedMediaType(SwitchyardError):
    status: ClassVar[int] = 415
    title: ClassVar[str] = "Unsupported media type"


class TooLarge(SwitchyardError):
    status: ClassVar[int] = 413
    title: ClassVar[str] = "Payload too large"


def _csv_body(request: Request, body: bytes) -> bytes:
    content_type = request.headers.get("content-type", "text/csv").split(";")[0].strip().lower()
    if content_type not in CSV_TYPES:
        raise UnsupportedMediaType(
            "unsupported_media_type",
            f"send the CSV file itself as the body with Content-Type text/csv, not {content_type}",
        )
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding == "identity":
        return body
    if encoding != "gzip":
        raise UnsupportedMediaType("unsupported_content_encoding", "use gzip or no encoding")
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, MAX_CSV_BYTES + 1)
    except zlib.error as exc:
        raise ValidationFailed("invalid_gzip", f"the body is not valid gzip: {exc}") from exc
    if len(data) > MAX_CSV_BYTES or inflater.unconsumed_tail:
        raise TooLarge("payload_too_large", f"the CSV may be at most {MAX_CSV_BYTES} bytes")
    if not inflater.eof:
        raise ValidationFailed("invalid_gzip", "the gzip stream is truncated")
    return data


@router.put("/denied-party-list", response_model=PartyListLoaded)
async def load_party_list(
    request: Request,
    db: DbDep,
    principal: ComplianceWrite,
    allow_empty: Annotated[bool, Query(description="accept a file with no parties")] = False,
) -> dict[str, Any]:
    """Replace the restricted-party list with a CSV in the US Consolidated Screening List
    layout (the body is the file; ``Content-Encoding: gzip`` for large files)."""
    content = _csv_body(request, await request.body())
    return await run_in_threadpool(
        db.run,
        principal.actor,
        lambda uow: party_list.load_party_list(uow, content, allow_empty=allow_empty),
    )


@router.get("/denied-party-list", response_model=PartyListRead)
def party_list_info(db: DbDep, principal: ComplianceRead) -> dict[str, Any]:
    return db.run(principal.actor, party_list.party_list_info, read_only=True)


@router.get("/denied-party-list/entries", response_model=Page[DeniedPartyRead])
def list_parties(
    db: DbDep,
    principal: ComplianceRead,
    limit: Limit = 50,
    cursor: Cursor = None,
    source: str | None = None,
    name: Annotated[str | None, Query(max_length=200, description="part of the name")] = None,
) -> Page[DeniedPartyRead]:
    after = decode_cursor(cursor)
    rows = db.run(
        principal.actor,
        lambda uow: uow.repo(ComplianceRepository).party_page(
            source=source, name=name, after_id=after[0] if after else None, limit=limit
        ),
        read_only=True,
    )
    return page_of([DeniedPartyRead(**r) for r in rows], limit, lambda p: [p.id])


@router.get("/denied-party-list/screen", response_model=ScreeningRead)
def screen(
    db: DbDep,
    principal: ComplianceRead,
    name: Annotated[str, Query(min_length=1, max_length=300)],
    threshold: Annotated[float | None, Query(ge=0, le=100)] = None,
) -> dict[str, Any]:
    """How order validation would screen this name against the loaded list."""
    return db.run(
        principal.actor, lambda uow: party_list.screen_name(uow, name, threshold), read_only=True
    )


@router.get("/settings", response_model=ComplianceSettingsRead)
def get_settings(response: Response, db: DbDep, principal: ComplianceRead) -> dict[str, Any]:
    settings = db.run(principal.actor, service.get_settings, read_only=True)
    set_etag(response, settings["version"])
    return settings


@router.patch("/settings", response_model=ComplianceSettingsRead)
def update_settings(
    body: ComplianceSettingsUpdate,
    request: Request,
    response: Response,
    db: DbDep,
    principal: ComplianceWrite,
) -> dict[str, Any]:
    version = expected_version(request, body.version)
    changes = body.model_dump(exclude_unset=True, exclude_none=True, exclude={"version"})
    settings = db.run(principal.actor, lambda uow: service.update_settings(uow, changes, version))
    set_etag(response, settings["version"])
    return settings


@router.post("/embargoes", status_code=201, response_model=EmbargoRead)
def add_embargo(
    body: EmbargoCreate, request: Request, db: DbDep, principal: ComplianceWrite
) -> JSONResponse:
    def use_case(uow: UnitOfWork) -> EmbargoRead:
        return EmbargoRead(**service.add_embargo(uow, body.model_dump()))

    return idempotency.create(
        request, db, principal, body, use_case, headers=lambda r: {"ETag": f'"{r["version"]}"'}
    )


@router.get("/embargoes", response_model=Page[EmbargoRead])
def list_embargoes(
    db: DbDep, principal: ComplianceRead, limit: Limit = 50, cursor: Cursor = None
) -> Page[EmbargoRead]:
    after = decode_cursor(cursor)
    rows = db.run(
        principal.actor,
        lambda uow: uow.repo(ComplianceRepository).embargo_page(
            after_id=after[0] if after else None, limit=limit
        ),
        read_only=True,
    )
    return page_of([EmbargoRead(**r) for r in rows], limit, lambda e: [e.id])


@router.get("/embargoes/{country_code}", response_model=EmbargoRead)
def get_embargo(
    country_code: str, response: Response, db: DbDep, principal: ComplianceRead
) -> dict[str, Any]:
    row = db.run(
        principal.actor, lambda uow: service.get_embargo(uow, country_code), read_only=True
    )
    set_etag(response, row["version"])
    return row


@router.patch("/embargoes/{country_code}", response_model=EmbargoRead)
def update_embargo(
    country_code: str,
    body: EmbargoUpdate,
    request: Request,
    response: Response,
    db: DbDep,
    principal: ComplianceWrite,
) -> dict[str, Any]:
    version = expected_version(request, body.version)
    changes = body.model_dump(exclude_unset=True, exclude_none=True, exclude={"version"})
    row = db.run(
        principal.actor,
        lambda uow: service.update_embargo(uow, country_code, changes, version),
    )
    set_etag(response, row["version"])
    return row


@router.delete("/embargoes/{country_code}", status_code=204)
def remove_embargo(
    country_code: str, request: Request, db: DbDep, principal: ComplianceWrite
) -> Response:
    version = expected_version(request)
    db.run(principal.actor, lambda uow: service.remove_embargo(uow, country_code, version))
    return Response(status_code=204)
