from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from switchyard.api import idempotency
from switchyard.api.deps import CarriersRead, CarriersWrite, DbDep
from switchyard.api.etag import expected_version, set_etag
from switchyard.api.pagination import Cursor, Limit, Page, decode_cursor, page_of
from switchyard.carriers import service
from switchyard.carriers.domain import Quote
from switchyard.carriers.repository import CarrierRepository
from switchyard.carriers.schemas import (
    CarrierCreate,
    CarrierRead,
    CarrierUpdate,
    CentroidRead,
    CentroidsPut,
    QuoteRead,
    QuoteRequest,
    QuoteResponse,
    ServicePut,
    ZoneRead,
)
from switchyard.carriers.zones import CITY, POSTAL, Place, fold_city, fold_postal
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.errors import FieldError, ValidationFailed, not_found
from switchyard.kernel.money import format_amount
from switchyard.locations.repository import LocationRepository

router = APIRouter(tags=["carriers"])


def _read(row: dict[str, Any]) -> CarrierRead:
    services = [
        {
            **s,
            "rates": [
                {**r, "amount": format_amount(r["amount"], s["currency"])} for r in s["rates"]
            ],
        }
        for s in row["services"]
    ]
    return CarrierRead(**{**row, "services": services})


@router.post("/carriers", status_code=201, response_model=CarrierRead)
def create_carrier(
    body: CarrierCreate, request: Request, db: DbDep, principal: CarriersWrite
) -> JSONResponse:
    """A carrier with its services, rate tables (zone x weight band) and transit days."""

    def use_case(uow: UnitOfWork) -> CarrierRead:
        return _read(service.create_carrier(uow, body.model_dump()))

    return idempotency.create(
        request, db, principal, body, use_case, headers=lambda r: {"ETag": f'"{r["version"]}"'}
    )


@router.get("/carriers", response_model=Page[CarrierRead])
def list_carriers(
    db: DbDep,
    principal: CarriersRead,
    limit: Limit = 50,
    cursor: Cursor = None,
    active: bool | None = None,
) -> Page[CarrierRead]:
    after = decode_cursor(cursor)

    def query(uow: UnitOfWork) -> list[CarrierRead]:
        rows = uow.repo(CarrierRepository).page(
            active=active, after_id=after[0] if after else None, limit=limit
        )
        return [_read(service.get_carrier(uow, r["id"])) for r in rows]

    return page_of(db.run(principal.actor, query, read_only=True), limit, lambda c: [c.id])


@router.get("/carriers/{ref}", response_model=CarrierRead)
def get_carrier(ref: str, response: Response, db: DbDep, principal: CarriersRead) -> CarrierRead:
    row = db.run(principal.actor, lambda uow: service.get_carrier(uow, ref), read_only=True)
    set_etag(response, row["version"])
    return _read(row)


@router.patch("/carriers/{ref}", response_model=CarrierRead)
def update_carrier(
    ref: str,
    body: CarrierUpdate,
    request: Request,
    response: Response,
    db: DbDep,
    principal: CarriersWrite,
) -> CarrierRead:
    version = expected_version(request, body.version)
    values = body.model_dump(exclude_unset=True, exclude={"version"})
    row = db.run(principal.actor, lambda uow: service.update_carrier(uow, ref, version, values))
    set_etag(response, row["version"])
    return _read(row)


@router.put("/carriers/{ref}/services/{code}", response_model=CarrierRead)
def put_service(
    ref: str,
    code: str,
    body: ServicePut,
    request: Request,
    response: Response,
    db: DbDep,
    principal: CarriersWrite,
) -> CarrierRead:
    """Create or replace one service with its rate and transit tables."""
    version = expected_version(request, body.version)
    svc = {**body.model_dump(exclude={"version"}), "code": code}
    row = db.run(principal.actor, lambda uow: service.put_service(uow, ref, version, svc))
    set_etag(response, row["version"])
    return _read(row)


def _quote(q: Quote) -> QuoteRead:
    return QuoteRead(
        carrier=q.carrier,
        service=q.service,
        service_name=q.service_name,
        amount=format_amount(q.amount, q.currency),
        currency=q.currency,
        transit_days=q.transit_days,
        ship_date=q.ship_date,
        estimated_delivery=q.estimated_delivery,
        meets_promise=q.meets_promise,
    )


@router.post("/rate-quotes", response_model=QuoteResponse)
def rate_quotes(body: QuoteRequest, db: DbDep, principal: CarriersRead) -> QuoteResponse:
    """Every service's price and delivery date from a location to a destination, and the
    cheapest that meets ``deliver_by`` (rate shopping). Nothing is stored."""

    def use_case(uow: UnitOfWork) -> QuoteResponse:
        loc = uow.repo(LocationRepository).get(body.location)
        if loc is None:
            raise not_found("location", body.location)
        found = service.quote_and_choose(
            uow,
            service.place_of_location(loc),
            Place(**body.destination.model_dump()),
            list(body.weights_grams),
            deliver_by=body.deliver_by,
            carriers=body.carriers,
            ship_date=body.ship_date,
        )
        return QuoteResponse(
            zone=ZoneRead(
                zone=found.zone.zone, distance_km=found.zone.distance_km, basis=found.zone.basis
            ),
            quotes=[_quote(q) for q in found.quotes],
            best=_quote(found.best) if found.best else None,
        )

    return db.run(principal.actor, use_case, read_only=True)


@router.put("/geo-centroids", response_model=dict[str, int])
def put_centroids(body: CentroidsPut, db: DbDep, principal: CarriersWrite) -> dict[str, int]:
    """Load postal-code (or prefix) and city centres, so zones need no online geocoding."""
    errors = [
        FieldError(f"centroids.{i}", "postal_code_or_city", "give exactly one of them")
        for i, c in enumerate(body.centroids)
        if (c.postal_code is None) == (c.city is None)
    ]
    if errors:
        raise ValidationFailed(
            "invalid_centroids", "each centroid is a postal code or a city", errors
        )
    rows = {
        (c.country_code, kind, key): {
            "country_code": c.country_code,
            "kind": kind,
            "key": key,
            "latitude": c.latitude,
            "longitude": c.longitude,
        }
        for c in body.centroids
        for kind, key in [
            (POSTAL, fold_postal(c.postal_code))
            if c.postal_code
            else (CITY, fold_city(c.city or ""))
        ]
    }
    count = db.run(principal.actor, lambda uow: service.put_centroids(uow, list(rows.values())))
    return {"stored": count}


@router.get("/geo-centroids", response_model=Page[CentroidRead])
def list_centroids(
    db: DbDep,
    principal: CarriersRead,
    limit: Limit = 100,
    cursor: Cursor = None,
    country_code: str | None = None,
) -> Page[CentroidRead]:
    after = decode_cursor(cursor)
    key = (after[0], after[1], after[2]) if after and len(after) == 3 else None
    rows = db.run(
        principal.actor,
        lambda uow: uow.repo(CarrierRepository).centroid_page(country_code, key, limit),
        read_only=True,
    )
    return page_of(
        [CentroidRead(**r) for r in rows], limit, lambda c: [c.country_code, c.kind, c.key]
    )
