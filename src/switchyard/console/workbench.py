"""``/console/workbench``: the store and warehouse workbench on a tablet.

The queue of a location's open fulfillments by what is to do next, one fulfillment with
its lines and actions, its packing slip and labels (the API's PDFs), and pick waves. A
user bound to locations sees and acts on theirs only: every read and action runs the
API's use case with the API's scope (``fulfillment:read`` to look, ``fulfillment:write``
to act, both at the user's own locations).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from switchyard.console import workbench_actions, workbench_waves
from switchyard.console.routing import ConsoleRoute
from switchyard.console.web import FormErrors, Staff, allowed, is_htmx, render, require, run
from switchyard.console.workbench_view import (
    QUEUES,
    Queue,
    choosable_locations,
    chooser,
    created_at,
    detail_page,
    load_queue,
    status_words,
)
from switchyard.fulfillment import paperwork
from switchyard.fulfillment.status import Status
from switchyard.kernel.errors import SwitchyardError

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)
DEFAULT_QUEUE = Status.RELEASED
_PDF_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


@router.get("/workbench")
async def workbench(request: Request, staff: Staff) -> Response:
    require(staff, "fulfillment:read")
    params = request.query_params
    location = (params.get("location") or "").strip()[:100]
    status = params.get("status") or DEFAULT_QUEUE
    if status not in dict(QUEUES):
        status = DEFAULT_QUEUE
    cursor = (params.get("cursor") or "")[:200] or None
    principal = staff.principal
    choices = await run(
        request, staff, lambda uow: choosable_locations(uow, principal), read_only=True
    )
    if not location and principal.location_ids is not None and len(choices) == 1:
        location = choices[0]["code"]
    queue: Queue | None = None
    errors: FormErrors | None = None
    code = 200
    if location:
        try:
            queue = await run(
                request,
                staff,
                lambda uow: load_queue(uow, principal, location, status, cursor),
                read_only=True,
            )
        except SwitchyardError as exc:
            names = {"location": "location", "location_ids": "location", "query.cursor": "location"}
            errors, code = FormErrors.of(exc, names), exc.status
            errors.fields["location"] = errors.message  # the sentence, not a bare code
    context: dict[str, Any] = {
        **chooser(choices, "/console/workbench", status),
        "choices": choices,
        "location": location,
        "restricted": principal.location_ids is not None,
        "queue": queue,
        "queues": QUEUES,
        "tab": status,
        "label": dict(QUEUES)[status],
        "errors": errors,
        "created_at": created_at,
        "status_words": status_words,
        "can_act": allowed(staff, "fulfillment:write"),
        "htmx": is_htmx(request),
    }
    return render(request, "workbench/queue.html", status=code, **context)


@router.get("/workbench/fulfillments/{fulfillment_id}")
async def fulfillment(request: Request, fulfillment_id: str, staff: Staff) -> Response:
    require(staff, "fulfillment:read")
    done = request.query_params.get("done", "")
    return await detail_page(request, staff, fulfillment_id[:60], done=done)


@router.get("/workbench/fulfillments/{fulfillment_id}/packing-slip.pdf")
async def packing_slip(request: Request, fulfillment_id: str, staff: Staff) -> Response:
    """The API's packing slip, with the user's permissions."""
    require(staff, "fulfillment:read")
    pdf = await run(
        request,
        staff,
        lambda uow: paperwork.packing_slip_pdf(uow, staff.principal, fulfillment_id),
        read_only=True,
    )
    name = f'inline; filename="packing-slip-{fulfillment_id}.pdf"'
    return Response(
        pdf, media_type="application/pdf", headers={**_PDF_HEADERS, "Content-Disposition": name}
    )


@router.get("/workbench/fulfillments/{fulfillment_id}/packages/{package_id}/label.pdf")
async def label(request: Request, fulfillment_id: str, package_id: str, staff: Staff) -> Response:
    """The API's shipping label of one package (409 page until it has a tracking number)."""
    require(staff, "fulfillment:read")
    pdf = await run(
        request,
        staff,
        lambda uow: paperwork.label_pdf(uow, staff.principal, fulfillment_id, package_id),
        read_only=True,
    )
    name = f'inline; filename="label-{package_id}.pdf"'
    return Response(
        pdf, media_type="application/pdf", headers={**_PDF_HEADERS, "Content-Disposition": name}
    )


router.include_router(workbench_actions.router)
router.include_router(workbench_waves.router)
