"""Labels, documents, carrier tracking events and status updates from external systems."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from switchyard.api.deps import DbDep, FulfillmentRead, FulfillmentWrite
from switchyard.api.etag import expected_version, set_etag
from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment import carrier_scans, paperwork, shipments, updates
from switchyard.fulfillment import schemas as s
from switchyard.fulfillment.views import answer, present
from switchyard.fulfillment.work_schemas import TrackingEventIn, TrackingEventResult

router = APIRouter(tags=["shipping"])
PDF = {"content": {"application/pdf": {}}, "description": "a PDF document"}


@router.post("/fulfillments/{fulfillment_id}/labels", response_model=s.FulfillmentRead)
def book_labels(
    fulfillment_id: str,
    request: Request,
    response: Response,
    db: DbDep,
    principal: FulfillmentWrite,
    body: s.LabelRequest | None = None,
) -> s.FulfillmentRead:
    """Book a carrier service for the packed packages: the one named, else the cheapest
    that meets the promise (rate shopping). Each package gets a tracking number."""
    body = body or s.LabelRequest()
    version = expected_version(request)
    return answer(
        db,
        principal,
        response,
        lambda uow: shipments.book_labels(
            uow,
            principal,
            fulfillment_id,
            carrier=body.carrier,
            service=body.service,
            carriers_allowed=body.carriers,
            deliver_by=body.deliver_by,
            tracking_numbers=body.tracking_numbers,
            expected_version=version,
        ),
    )


@router.get(
    "/fulfillments/{fulfillment_id}/packages/{package_id}/label.pdf",
    response_class=Response,
    responses={200: PDF},
)
def label_pdf(
    fulfillment_id: str, package_id: str, db: DbDep, principal: FulfillmentRead
) -> Response:
    """The package's shipping label, its tracking number as a Code 128 barcode."""
    pdf = db.run(
        principal.actor,
        lambda uow: paperwork.label_pdf(uow, principal, fulfillment_id, package_id),
        read_only=True,
    )
    headers = {"Content-Disposition": f'inline; filename="label-{package_id}.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)


@router.get(
    "/fulfillments/{fulfillment_id}/packing-slip.pdf",
    response_class=Response,
    responses={200: PDF},
)
def packing_slip(fulfillment_id: str, db: DbDep, principal: FulfillmentRead) -> Response:
    pdf = db.run(
        principal.actor,
        lambda uow: paperwork.packing_slip_pdf(uow, principal, fulfillment_id),
        read_only=True,
    )
    headers = {"Content-Disposition": f'inline; filename="packing-slip-{fulfillment_id}.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)


@router.post("/fulfillments/{fulfillment_id}/status-updates", response_model=s.StatusUpdateResult)
def status_update(
    fulfillment_id: str,
    body: s.StatusUpdate,
    request: Request,
    response: Response,
    db: DbDep,
    principal: FulfillmentWrite,
) -> s.StatusUpdateResult:
    """A status report from a 3PL, WMS or drop-ship supplier. Repeats change nothing; an
    update ahead of the current state applies the missing steps (``inferred``)."""
    version = expected_version(request)
    update = updates.Update(
        status=body.status,
        reason=body.reason,
        carrier=body.carrier,
        tracking_number=body.tracking_number,
        packages=[p.model_dump() for p in body.packages] if body.packages else None,
        lines=[ln.model_dump() for ln in body.lines] if body.lines else None,
    )

    def use_case(uow: UnitOfWork) -> s.StatusUpdateResult:
        f, steps = updates.apply_update(uow, principal, fulfillment_id, update, version)
        return s.StatusUpdateResult(
            fulfillment=present(uow, [f])[0],
            applied=[s.AppliedStep(step=st.name, inferred=st.inferred) for st in steps],
        )

    result = db.run(principal.actor, use_case)
    set_etag(response, result.fulfillment.version)
    return result


@router.post("/tracking-events", response_model=TrackingEventResult)
def tracking_event(
    body: TrackingEventIn, response: Response, db: DbDep, principal: FulfillmentWrite
) -> TrackingEventResult:
    """A carrier scan (in_transit, out_for_delivery, delivered, exception). Stored once
    per carrier event id: 201 when recorded, 200 for a repeat."""
    scan = carrier_scans.Scan(**body.model_dump())
    recorded, f = db.run(principal.actor, lambda uow: carrier_scans.ingest(uow, principal, scan))
    response.status_code = 201 if recorded else 200
    return TrackingEventResult(
        event_id=body.event_id,
        result="recorded" if recorded else "duplicate",
        fulfillment_id=f.id,
        fulfillment_status=f.status,
    )
