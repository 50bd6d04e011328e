"""``/console/settings/carriers``: carriers, their services and rate tables
(``/api/v1/carriers``, scope ``carriers``). A service's rates and transit days are JSON,
checked by the API's schema and the rate-table rules."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from switchyard.carriers import service
from switchyard.carriers.repository import CarrierRepository
from switchyard.carriers.schemas import CarrierCreate, CarrierUpdate, ServiceIn
from switchyard.console.routing import ConsoleRoute
from switchyard.console.settings_forms import (
    PAGE_SIZE,
    after_id,
    checked,
    flash,
    json_value,
    listing,
    optional,
    parse,
    pretty,
    text,
    version,
)
from switchyard.console.web import FormErrors, Staff, allowed, redirect, render, require, run
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.errors import SwitchyardError

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)
RATES_EXAMPLE = '[{"zone": 1, "max_weight_grams": 2000, "amount": "4.90"}]'
TRANSIT_EXAMPLE = '{"1": 1, "2": 2}'
FIELDS = ("code", "name", "tracking_pattern", "tracking_url")
# a service's fields are named service_code... on the carrier's page (which has a name too)
SERVICE_FIELDS = ("code", "name", "currency")


async def _list_page(request: Request, staff: Staff, status: int = 200, **context: Any) -> Response:
    after = after_id(request)
    rows = await run(
        request,
        staff,
        lambda uow: uow.repo(CarrierRepository).page(
            active=None, after_id=after, limit=PAGE_SIZE + 1
        ),
        read_only=True,
    )
    context.setdefault("values", {"active": True})
    return render(
        request,
        "settings/carriers.html",
        status=status,
        carriers=listing(rows),
        can_edit=allowed(staff, "carriers:write"),
        flash=flash(request),
        **context,
    )


@router.get("/settings/carriers")
async def carrier_list(request: Request, staff: Staff) -> Response:
    require(staff, "carriers:read")
    return await _list_page(request, staff)


@router.post("/settings/carriers")
async def create(request: Request, staff: Staff) -> Response:
    require(staff, "carriers:write")
    form = await request.form()
    values: dict[str, Any] = {k: text(form, k, 600) for k in FIELDS}
    values["active"] = checked(form, "active")

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        body = parse(
            CarrierCreate,
            {
                "code": values["code"],
                "name": values["name"],
                "tracking_pattern": optional(form, "tracking_pattern", 600),
                "tracking_url": optional(form, "tracking_url", 600),
                "active": values["active"],
            },
        )
        return service.create_carrier(uow, body.model_dump())

    try:
        row = await run(request, staff, use_case)
    except SwitchyardError as exc:
        return await _list_page(
            request, staff, exc.status, values=values, errors=FormErrors.of(exc)
        )
    return redirect(request, f"/console/settings/carriers/{row['code']}?done=created")


def _carrier_page(
    request: Request,
    staff: Staff,
    row: dict[str, Any],
    status: int = 200,
    **context: Any,
) -> Response:
    chosen = request.query_params.get("service", "")
    existing = next((s for s in row["services"] if s["code"] == chosen), None)
    context.setdefault(
        "values",
        {
            **{k: row[k] or "" for k in ("name", "tracking_pattern", "tracking_url")},
            "active": row["active"],
        },
    )
    context.setdefault(
        "svc",
        {
            "code": existing["code"],
            "name": existing["name"],
            "currency": existing["currency"],
            "active": existing["active"],
            "rates": pretty([{**r, "amount": str(r["amount"])} for r in existing["rates"]]),
            "transit_days": pretty(existing["transit_days"]),
        }
        if existing
        else {"currency": "EUR", "active": True, "rates": "", "transit_days": ""},
    )
    return render(
        request,
        "settings/carrier.html",
        status=status,
        carrier=row,
        can_edit=allowed(staff, "carriers:write"),
        rates_example=RATES_EXAMPLE,
        transit_example=TRANSIT_EXAMPLE,
        flash=flash(request),
        **context,
    )


@router.get("/settings/carriers/{ref}")
async def carrier(request: Request, staff: Staff, ref: str) -> Response:
    require(staff, "carriers:read")
    row = await run(request, staff, lambda uow: service.get_carrier(uow, ref), read_only=True)
    return _carrier_page(request, staff, row)


@router.post("/settings/carriers/{ref}")
async def change(request: Request, staff: Staff, ref: str) -> Response:
    require(staff, "carriers:write")
    form = await request.form()
    values: dict[str, Any] = {k: text(form, k, 600) for k in FIELDS[1:]}
    values["active"] = checked(form, "active")

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        body = parse(
            CarrierUpdate,
            {
                "name": values["name"],
                "tracking_pattern": optional(form, "tracking_pattern", 600),
                "tracking_url": optional(form, "tracking_url", 600),
                "active": values["active"],
                "version": version(form),
            },
        )
        changes = body.model_dump(exclude_unset=True, exclude={"version"})
        return service.update_carrier(uow, ref, body.version, changes)

    try:
        await run(request, staff, use_case)
    except SwitchyardError as exc:
        row = await run(request, staff, lambda uow: service.get_carrier(uow, ref), read_only=True)
        return _carrier_page(
            request, staff, row, exc.status, values=values, errors=FormErrors.of(exc)
        )
    return redirect(request, f"/console/settings/carriers/{ref}?done=saved")


@router.post("/settings/carriers/{ref}/services")
async def put_service(request: Request, staff: Staff, ref: str) -> Response:
    """Create or replace one service with its rate and transit tables."""
    require(staff, "carriers:write")
    form = await request.form()
    svc: dict[str, Any] = {
        **{k: text(form, f"service_{k}", 600) for k in SERVICE_FIELDS},
        **{k: text(form, k) for k in ("rates", "transit_days")},
        "active": checked(form, "active"),
    }

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        body = parse(
            ServiceIn,
            {
                **{k: svc[k] for k in ("code", "name", "active")},
                "currency": svc["currency"].upper(),
                "rates": json_value(form, "rates", default=[]),
                "transit_days": json_value(form, "transit_days", default={}),
            },
        )
        return service.put_service(uow, ref, version(form), body.model_dump())

    try:
        await run(request, staff, use_case)
    except SwitchyardError as exc:
        row = await run(request, staff, lambda uow: service.get_carrier(uow, ref), read_only=True)
        return _carrier_page(
            request,
            staff,
            row,
            exc.status,
            svc=svc,
            service_errors=FormErrors.of(exc, {k: f"service_{k}" for k in SERVICE_FIELDS}),
        )
    return redirect(request, f"/console/settings/carriers/{ref}?done=saved")
