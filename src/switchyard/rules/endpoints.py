from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from switchyard.api import idempotency
from switchyard.api.deps import DbDep, RulesRead, RulesWrite
from switchyard.api.etag import expected_version, set_etag
from switchyard.api.filters import check_choice, choice_of
from switchyard.api.pagination import Cursor, Limit, Page, decode_cursor, page_of
from switchyard.db.uow import UnitOfWork
from switchyard.orders.validation.company_rules import KINDS
from switchyard.rules import service
from switchyard.rules.repository import RuleRepository
from switchyard.rules.schemas import RuleCreate, RuleRead, RuleUpdate

router = APIRouter(prefix="/rules", tags=["rules"])

NULLABLE = {"hold_type"}  # null resets it to the kind's default


@router.post("", status_code=201, response_model=RuleRead)
def create_rule(
    body: RuleCreate, request: Request, db: DbDep, principal: RulesWrite
) -> JSONResponse:
    def use_case(uow: UnitOfWork) -> RuleRead:
        return RuleRead(**service.create_rule(uow, body.model_dump()))

    return idempotency.create(
        request, db, principal, body, use_case, headers=lambda r: {"ETag": f'"{r["version"]}"'}
    )


@router.get("", response_model=Page[RuleRead])
def list_rules(
    db: DbDep,
    principal: RulesRead,
    limit: Limit = 50,
    cursor: Cursor = None,
    channel: Annotated[
        str | None, Query(description="channel code or id, or 'global' for rules of all")
    ] = None,
    kind: Annotated[str | None, choice_of(KINDS, "rule kind")] = None,
    active: bool | None = None,
) -> Page[RuleRead]:
    check_choice("kind", kind, KINDS, "a rule kind")
    after = decode_cursor(cursor)

    def query(uow: UnitOfWork) -> list[dict[str, Any]]:
        global_only = channel == "global"
        channel_id = None if global_only else service.resolve_channel(uow, channel)
        return uow.repo(RuleRepository).page(
            channel_id=channel_id,
            global_only=global_only,
            kind=kind,
            active=active,
            after_id=after[0] if after else None,
            limit=limit,
        )

    rows = db.run(principal.actor, query, read_only=True)
    return page_of([RuleRead(**r) for r in rows], limit, lambda r: [r.id])


@router.get("/{ref}", response_model=RuleRead)
def get_rule(ref: str, response: Response, db: DbDep, principal: RulesRead) -> dict[str, Any]:
    row = db.run(principal.actor, lambda uow: service.get_rule(uow, ref), read_only=True)
    set_etag(response, row["version"])
    return row


@router.patch("/{ref}", response_model=RuleRead)
def update_rule(
    ref: str,
    body: RuleUpdate,
    request: Request,
    response: Response,
    db: DbDep,
    principal: RulesWrite,
) -> dict[str, Any]:
    version = expected_version(request, body.version)
    changes = {
        k: v
        for k, v in body.model_dump(exclude_unset=True, exclude={"version"}).items()
        if v is not None or k in NULLABLE
    }
    row = db.run(principal.actor, lambda uow: service.update_rule(uow, ref, changes, version))
    set_etag(response, row["version"])
    return row


@router.delete("/{ref}", status_code=204)
def delete_rule(ref: str, request: Request, db: DbDep, principal: RulesWrite) -> Response:
    version = expected_version(request)
    db.run(principal.actor, lambda uow: service.delete_rule(uow, ref, version))
    return Response(status_code=204)
