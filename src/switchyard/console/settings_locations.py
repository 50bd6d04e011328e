"""``/console/settings/locations``: list, create, detail and the fields the API lets one
change (``POST``/``PATCH /locations``), checked by the same schemas and use cases; the
version read with the page guards against lost updates."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from switchyard.console.routing import ConsoleRoute
from switchyard.console.settings_forms import (
    PAGE_SIZE,
    after_id,
    checked,
    flash,
    listing,
    number,
    optional,
    parse,
    text,
    ticked,
    version,
)
from switchyard.console.web import FormErrors, Staff, allowed, redirect, render, require, run
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.errors import SwitchyardError
from switchyard.locations import service as locations
from switchyard.locations.domain import CAPABILITIES, LOCATION_TYPES
from switchyard.locations.repository import LocationRepository
from switchyard.locations.schemas import LocationCreate, LocationUpdate

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)
WEEKDAYS = ((1, "Mon"), (2, "Tue"), (3, "Wed"), (4, "Thu"), (5, "Fri"), (6, "Sat"), (7, "Sun"))
ADDRESS = ("name", "company", "line1", "line2", "postal_code", "city", "region", "country_code")


def _choices(values: frozenset[str]) -> list[tuple[str, str]]:
    return [(v, v.replace("_", " ")) for v in sorted(values)]


@router.get("/settings/locations")
async def location_list(request: Request, staff: Staff) -> Response:
    require(staff, "locations:read")
    after = after_id(request)
    rows = await run(
        request,
        staff,
        lambda uow: uow.repo(LocationRepository).page(
            type_=None, active=None, after_id=after, limit=PAGE_SIZE + 1
        ),
        read_only=True,
    )
    return render(
        request,
        "settings/locations.html",
        locations=listing(rows),
        can_edit=allowed(staff, "locations:write"),
    )


def _location_page(
    request: Request,
    staff: Staff,
    row: dict[str, Any],
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> Response:
    current = {
        **{k: row[k] for k in ("name", "type", "timezone", "cutoff_time", "active", "version")},
        **{f"address.{k}": row["address"].get(k) or "" for k in ADDRESS},
        **{k: "" if row[k] is None else row[k] for k in ("latitude", "longitude")},
        "daily_capacity": "" if row["daily_capacity"] is None else row["daily_capacity"],
        "capabilities": list(row["capabilities"]),
        "processing_days": [str(d) for d in row["processing_days"]],
    }
    return render(
        request,
        "settings/location.html",
        status=status,
        location=row,
        values=values or current,
        errors=errors,
        types=_choices(LOCATION_TYPES),
        capabilities=_choices(CAPABILITIES),
        weekdays=[(str(n), label) for n, label in WEEKDAYS],
        can_edit=allowed(staff, "locations:write"),
        flash=flash(request),
    )


def _location_form(
    request: Request,
    template: str,
    status: int = 200,
    **context: Any,
) -> Response:
    return render(
        request,
        template,
        status=status,
        types=_choices(LOCATION_TYPES),
        capabilities=_choices(CAPABILITIES),
        weekdays=[(str(n), label) for n, label in WEEKDAYS],
        **context,
    )


@router.get("/settings/locations/new")
async def new_location(request: Request, staff: Staff) -> Response:
    require(staff, "locations:write")
    values = {
        "type": "store",
        "timezone": "Europe/Berlin",
        "cutoff_time": "15:00",
        "capabilities": ["ship"],
        "processing_days": ["1", "2", "3", "4", "5"],
    }
    return _location_form(request, "settings/location_new.html", values=values)


@router.post("/settings/locations")
async def create_location(request: Request, staff: Staff) -> Response:
    require(staff, "locations:write")
    form = await request.form()
    values = {**_location_values(form), "code": text(form, "code", 300)}
    body_values = {**_location_body(form, values), "code": values["code"]}
    del body_values["active"], body_values["version"]

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        body = parse(LocationCreate, body_values)
        return locations.create_location(uow, body.model_dump())

    try:
        row = await run(request, staff, use_case)
    except SwitchyardError as exc:
        return _location_form(
            request,
            "settings/location_new.html",
            exc.status,
            values=values,
            errors=FormErrors.of(exc),
        )
    return redirect(request, f"/console/settings/locations/{row['code']}?done=created")


@router.get("/settings/locations/{ref}")
async def location(request: Request, staff: Staff, ref: str) -> Response:
    require(staff, "locations:read")
    row = await run(request, staff, lambda uow: locations.get_location(uow, ref), read_only=True)
    return _location_page(request, staff, row)


def _location_values(form: FormData) -> dict[str, Any]:
    """The form as typed (to show again on an error)."""
    return {
        **{k: text(form, k, 300) for k in ("name", "type", "timezone", "cutoff_time")},
        **{f"address.{k}": text(form, f"address.{k}", 300) for k in ADDRESS},
        **{k: text(form, k, 40) for k in ("latitude", "longitude", "daily_capacity")},
        "capabilities": ticked(form, "capabilities"),
        "processing_days": ticked(form, "processing_days"),
        "active": checked(form, "active"),
        "version": text(form, "version", 20),
    }


def _location_body(form: FormData, values: dict[str, Any]) -> dict[str, Any]:
    """The form as the API's request body (numbers as numbers, empty as absent)."""
    body: dict[str, Any] = {
        **{k: values[k] for k in ("name", "type", "timezone", "cutoff_time", "capabilities")},
        "address": {
            k: optional(form, f"address.{k}", 300)
            for k in ADDRESS
            if optional(form, f"address.{k}", 300) is not None
        },
        **{k: number(form, k) for k in ("latitude", "longitude", "daily_capacity")},
        "processing_days": [int(d) for d in values["processing_days"] if d.isdigit()],
        "active": values["active"],
        "version": version(form),
    }
    if "country_code" in body["address"]:
        body["address"]["country_code"] = body["address"]["country_code"].upper()

    return body


@router.post("/settings/locations/{ref}")
async def edit_location(request: Request, staff: Staff, ref: str) -> Response:
    require(staff, "locations:write")
    form = await request.form()
    values = _location_values(form)
    body_values = _location_body(form, values)

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        body = parse(LocationUpdate, body_values)
        changes = body.model_dump(exclude_unset=True, exclude={"version"})
        return locations.update_location(uow, ref, changes, body.version)

    try:
        await run(request, staff, use_case)
    except SwitchyardError as exc:
        row = await run(
            request, staff, lambda uow: locations.get_location(uow, ref), read_only=True
        )
        return _location_page(request, staff, row, values, FormErrors.of(exc), exc.status)
    return redirect(request, f"/console/settings/locations/{ref}?done=saved")
