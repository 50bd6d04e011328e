"""``/console/settings/api-keys``: keys for systems (admin, like ``/api/v1/api-keys``).

The list never shows a secret; a new key's secret is shown once, on the page the
creation's 303 leads to (from the one-time stash: a reload makes no second key and shows
the secret no more). Revoking clears the API's cache of keys, as the API does.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from switchyard.auth.domain import SCOPES
from switchyard.auth.repository import ApiKeyRepository
from switchyard.auth.schemas import ApiKeyCreate
from switchyard.auth.service import create_api_key, revoke_api_key
from switchyard.console import settings_secrets
from switchyard.console.routing import ConsoleRoute
from switchyard.console.settings_forms import flash, parse, text, ticked, words_list
from switchyard.console.web import FormErrors, Staff, redirect, render, require, run
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.errors import SwitchyardError

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)
SCOPE = "admin"
# the API's field names -> the form's
NAMES = {"location_ids": "locations"}
KIND = "api_key"  # what the one-time stash keeps for the page after creating


def _public(row: dict[str, Any]) -> dict[str, Any]:
    """A key as listed: never its hash."""
    return {k: v for k, v in row.items() if k != "key_hash"}


def _page(request: Request, keys: list[dict[str, Any]], **context: Any) -> Response:
    context.setdefault("values", {"scopes": []})
    return render(
        request,
        "settings/api_keys.html",
        keys=[_public(k) for k in keys],
        scopes=sorted(SCOPES),
        flash=flash(request),
        **context,
    )


def _keys(uow: UnitOfWork) -> list[dict[str, Any]]:
    return uow.repo(ApiKeyRepository).list()


@router.get("/settings/api-keys")
async def keys(request: Request, staff: Staff) -> Response:
    require(staff, SCOPE)
    once = await settings_secrets.shown(request, staff, KIND)
    found = await run(request, staff, _keys, read_only=True)
    if "secret" in once:
        return _page(request, found, created=once, secret=once["secret"])
    return _page(request, found, gone=bool(once.get("gone")))


@router.post("/settings/api-keys")
async def create(request: Request, staff: Staff) -> Response:
    require(staff, SCOPE)
    form = await request.form()
    values = {
        "name": text(form, "name", 300),
        "scopes": ticked(form, "scopes"),
        "locations": text(form, "locations", 2000),
    }

    def use_case(uow: UnitOfWork) -> str:
        body = parse(
            ApiKeyCreate,
            {
                "name": values["name"],
                "scopes": values["scopes"],
                "locations": words_list(form, "locations") or None,
            },
        )
        row, raw = create_api_key(uow, body.name, body.scopes, body.restricted_to)
        shown = {"id": row["id"], "name": row["name"], "secret": raw}
        return settings_secrets.keep(uow, staff, KIND, shown)

    try:
        query = await run(request, staff, use_case)
    except SwitchyardError as exc:
        found = await run(request, staff, _keys, read_only=True)
        errors = FormErrors.of(exc, NAMES)
        return _page(request, found, values=values, errors=errors, status=exc.status)
    return redirect(request, f"/console/settings/api-keys?{query}")


@router.post("/settings/api-keys/{key_id}/revoke")
async def revoke(request: Request, staff: Staff, key_id: str) -> Response:
    require(staff, SCOPE)
    await run(request, staff, lambda uow: revoke_api_key(uow, key_id))
    request.app.state.principals.clear()
    return redirect(request, "/console/settings/api-keys?done=key_revoked")
