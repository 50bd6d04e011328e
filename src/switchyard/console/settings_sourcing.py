"""``/console/settings/sourcing``: sourcing profile versions per channel; view a version,
copy it as a new draft, activate it (``/api/v1/sourcing/profiles``, scope ``sourcing``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from switchyard.channels.repository import ChannelRepository
from switchyard.console.routing import ConsoleRoute
from switchyard.console.settings_forms import (
    PAGE_SIZE,
    after_id,
    checked,
    flash,
    json_value,
    listing,
    number,
    parse,
    pretty,
    text,
    version,
    words_list,
)
from switchyard.console.web import FormErrors, Staff, allowed, redirect, render, require, run
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.errors import SwitchyardError
from switchyard.sourcing import profiles
from switchyard.sourcing.profile import FULFILMENTS, STRATEGIES
from switchyard.sourcing.profile_repository import ProfileRepository
from switchyard.sourcing.schemas import CostModelIn, ProfileCreate, ProfileUpdate

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)
STATUSES = ("draft", "active", "retired")


def _channel_codes(uow: UnitOfWork, ids: set[str]) -> dict[str, str]:
    repo = uow.repo(ChannelRepository)
    found = ((i, repo.get(i)) for i in sorted(ids))
    return {i: row["code"] for i, row in found if row}


@router.get("/settings/sourcing")
async def profile_list(request: Request, staff: Staff) -> Response:
    require(staff, "sourcing:read")
    channel = text(request.query_params, "channel", 64)
    status = text(request.query_params, "status", 20)
    status = status if status in STATUSES else ""
    after = after_id(request)

    def query(uow: UnitOfWork) -> dict[str, Any]:
        channel_id = profiles.channel_row(uow, channel)["id"] if channel else None
        rows = uow.repo(ProfileRepository).page_profiles(
            channel_id=channel_id, status=status or None, after_id=after, limit=PAGE_SIZE + 1
        )
        views = [profiles.view(r) for r in rows]
        return {
            "profiles": listing(views),
            "channels": _channel_codes(uow, {v["channel_id"] for v in views}),
            "effective": profiles.effective_profile(uow, channel) if channel else None,
        }

    data = await run(request, staff, query, read_only=True)
    return _list_page(request, staff, channel, status, data)


def _list_page(
    request: Request,
    staff: Staff,
    channel: str,
    status: str,
    data: dict[str, Any],
    code: int = 200,
    **context: Any,
) -> Response:
    query_string = "?" + urlencode({"channel": channel, "status": status})
    context.setdefault("new", {"channel": channel, "name": ""})
    return render(
        request,
        "settings/profiles.html",
        status=code,
        can_edit=allowed(staff, "sourcing:write"),
        channel=channel,
        status_filter=status,
        statuses=STATUSES,
        here="/console/settings/sourcing" + query_string,
        **data,
        **context,
    )


@router.post("/settings/sourcing")
async def create(request: Request, staff: Staff) -> Response:
    """A channel's first (or a fresh) draft version, with the default rules."""
    require(staff, "sourcing:write")
    form = await request.form()
    new = {"channel": text(form, "channel", 64), "name": text(form, "name", 300)}

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        body = parse(ProfileCreate, {k: v or None for k, v in new.items()})
        return profiles.create_profile(uow, body.model_dump(exclude_unset=True))

    try:
        row = await run(request, staff, use_case)
    except SwitchyardError as exc:
        empty: dict[str, Any] = {"profiles": listing([]), "channels": {}, "effective": None}
        return _list_page(
            request, staff, "", "", empty, exc.status, new=new, errors=FormErrors.of(exc)
        )
    return redirect(request, f"/console/settings/sourcing/{row['id']}?done=created")


def _profile(uow: UnitOfWork, profile_id: str) -> dict[str, Any]:
    row = profiles.view(profiles.get_profile(uow, profile_id))
    return {**row, "channel_code": _channel_codes(uow, {row["channel_id"]}).get(row["channel_id"])}


def _draft_values(row: dict[str, Any]) -> dict[str, Any]:
    editable = set(CostModelIn.model_fields)
    return {
        **{k: row[k] for k in ("name", "strategy", "fulfilment", "revision")},
        **{k: row[k] for k in ("keep_kits_together", "pickup_transfers")},
        "max_splits": "" if row["max_splits"] is None else row["max_splits"],
        "merge_nodes": ", ".join(row["merge_nodes"]),
        "filters": pretty(row["filters"]),
        "cost_model": pretty({k: v for k, v in row["cost_model"].items() if k in editable}),
    }


def _profile_page(
    request: Request,
    staff: Staff,
    row: dict[str, Any],
    code: int = 200,
    **context: Any,
) -> Response:
    rules = {k: row[k] for k in profiles.RULES} | {"pickup_transfers": row["pickup_transfers"]}
    context.setdefault("values", _draft_values(row))
    return render(
        request,
        "settings/profile.html",
        status=code,
        profile=row,
        rules=pretty(rules),
        cost_model=pretty(row["cost_model"]),
        strategies=[(v, v.replace("_", " ")) for v in STRATEGIES],
        fulfilments=[(v, v.replace("_", " ")) for v in FULFILMENTS],
        can_edit=allowed(staff, "sourcing:write"),
        flash=flash(request),
        **context,
    )


@router.get("/settings/sourcing/{profile_id}")
async def profile(request: Request, staff: Staff, profile_id: str) -> Response:
    require(staff, "sourcing:read")
    row = await run(request, staff, lambda uow: _profile(uow, profile_id), read_only=True)
    return _profile_page(request, staff, row)


@router.post("/settings/sourcing/{profile_id}")
async def change(request: Request, staff: Staff, profile_id: str) -> Response:
    """Change a draft (``PATCH /sourcing/profiles/{id}`` with the revision read)."""
    require(staff, "sourcing:write")
    form = await request.form()
    typed = {
        **{k: text(form, k, 5000) for k in ("name", "strategy", "fulfilment", "max_splits")},
        **{k: text(form, k) for k in ("merge_nodes", "filters", "cost_model", "revision")},
        **{k: checked(form, k) for k in ("keep_kits_together", "pickup_transfers")},
    }

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        body = parse(
            ProfileUpdate,
            {
                **{k: typed[k] for k in ("name", "strategy", "fulfilment")},
                **{k: typed[k] for k in ("keep_kits_together", "pickup_transfers")},
                "max_splits": number(form, "max_splits"),
                "merge_nodes": words_list(form, "merge_nodes"),
                "filters": json_value(form, "filters", default={}),
                "cost_model": json_value(form, "cost_model", default={}),
                "revision": version(form, "revision"),
            },
        )
        values = body.model_dump(exclude_unset=True, exclude={"revision"})
        return profiles.update_profile(uow, profile_id, values, body.revision)

    try:
        await run(request, staff, use_case)
    except SwitchyardError as exc:
        row = await run(request, staff, lambda uow: _profile(uow, profile_id), read_only=True)
        return _profile_page(
            request, staff, row, exc.status, values=typed, errors=FormErrors.of(exc)
        )
    return redirect(request, f"/console/settings/sourcing/{profile_id}?done=saved")


@router.post("/settings/sourcing/{profile_id}/activate")
async def activate(request: Request, staff: Staff, profile_id: str) -> Response:
    """The version read with the page must still be current (as If-Match on the API)."""
    require(staff, "sourcing:write")
    form = await request.form()
    expected = version(form, "revision")
    await run(request, staff, lambda uow: profiles.activate(uow, profile_id, expected))
    return redirect(request, f"/console/settings/sourcing/{profile_id}?done=activated")


@router.post("/settings/sourcing/{profile_id}/copy")
async def copy(request: Request, staff: Staff, profile_id: str) -> Response:
    """A new draft version based on this one (to change, then activate)."""
    require(staff, "sourcing:write")

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        body = parse(ProfileCreate, {"based_on": profile_id})
        return profiles.create_profile(uow, body.model_dump(exclude_unset=True))

    row = await run(request, staff, use_case)
    return redirect(request, f"/console/settings/sourcing/{row['id']}?done=created")
