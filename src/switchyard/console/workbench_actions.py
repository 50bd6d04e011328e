"""The workbench's actions on one fulfillment: release, accept, reject, scan, pick, short
pick, pack, buy a label, ship, ready for pickup and hand over with the pickup code.

Each is a plain form post (htmx swaps the answer in place) that runs the API endpoint's
use case under ``fulfillment:write`` at the user's own locations, as that user. A refusal
is shown beside the form that asked; a user of another location gets the API's 403/404.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from switchyard.console import settings_secrets
from switchyard.console.routing import ConsoleRoute
from switchyard.console.web import FormErrors, Staff, is_htmx, redirect, require, run
from switchyard.console.workbench_view import Parsed, detail_page, pickup_kind, refused
from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment import pickup, service, shipments, work
from switchyard.fulfillment.status import Status
from switchyard.kernel.errors import SwitchyardError

router = APIRouter(prefix="/workbench", route_class=ConsoleRoute, include_in_schema=False)
UseCase = Callable[[UnitOfWork], Any]
FOUND = "found-"  # the short-pick form's fields: found-<order line id>


async def _act(
    request: Request,
    staff: Staff,
    fulfillment_id: str,
    action: str,
    build: Callable[[Parsed], UseCase],
    *,
    done: str,
    names: Mapping[str, str] | Callable[[Parsed], Mapping[str, str]] | None = None,
    messages: Mapping[str, str] | None = None,
    reveal: Callable[[Any], tuple[str, str | None]] | None = None,
) -> Response:
    """``reveal``: from the use case's result, the query the redirect adds and the pickup
    code the answer shows (the ready-for-pickup answer's, as the API's carries it)."""
    require(staff, "fulfillment:write")
    fulfillment_id = fulfillment_id[:60]
    parsed = Parsed(await request.form())
    values = {k: str(v)[:200] for k, v in parsed.form.items() if k != "csrf_token"}
    try:
        use_case = build(parsed)
        parsed.check()
        result = await run(request, staff, use_case)
    except SwitchyardError as exc:
        if not refused(exc):
            raise
        fields = (names(parsed) if callable(names) else names) or {}
        errors = FormErrors.of(exc, fields)
        for e in exc.errors:  # the field's words where the API's are a bare value
            if e.code in (messages or {}):
                errors.fields[fields.get(e.field, e.field)] = (messages or {})[e.code]
        return await detail_page(
            request,
            staff,
            fulfillment_id,
            errors=errors,
            failed=action,
            values=values,
            status=exc.status,
        )
    extra, code = reveal(result) if reveal else ("", None)
    if is_htmx(request):  # the page, swapped in place (the scan field ready again)
        return await detail_page(request, staff, fulfillment_id, done=done, pickup_code=code)
    url = f"/console/workbench/fulfillments/{fulfillment_id}?done={done}"
    return redirect(request, url + (f"&{extra}" if extra else ""))


@router.post("/fulfillments/{fulfillment_id}/release")
async def release(request: Request, fulfillment_id: str, staff: Staff) -> Response:
    def build(form: Parsed) -> UseCase:
        version = form.version()
        return lambda uow: service.advance(
            uow, staff.principal, fulfillment_id, "release", expected_version=version
        )

    return await _act(request, staff, fulfillment_id, "release", build, done="released")


@router.post("/fulfillments/{fulfillment_id}/accept")
async def accept(request: Request, fulfillment_id: str, staff: Staff) -> Response:
    def build(form: Parsed) -> UseCase:
        version = form.version()
        return lambda uow: service.advance(
            uow, staff.principal, fulfillment_id, "accept", expected_version=version
        )

    return await _act(request, staff, fulfillment_id, "accept", build, done="accepted")


@router.post("/fulfillments/{fulfillment_id}/reject")
async def reject(request: Request, fulfillment_id: str, staff: Staff) -> Response:
    """The API's reject: cancelled here, the units re-sourced without this location."""

    def build(form: Parsed) -> UseCase:
        reason = form.text("reason", max_length=500)
        version = form.version()
        return lambda uow: service.advance(
            uow, staff.principal, fulfillment_id, "reject", expected_version=version, reason=reason
        )

    return await _act(
        request, staff, fulfillment_id, "reject", build, done="rejected", names={"reason": "reason"}
    )


@router.post("/fulfillments/{fulfillment_id}/scan")
async def scan(request: Request, fulfillment_id: str, staff: Staff) -> Response:
    """A SKU code or barcode from the scanner (it types the code and Enter)."""

    def build(form: Parsed) -> UseCase:
        code = form.text("code", max_length=100, required="scan or type a SKU code or barcode")
        quantity = form.whole("quantity", low=1, high=10_000, default=1)
        return lambda uow: work.scan(
            uow, staff.principal, fulfillment_id, code or "", quantity or 1
        )

    return await _act(
        request,
        staff,
        fulfillment_id,
        "scan",
        build,
        done="scanned",
        messages={"unknown_scan": "that code is not on this fulfillment: check the item"},
    )


@router.post("/fulfillments/{fulfillment_id}/pick")
async def pick(request: Request, fulfillment_id: str, staff: Staff) -> Response:
    """Confirm the pick: as scanned, or every line in full when nothing was scanned."""

    def build(form: Parsed) -> UseCase:
        version = form.version()
        return lambda uow: work.confirm_pick(
            uow, staff.principal, fulfillment_id, None, False, version
        )

    return await _act(
        request, staff, fulfillment_id, "pick", build, done="picked", names=_found_names
    )


def _found_lines(form: Parsed) -> list[str]:
    return sorted(k[len(FOUND) :] for k in form.form if k.startswith(FOUND))[:500]


def _found_names(form: Parsed) -> dict[str, str]:
    """The API's ``lines.<i>.quantity`` (lines in order line order) -> the form's field."""
    return {f"lines.{i}.quantity": FOUND + line for i, line in enumerate(_found_lines(form))}


@router.post("/fulfillments/{fulfillment_id}/short-pick")
async def short_pick(request: Request, fulfillment_id: str, staff: Staff) -> Response:
    """Units found per line; the missing ones are a short pick, re-sourced elsewhere."""

    def build(form: Parsed) -> UseCase:
        lines = [
            {
                "order_line_id": line,
                "quantity": form.whole(
                    FOUND + line, low=0, high=100_000, required="enter the units found"
                ),
            }
            for line in _found_lines(form)
        ]
        version = form.version()
        return lambda uow: work.confirm_pick(
            uow, staff.principal, fulfillment_id, lines, True, version
        )

    return await _act(
        request,
        staff,
        fulfillment_id,
        "short_pick",
        build,
        done="short_picked",
        names=_found_names,
    )


@router.post("/fulfillments/{fulfillment_id}/pack")
async def pack(request: Request, fulfillment_id: str, staff: Staff) -> Response:
    """One package with everything picked; weight and size if the packer measured them
    (else the weight is the SKUs')."""

    def build(form: Parsed) -> UseCase:
        box = {
            "weight_grams": form.whole("weight_grams", low=1, high=1_000_000),
            "length_mm": form.whole("length_mm", low=1, high=10_000),
            "width_mm": form.whole("width_mm", low=1, high=10_000),
            "height_mm": form.whole("height_mm", low=1, high=10_000),
        }
        packages = [box] if any(v is not None for v in box.values()) else None
        version = form.version()
        return lambda uow: shipments.pack(uow, staff.principal, fulfillment_id, packages, version)

    names = {f"packages.0.{k}": k for k in ("weight_grams", "length_mm", "width_mm", "height_mm")}
    return await _act(request, staff, fulfillment_id, "pack", build, done="packed", names=names)


@router.post("/fulfillments/{fulfillment_id}/label")
async def book_label(request: Request, fulfillment_id: str, staff: Staff) -> Response:
    """Buy the label: the carrier named, else the cheapest that meets the promise."""

    def build(form: Parsed) -> UseCase:
        carrier = form.text("label_carrier", max_length=64)
        service_code = form.text("label_service", max_length=64)
        version = form.version()
        return lambda uow: shipments.book_labels(
            uow,
            staff.principal,
            fulfillment_id,
            carrier=carrier,
            service=service_code,
            expected_version=version,
        )

    names = {"carrier": "label_carrier", "service": "label_service"}
    return await _act(request, staff, fulfillment_id, "label", build, done="labelled", names=names)


@router.post("/fulfillments/{fulfillment_id}/ship")
async def ship(request: Request, fulfillment_id: str, staff: Staff) -> Response:
    """The packages left: labelled ones need nothing, else the carrier and number."""

    def build(form: Parsed) -> UseCase:
        carrier = form.text("ship_carrier", max_length=64)
        tracking = form.text("tracking_number", max_length=100)
        version = form.version()
        return lambda uow: service.advance(
            uow,
            staff.principal,
            fulfillment_id,
            "ship",
            expected_version=version,
            carrier=carrier,
            tracking_number=tracking,
        )

    names = {"carrier": "ship_carrier", "tracking_number": "tracking_number"}
    return await _act(request, staff, fulfillment_id, "ship", build, done="shipped", names=names)


@router.post("/fulfillments/{fulfillment_id}/ready")
async def ready(request: Request, fulfillment_id: str, staff: Staff) -> Response:
    """On the pickup shelf: the customer gets the pickup code from the channel."""

    swapped = is_htmx(request)

    def build(form: Parsed) -> UseCase:
        days = form.whole("hold_days", low=1, high=60, default=pickup.DEFAULT_HOLD_DAYS)
        version = form.version()

        def use_case(uow: UnitOfWork) -> tuple[str, str | None]:
            f = pickup.ready_for_pickup(
                uow, staff.principal, fulfillment_id, days or pickup.DEFAULT_HOLD_DAYS, version
            )
            # as work_endpoints.ready_for_pickup: the answer carries the code while it waits
            code = f.pickup_code if f.status == Status.READY_FOR_PICKUP else None
            if code is None or swapped:  # htmx shows the answer itself, nothing to keep
                return "", code
            kept = settings_secrets.keep(uow, staff, pickup_kind(f.id), {"pickup_code": code})
            return kept, code

        return use_case

    return await _act(
        request, staff, fulfillment_id, "ready", build, done="ready", reveal=lambda r: r
    )


@router.post("/fulfillments/{fulfillment_id}/hand-over")
async def hand_over(request: Request, fulfillment_id: str, staff: Staff) -> Response:
    """The customer says their pickup code; a wrong one hands nothing over."""

    def build(form: Parsed) -> UseCase:
        code = form.text("pickup_code", max_length=12, required="enter the customer's code")
        return lambda uow: pickup.picked_up(uow, staff.principal, fulfillment_id, code or "")

    return await _act(
        request,
        staff,
        fulfillment_id,
        "hand_over",
        build,
        done="handed_over",
        names={"pickup_code": "pickup_code"},
        messages={
            "invalid_pickup_code": "that code does not match: ask the customer again "
            "(nothing was handed over)"
        },
    )
