"""``/console/settings/compliance``: the screening settings, the embargo list and the
restricted-party list (``/api/v1/compliance``, scope ``compliance``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from switchyard.compliance import party_list, service
from switchyard.compliance.repository import ComplianceRepository
from switchyard.compliance.schemas import (
    ComplianceSettingsUpdate,
    EmbargoCreate,
    EmbargoUpdate,
)
from switchyard.console.routing import ConsoleRoute
from switchyard.console.settings_forms import (
    PAGE_SIZE,
    after_id,
    checked,
    flash,
    listing,
    number,
    parse,
    text,
    version,
)
from switchyard.console.web import FormErrors, Staff, allowed, redirect, render, require, run
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.errors import FieldError, SwitchyardError, ValidationFailed
from switchyard.orders.validation.model import ACTIONS

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)
URL = "/console/settings/compliance"
MAX_CSV_BYTES = 64 * 1024 * 1024  # as the API


def _overview(uow: UnitOfWork, after: str | None) -> dict[str, Any]:
    embargoes = uow.repo(ComplianceRepository).embargo_page(after_id=after, limit=PAGE_SIZE + 1)
    return {
        "settings": service.get_settings(uow),
        "embargoes": listing(embargoes),
        "parties": party_list.party_list_info(uow),
    }


async def _page(request: Request, staff: Staff, status: int = 200, **context: Any) -> Response:
    after = after_id(request)
    data = await run(request, staff, lambda uow: _overview(uow, after), read_only=True)
    context.setdefault("new_embargo", {"action": "error"})
    return render(
        request,
        "settings/compliance.html",
        status=status,
        actions=[(a, a) for a in ACTIONS],
        can_edit=allowed(staff, "compliance:write"),
        flash=flash(request),
        **data,
        **context,
    )


@router.get("/settings/compliance")
async def overview(request: Request, staff: Staff) -> Response:
    require(staff, "compliance:read")
    return await _page(request, staff)


@router.post("/settings/compliance/settings")
async def change_settings(request: Request, staff: Staff) -> Response:
    require(staff, "compliance:write")
    form = await request.form()

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        body = parse(
            ComplianceSettingsUpdate,
            {
                "screening_threshold": number(form, "screening_threshold"),
                "hold_unscreenable_names": checked(form, "hold_unscreenable_names"),
                "version": version(form),
            },
        )
        changes = body.model_dump(exclude_unset=True, exclude_none=True, exclude={"version"})
        return service.update_settings(uow, changes, body.version)

    try:
        await run(request, staff, use_case)
    except SwitchyardError as exc:
        return await _page(request, staff, exc.status, settings_errors=FormErrors.of(exc))
    return redirect(request, f"{URL}?done=saved")


@router.post("/settings/compliance/embargoes")
async def add_embargo(request: Request, staff: Staff) -> Response:
    require(staff, "compliance:write")
    form = await request.form()
    values = {k: text(form, k, 600) for k in ("country_code", "action", "reason")}

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        body = parse(EmbargoCreate, values)
        return service.add_embargo(uow, body.model_dump())

    try:
        await run(request, staff, use_case)
    except SwitchyardError as exc:
        return await _page(
            request, staff, exc.status, embargo_errors=FormErrors.of(exc), new_embargo=values
        )
    return redirect(request, f"{URL}?done=created")


@router.post("/settings/compliance/embargoes/{country_code}")
async def change_embargo(request: Request, staff: Staff, country_code: str) -> Response:
    require(staff, "compliance:write")
    form = await request.form()

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        body = parse(
            EmbargoUpdate,
            {
                "action": text(form, "action", 20),
                "reason": text(form, "reason", 600),
                "version": version(form),
            },
        )
        changes = body.model_dump(exclude_unset=True, exclude_none=True, exclude={"version"})
        return service.update_embargo(uow, country_code, changes, body.version)

    try:
        await run(request, staff, use_case)
    except SwitchyardError as exc:
        return await _page(
            request, staff, exc.status, row_errors=FormErrors.of(exc), row_code=country_code
        )
    return redirect(request, f"{URL}?done=saved")


@router.post("/settings/compliance/embargoes/{country_code}/delete")
async def remove_embargo(request: Request, staff: Staff, country_code: str) -> Response:
    require(staff, "compliance:write")
    form = await request.form()
    expected = version(form)
    await run(request, staff, lambda uow: service.remove_embargo(uow, country_code, expected))
    return redirect(request, f"{URL}?done=deleted")


@router.post("/settings/compliance/parties")
async def load_parties(request: Request, staff: Staff) -> Response:
    """Replace the restricted-party list with an uploaded CSL file (as ``PUT
    /compliance/denied-party-list``)."""
    require(staff, "compliance:write")
    form = await request.form()
    upload = form.get("file")
    allow_empty = checked(form, "allow_empty")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise ValidationFailed(
                "file_required",
                "choose the CSV file to load",
                [FieldError("file", "file_required", "choose a CSV file")],
            )
        content = await upload.read(MAX_CSV_BYTES + 1)
        if len(content) > MAX_CSV_BYTES:
            raise ValidationFailed(
                "payload_too_large",
                f"the CSV may be at most {MAX_CSV_BYTES} bytes",
                [FieldError("file", "payload_too_large", "the file is too large")],
            )
        loaded = await run(
            request,
            staff,
            lambda uow: party_list.load_party_list(uow, content, allow_empty=allow_empty),
        )
    except SwitchyardError as exc:
        return await _page(request, staff, exc.status, upload_errors=FormErrors.of(exc))
    return await _page(request, staff, loaded=loaded)


@router.get("/settings/compliance/parties")
async def parties(request: Request, staff: Staff) -> Response:
    require(staff, "compliance:read")
    name = text(request.query_params, "name", 200)
    after = after_id(request)
    rows = await run(
        request,
        staff,
        lambda uow: uow.repo(ComplianceRepository).party_page(
            source=None, name=name or None, after_id=after, limit=PAGE_SIZE + 1
        ),
        read_only=True,
    )
    return render(request, "settings/parties.html", parties=listing(rows), name=name)
