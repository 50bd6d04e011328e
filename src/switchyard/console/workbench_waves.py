"""Pick waves at a location: the recent ones, a new wave from the released work, and a
wave's pick list by zone and bin (the API's ``/pick-waves`` use cases and scopes)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from switchyard.api.pagination import decode_cursor, encode_cursor
from switchyard.auth.domain import Principal
from switchyard.console.routing import ConsoleRoute
from switchyard.console.web import (
    FormErrors,
    Staff,
    allowed,
    redirect,
    render,
    require,
    run,
)
from switchyard.console.workbench_view import (
    DONE,
    Parsed,
    choosable_locations,
    chooser,
    created_at,
    refused,
    status_words,
)
from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment import work
from switchyard.fulfillment.release import allowed_locations
from switchyard.fulfillment.workbench_reads import WorkbenchReads
from switchyard.kernel.errors import SwitchyardError
from switchyard.locations.repository import LocationRepository

router = APIRouter(prefix="/workbench", route_class=ConsoleRoute, include_in_schema=False)
WAVES_PAGE = 20
DEFAULT_WAVE_SIZE = 20


def _waves(
    uow: UnitOfWork, principal: Principal, location: str, cursor: str | None
) -> dict[str, Any]:
    (location_id,) = allowed_locations(uow, principal, location) or [location]
    after = decode_cursor(cursor)
    before = after[0] if after and isinstance(after[0], str) else None
    rows = uow.repo(WorkbenchReads).recent_waves(location_id, before, WAVES_PAGE)
    more = len(rows) > WAVES_PAGE
    rows = rows[:WAVES_PAGE]
    return {
        "found_location": uow.repo(LocationRepository).get(location_id),
        "waves": rows,
        "next_cursor": encode_cursor([rows[-1]["id"]]) if more and rows else None,
    }


async def _list_page(
    request: Request,
    staff: Staff,
    location: str,
    *,
    cursor: str | None = None,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    principal = staff.principal
    choices = await run(
        request, staff, lambda uow: choosable_locations(uow, principal), read_only=True
    )
    if not location and principal.location_ids is not None and len(choices) == 1:
        location = choices[0]["code"]
    found: dict[str, Any] = {}
    if location:
        try:
            found = await run(
                request, staff, lambda uow: _waves(uow, principal, location, cursor), read_only=True
            )
        except SwitchyardError as exc:
            errors = FormErrors.of(exc, {"location_ids": "location", "query.cursor": "location"})
            errors.fields["location"] = errors.message  # the sentence, not a bare code
            status = exc.status
    return render(
        request,
        "workbench/waves.html",
        status=status,
        **chooser(choices, "/console/workbench/waves"),
        choices=choices,
        location=location,
        restricted=principal.location_ids is not None,
        errors=errors,
        values=values or {},
        can_act=allowed(staff, "fulfillment:write"),
        **found,
    )


@router.get("/waves")
async def waves(request: Request, staff: Staff) -> Response:
    require(staff, "fulfillment:read")
    location = (request.query_params.get("location") or "").strip()[:100]
    cursor = (request.query_params.get("cursor") or "")[:200] or None
    return await _list_page(request, staff, location, cursor=cursor)


@router.post("/waves")
async def create_wave(request: Request, staff: Staff) -> Response:
    """Take the location's released work into a wave (it moves to picking)."""
    require(staff, "fulfillment:write")
    form = Parsed(await request.form())
    location = form.text("location", max_length=100, required="choose a location") or ""
    size = form.whole("max_fulfillments", low=1, high=500, default=DEFAULT_WAVE_SIZE)
    values = {"max_fulfillments": str(form.form.get("max_fulfillments", ""))[:20]}
    try:
        form.check()
        wave = await run(
            request,
            staff,
            lambda uow: work.create_wave(uow, staff.principal, location, size or 1),
        )
    except SwitchyardError as exc:
        if not refused(exc):
            raise
        names = {"max_fulfillments": "max_fulfillments", "location_ids": "location"}
        return await _list_page(
            request,
            staff,
            location,
            errors=FormErrors.of(exc, names),
            values=values,
            status=exc.status,
        )
    return redirect(request, f"/console/workbench/waves/{wave['id']}?done=wave")


@router.get("/waves/{wave_id}")
async def wave(request: Request, wave_id: str, staff: Staff) -> Response:
    """What is still to pick in the wave, zone by zone and bin by bin."""
    require(staff, "fulfillment:read")
    zone = (request.query_params.get("zone") or "")[:40] or None
    view = await run(
        request,
        staff,
        lambda uow: work.wave_view(uow, staff.principal, wave_id[:60], zone),
        read_only=True,
    )
    location = await run(
        request,
        staff,
        lambda uow: uow.repo(LocationRepository).get(view["location_id"]),
        read_only=True,
    )
    return render(
        request,
        "workbench/wave.html",
        wave=view,
        location=location or {"name": view["location_id"], "code": view["location_id"]},
        zone=zone,
        done=DONE.get(request.query_params.get("done", ""), ""),
        created_at=created_at,
        status_words=status_words,
    )
