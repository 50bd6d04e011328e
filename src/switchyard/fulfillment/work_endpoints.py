"""Store and warehouse apps: storage slots, pick waves, scanning, picking, packing,
click & collect, and a fulfillment's timeline."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from switchyard.api import idempotency
from switchyard.api.deps import DbDep, FulfillmentRead, FulfillmentWrite
from switchyard.api.etag import expected_version, set_etag
from switchyard.api.pagination import Cursor, Limit, Page, decode_cursor, page_of
from switchyard.db.uow import UnitOfWork
from switchyard.events.repository import EventRepository
from switchyard.fulfillment import pickup, release, service, shipments, work
from switchyard.fulfillment import schemas as s
from switchyard.fulfillment.status import Status
from switchyard.fulfillment.views import answer, present
from switchyard.fulfillment.work_repository import WorkRepository
from switchyard.fulfillment.work_schemas import SlotRead, SlotsPut, WaveCreate, WaveRead
from switchyard.orders.schemas import EventRead

router = APIRouter(tags=["fulfillment work"])


@router.put("/pick-slots", response_model=dict[str, int])
def put_slots(body: SlotsPut, db: DbDep, principal: FulfillmentWrite) -> dict[str, int]:
    """Where SKUs are stored at a location: the zone (pick area) and bin."""
    slots = [slot.model_dump() for slot in body.slots]
    count = db.run(
        principal.actor, lambda uow: work.put_slots(uow, principal, body.location, slots)
    )
    return {"stored": count}


@router.get("/pick-slots", response_model=Page[SlotRead])
def list_slots(
    location: str, db: DbDep, principal: FulfillmentRead, limit: Limit = 100, cursor: Cursor = None
) -> Page[SlotRead]:
    after = decode_cursor(cursor)

    def query(uow: UnitOfWork) -> list[SlotRead]:
        (location_id,) = release.allowed_locations(uow, principal, location) or []
        rows = uow.repo(WorkRepository).slot_page(location_id, after[0] if after else None, limit)
        return [SlotRead(**r) for r in rows]

    return page_of(db.run(principal.actor, query, read_only=True), limit, lambda r: [r.sku_id])


@router.post("/pick-waves", status_code=201, response_model=WaveRead)
def create_wave(
    body: WaveCreate, request: Request, db: DbDep, principal: FulfillmentWrite
) -> JSONResponse:
    """Take the location's released fulfillments into a wave (they move to ``picking``);
    the answer is the wave's pick list by zone and bin."""

    def use_case(uow: UnitOfWork) -> WaveRead:
        view = work.create_wave(uow, principal, body.location, body.max_fulfillments)
        return WaveRead(**view)

    return idempotency.create(request, db, principal, body, use_case)


@router.get("/pick-waves", response_model=Page[WaveRead])
def list_waves(
    db: DbDep,
    principal: FulfillmentRead,
    location: str | None = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[WaveRead]:
    after = decode_cursor(cursor)

    def query(uow: UnitOfWork) -> list[WaveRead]:
        locations = release.allowed_locations(uow, principal, location)
        rows = uow.repo(WorkRepository).wave_page(locations, after[0] if after else None, limit)
        return [WaveRead(**work.wave_view(uow, principal, r["id"])) for r in rows]

    return page_of(db.run(principal.actor, query, read_only=True), limit, lambda w: [w.id])


@router.get("/pick-waves/{wave_id}", response_model=WaveRead)
def get_wave(
    wave_id: str, db: DbDep, principal: FulfillmentRead, zone: str | None = None
) -> WaveRead:
    """What is still to pick in the wave, by zone (one zone's list with ``?zone=``)."""
    view = db.run(
        principal.actor, lambda uow: work.wave_view(uow, principal, wave_id, zone), read_only=True
    )
    return WaveRead(**view)


@router.post("/fulfillments/{fulfillment_id}/scans", response_model=s.FulfillmentRead)
def scan(
    fulfillment_id: str, body: s.ScanIn, response: Response, db: DbDep, principal: FulfillmentWrite
) -> s.FulfillmentRead:
    """Units found, by SKU code or barcode; the fulfillment moves to ``picking``. Scans
    add up: confirm with ``POST /pick`` (no body: as scanned)."""
    return answer(
        db,
        principal,
        response,
        lambda uow: work.scan(uow, principal, fulfillment_id, body.code, body.quantity),
    )


@router.post("/fulfillments/{fulfillment_id}/ready-for-pickup", response_model=s.PickupReadyRead)
def ready_for_pickup(
    fulfillment_id: str,
    request: Request,
    response: Response,
    db: DbDep,
    principal: FulfillmentWrite,
    body: s.PickupReady | None = None,
) -> s.PickupReadyRead:
    """Waiting at the counter; a pickup code is generated for the customer. The answer
    carries it for the store (``fulfillment:write`` at the location; asking again gives
    the same code); the channel gets it in the ``fulfillment.ready_for_pickup`` event and
    the customer on the tracking page. Other answers never show it."""
    days = (body or s.PickupReady()).hold_days
    version = expected_version(request)

    def use_case(uow: UnitOfWork) -> s.PickupReadyRead:
        f = pickup.ready_for_pickup(uow, principal, fulfillment_id, days, version)
        waiting = f.status == Status.READY_FOR_PICKUP
        read = present(uow, [f])[0]
        return s.PickupReadyRead(**dict(read), pickup_code=f.pickup_code if waiting else None)

    read = db.run(principal.actor, use_case)
    set_etag(response, read.version)
    return read


@router.post("/fulfillments/{fulfillment_id}/picked-up", response_model=s.FulfillmentRead)
def picked_up(
    fulfillment_id: str,
    body: s.PickupConfirm,
    response: Response,
    db: DbDep,
    principal: FulfillmentWrite,
) -> s.FulfillmentRead:
    """The customer collected it; 422 ``invalid_pickup_code`` if the code does not match."""
    return answer(
        db,
        principal,
        response,
        lambda uow: pickup.picked_up(uow, principal, fulfillment_id, body.pickup_code),
    )


@router.post("/fulfillments/{fulfillment_id}/pick", response_model=s.FulfillmentRead)
def pick(
    fulfillment_id: str,
    request: Request,
    response: Response,
    db: DbDep,
    principal: FulfillmentWrite,
    body: s.PickConfirm | None = None,
) -> s.FulfillmentRead:
    """Confirm picked quantities; ``allow_short`` reports units not found (short pick)."""
    body = body or s.PickConfirm()
    version = expected_version(request)
    lines = [ln.model_dump() for ln in body.lines] if body.lines is not None else None
    return answer(
        db,
        principal,
        response,
        lambda uow: work.confirm_pick(
            uow, principal, fulfillment_id, lines, body.allow_short, version
        ),
    )


@router.post("/fulfillments/{fulfillment_id}/pack", response_model=s.FulfillmentRead)
def pack(
    fulfillment_id: str,
    request: Request,
    response: Response,
    db: DbDep,
    principal: FulfillmentWrite,
    body: s.PackConfirm | None = None,
) -> s.FulfillmentRead:
    """Pack the picked units into packages with weight and dimensions."""
    version = expected_version(request)
    packages = [p.model_dump() for p in body.packages] if body and body.packages else None
    return answer(
        db,
        principal,
        response,
        lambda uow: shipments.pack(uow, principal, fulfillment_id, packages, version),
    )


@router.get("/fulfillments/{fulfillment_id}/events", response_model=Page[EventRead])
def fulfillment_timeline(
    fulfillment_id: str, db: DbDep, principal: FulfillmentRead
) -> Page[EventRead]:
    """Every change to this fulfillment and its shipments, oldest first."""

    def query(uow: UnitOfWork) -> list[EventRead]:
        f = service.get_fulfillment(uow, principal, fulfillment_id)
        mine = {f.id} | {p.id for p in f.packages}
        found, after = [], None
        while True:
            rows = uow.repo(EventRepository).for_order(f.order_id, after=after, limit=500)
            found += [r for r in rows if r["aggregate_id"] in mine]
            if len(rows) < 500:
                break
            after = rows[-1]["seq"]
        keys = ("seq", "id", "type", "occurred_at", "aggregate_type", "aggregate_id", "data")
        return [
            EventRead(
                **{k: r[k] for k in keys},
                actor={"kind": r["actor_kind"], "id": r["actor_id"], "name": r["actor_name"]},
            )
            for r in found
        ]

    return Page[EventRead](items=db.run(principal.actor, query, read_only=True))
