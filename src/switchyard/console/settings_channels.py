"""``/console/settings/channels``: list, create, detail and the fields the API lets one
change (``POST``/``PATCH /channels``), checked by the same schemas and use cases; the
version read with the page guards against lost updates."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from switchyard.channels import service as channels
from switchyard.channels.domain import BACKORDER_POLICIES, CHANNEL_TYPES
from switchyard.channels.repository import ChannelRepository
from switchyard.channels.schemas import ChannelCreate, ChannelUpdate
from switchyard.console.routing import ConsoleRoute
from switchyard.console.settings_forms import (
    PAGE_SIZE,
    after_id,
    flash,
    json_value,
    listing,
    parse,
    pretty,
    text,
    version,
    words_list,
)
from switchyard.console.web import FormErrors, Staff, allowed, redirect, render, require, run
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.errors import SwitchyardError
from switchyard.locations.repository import LocationRepository

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)


def _choices(values: frozenset[str]) -> list[tuple[str, str]]:
    return [(v, v.replace("_", " ")) for v in sorted(values)]


def _codes(uow: UnitOfWork, ids: list[str]) -> list[str]:
    repo = uow.repo(LocationRepository)
    return [(row or {}).get("code", i) for i, row in ((i, repo.get(i)) for i in ids)]


async def _channel_list(
    request: Request, staff: Staff, status: int = 200, **context: Any
) -> Response:
    after = after_id(request)
    rows = await run(
        request,
        staff,
        lambda uow: uow.repo(ChannelRepository).page(
            type_=None, after_id=after, limit=PAGE_SIZE + 1
        ),
        read_only=True,
    )
    context.setdefault("values", {"type": "web", "currency": "EUR", "backorder_policy": "deny"})
    return render(
        request,
        "settings/channels.html",
        status=status,
        channels=listing(rows),
        types=_choices(CHANNEL_TYPES),
        policies=_choices(BACKORDER_POLICIES),
        can_edit=allowed(staff, "channels:write"),
        **context,
    )


@router.get("/settings/channels")
async def channel_list(request: Request, staff: Staff) -> Response:
    require(staff, "channels:read")
    return await _channel_list(request, staff)


@router.post("/settings/channels")
async def create_channel(request: Request, staff: Staff) -> Response:
    require(staff, "channels:write")
    form = await request.form()
    fields = ("code", "name", "type", "currency", "backorder_policy", "location_ids")
    values = {k: text(form, k, 2000) for k in fields}

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        body = parse(
            ChannelCreate,
            {
                **{k: values[k] for k in ("code", "name", "type", "backorder_policy")},
                "currency": values["currency"].upper(),
                "location_ids": words_list(form, "location_ids") or None,
            },
        )
        return channels.create_channel(uow, body.model_dump())

    try:
        row = await run(request, staff, use_case)
    except SwitchyardError as exc:
        return await _channel_list(
            request, staff, exc.status, values=values, errors=FormErrors.of(exc)
        )
    return redirect(request, f"/console/settings/channels/{row['code']}?done=created")


def _channel(uow: UnitOfWork, ref: str) -> dict[str, Any]:
    row = channels.get_channel(uow, ref)
    return {**row, "location_codes": _codes(uow, row["location_ids"])}


def _channel_page(
    request: Request,
    staff: Staff,
    row: dict[str, Any],
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> Response:
    current = {
        **{k: row[k] for k in ("name", "type", "currency", "backorder_policy", "version")},
        "settings": pretty(row["settings"]),
        "location_ids": ", ".join(row["location_codes"]),
    }
    return render(
        request,
        "settings/channel.html",
        status=status,
        channel=row,
        values=values or current,
        errors=errors,
        types=_choices(CHANNEL_TYPES),
        policies=_choices(BACKORDER_POLICIES),
        can_edit=allowed(staff, "channels:write"),
        flash=flash(request),
    )


@router.get("/settings/channels/{ref}")
async def channel(request: Request, staff: Staff, ref: str) -> Response:
    require(staff, "channels:read")
    row = await run(request, staff, lambda uow: _channel(uow, ref), read_only=True)
    return _channel_page(request, staff, row)


@router.post("/settings/channels/{ref}")
async def edit_channel(request: Request, staff: Staff, ref: str) -> Response:
    require(staff, "channels:write")
    form = await request.form()
    values = {
        k: text(form, k) for k in ("name", "type", "currency", "backorder_policy", "settings")
    }
    values["location_ids"] = text(form, "location_ids")
    values["version"] = text(form, "version", 20)

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        body = parse(
            ChannelUpdate,
            {
                **{k: values[k] for k in ("name", "type", "backorder_policy")},
                "currency": values["currency"].upper(),
                "settings": json_value(form, "settings", default={}),
                "location_ids": words_list(form, "location_ids"),
                "version": version(form),
            },
        )
        changes = body.model_dump(exclude_unset=True, exclude={"version"})
        return channels.update_channel(uow, ref, changes, body.version)

    try:
        await run(request, staff, use_case)
    except SwitchyardError as exc:
        row = await run(request, staff, lambda uow: _channel(uow, ref), read_only=True)
        return _channel_page(request, staff, row, values, FormErrors.of(exc), exc.status)
    return redirect(request, f"/console/settings/channels/{ref}?done=saved")
