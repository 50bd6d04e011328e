from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from switchyard.api import idempotency
from switchyard.api.deps import Admin, DbDep
from switchyard.auth.repository import ApiKeyRepository
from switchyard.auth.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyRead
from switchyard.auth.service import create_api_key, revoke_api_key
from switchyard.db.uow import UnitOfWork

router = APIRouter(prefix="/api-keys", tags=["auth"])


@router.post("", status_code=201, response_model=ApiKeyCreated)
def create_key(body: ApiKeyCreate, request: Request, db: DbDep, principal: Admin) -> JSONResponse:
    def use_case(uow: UnitOfWork) -> ApiKeyCreated:
        row, raw = create_api_key(uow, body.name, body.scopes, body.restricted_to)
        return ApiKeyCreated(key=raw, **row)

    return idempotency.create(request, db, principal, body, use_case)


@router.get("", response_model=list[ApiKeyRead])
def list_keys(db: DbDep, principal: Admin) -> list[ApiKeyRead]:
    rows = db.run(principal.actor, lambda uow: uow.repo(ApiKeyRepository).list(), read_only=True)
    return [ApiKeyRead(**r) for r in rows]


@router.delete("/{key_id}", status_code=204)
def revoke_key(key_id: str, request: Request, db: DbDep, principal: Admin) -> Response:
    db.run(principal.actor, lambda uow: revoke_api_key(uow, key_id))
    request.app.state.principals.clear()
    return Response(status_code=204)
