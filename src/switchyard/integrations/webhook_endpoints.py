"""Shopify's order webhooks, outside /api/v1 and without an API key: the request is
authenticated by its ``X-Shopify-Hmac-Sha256`` signature under the partner's secret."""

from __future__ import annotations

import io
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from switchyard.api.deps import DbDep
from switchyard.api.problems import PROBLEM_JSON
from switchyard.integrations import pipeline, service, shopify
from switchyard.integrations.schemas import ImportRead
from switchyard.kernel.errors import Unauthorized
from switchyard.kernel.events import Actor

router = APIRouter(tags=["imports"])


_BAD_SIGNATURE: dict[int | str, dict[str, Any]] = {
    401: {
        "description": "The signature does not match the partner's secret "
        "(`invalid_signature`); nothing is stored.",
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
}


@router.post(
    "/integrations/shopify/{partner}/orders", response_model=ImportRead, responses=_BAD_SIGNATURE
)
async def shopify_order(
    partner: str,
    request: Request,
    db: DbDep,
    x_shopify_hmac_sha256: Annotated[str | None, Header()] = None,
) -> JSONResponse:
    """orders/create (and orders/updated: a known order id is a duplicate) from the shop
    configured as partner ``partner``; 401 ``invalid_signature`` and nothing stored when
    the HMAC does not match."""
    body = await request.body()
    actor = Actor.system(f"shopify:{partner[:40]}")
    found = await run_in_threadpool(
        db.run, actor, lambda uow: service.partner_by_code(uow, partner, "shopify"), read_only=True
    )
    secret = str((found or {}).get("settings", {}).get("secret", ""))
    if found is None or not shopify.verify(body, secret, x_shopify_hmac_sha256):
        raise Unauthorized("invalid_signature", "the X-Shopify-Hmac-Sha256 signature is not valid")
    result = await run_in_threadpool(
        pipeline.import_message,
        db,
        actor,
        format_="shopify",
        source="webhook",
        open_raw=lambda: io.BytesIO(body),
        partner=found["code"],
    )
    read = ImportRead(**result)
    return JSONResponse(read.model_dump(mode="json"), status_code=200)
