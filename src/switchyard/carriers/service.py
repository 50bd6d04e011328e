"""Carrier use cases: definitions, zones, quotes and rate shopping, tracking numbers.

Fulfillment calls ``quote_and_choose`` when it books labels and ``tracking_numbers``
when a carrier hands out none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from switchyard.carriers import tracking_numbers
from switchyard.carriers.domain import Quote, Rate, Service, quote, rate_errors, shop
from switchyard.carriers.repository import CarrierRepository
from switchyard.carriers.zones import ZONES, Place, Zone, zone_for
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import (
    Conflict,
    FieldError,
    PreconditionFailed,
    ValidationFailed,
    check_version,
    not_found,
)
from switchyard.kernel.events import DomainEvent
from switchyard.kernel.ids import new_id


def _check_carrier(values: dict[str, Any]) -> None:
    errors: list[FieldError] = []
    if values.get("tracking_pattern"):
        errors += tracking_numbers.pattern_errors(values["tracking_pattern"])
    url = values.get("tracking_url")
    if url and (not url.startswith(("https://", "http://")) or "{tracking_number}" not in url):
        errors.append(
            FieldError("tracking_url", "invalid_url", "an http(s) URL with {tracking_number}")
        )
    if errors:
        raise ValidationFailed("invalid_carrier", "the carrier is not valid", errors)


def _event(type_: str, carrier: dict[str, Any], data: dict[str, Any]) -> DomainEvent:
    return DomainEvent(type_, "carrier", carrier["id"], {"code": carrier["code"], **data})


def create_carrier(uow: UnitOfWork, values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    services = values.pop("services", None) or []
    _check_carrier(values)
    repo = uow.repo(CarrierRepository)
    if repo.code_taken(values["code"]):
        raise Conflict("carrier_code_taken", f"a carrier with code '{values['code']}' exists")
    now = utcnow()
    row = {"id": new_id("car"), **values, "version": 1, "created_at": now, "updated_at": now}
    repo.add(row)
    for i, svc in enumerate(services):
        _put_service(uow, row["id"], svc, prefix=f"services.{i}.")
    uow.emit(_event("carrier.created", row, {"services": [s["code"] for s in services]}))
    return get_carrier(uow, row["id"])


def _put_service(uow: UnitOfWork, carrier_id: str, svc: dict[str, Any], prefix: str = "") -> None:
    rates = [Rate(r["zone"], r["max_weight_grams"], r["amount"]) for r in svc.get("rates", [])]
    transit = dict(svc.get("transit_days", {}))
    errors = rate_errors(rates, transit, ZONES)
    if errors:
        raise ValidationFailed(
            "invalid_service",
            "the service's rate or transit table is not valid",
            [FieldError(prefix + e.field, e.code, e.message) for e in errors],
        )
    values = {k: svc[k] for k in ("code", "name", "currency")} | {"active": svc.get("active", True)}
    uow.repo(CarrierRepository).put_service(carrier_id, values, rates, transit)


def _require(uow: UnitOfWork, ref: str) -> dict[str, Any]:
    row = uow.repo(CarrierRepository).get(ref)
    if row is None:
        raise not_found("carrier", ref)
    return row


def get_carrier(uow: UnitOfWork, ref: str) -> dict[str, Any]:
    row = _require(uow, ref)
    services = uow.repo(CarrierRepository).services([row["id"]])
    return {**row, "services": [service_view(s, active) for s, active in services]}


def service_view(s: Service, active: bool = True) -> dict[str, Any]:
    return {
        "code": s.code,
        "name": s.name,
        "currency": s.currency,
        "active": active,
        "rates": [
            {"zone": r.zone, "max_weight_grams": r.max_weight_grams, "amount": r.amount}
            for r in s.rates
        ],
        "transit_days": dict(sorted(s.transit_days.items())),
    }


def update_carrier(
    uow: UnitOfWork, ref: str, expected: int | None, values: dict[str, Any]
) -> dict[str, Any]:
    row = _require(uow, ref)
    check_version("carrier", expected, row["version"])
    _check_carrier(values)
    if values and not uow.repo(CarrierRepository).update(row["id"], row["version"], values):
        raise PreconditionFailed("version_mismatch", f"carrier {ref} changed meanwhile")
    uow.emit(_event("carrier.updated", row, {"changes": sorted(values)}))
    return get_carrier(uow, row["id"])


def put_service(
    uow: UnitOfWork, ref: str, expected: int | None, svc: dict[str, Any]
) -> dict[str, Any]:
    """Create or replace a service (and its tables); the carrier's version moves on."""
    row = _require(uow, ref)
    check_version("carrier", expected, row["version"])
    _put_service(uow, row["id"], svc)
    if not uow.repo(CarrierRepository).update(row["id"], row["version"], {}):
        raise PreconditionFailed("version_mismatch", f"carrier {ref} changed meanwhile")
    uow.emit(_event("carrier.service_defined", row, {"service": svc["code"]}))
    return get_carrier(uow, row["id"])


def zone_between(uow: UnitOfWork, origin: Place, destination: Place) -> Zone:
    known = uow.repo(CarrierRepository).centroids_for([origin, destination])
    return zone_for(origin, destination, known)


@dataclass(frozen=True, slots=True)
class Shopping:
    zone: Zone
    quotes: list[Quote]
    best: Quote | None


def quote_and_choose(
    uow: UnitOfWork,
    origin: Place,
    destination: Place,
    weights: list[int | None],
    *,
    deliver_by: date | None = None,
    carriers: list[str] | None = None,
    service: str | None = None,
    ship_date: date | None = None,
) -> Shopping:
    """Quotes of every active service (of ``carriers``, and named ``service``, if given)
    and the chosen one: the cheapest that meets ``deliver_by``."""
    if carriers is not None:
        known = uow.repo(CarrierRepository).by_codes(carriers)
        unknown = [c for c in carriers if c not in known]
        if unknown:
            raise ValidationFailed(
                "unknown_carrier",
                f"unknown carrier(s): {', '.join(unknown)}",
                [FieldError("carriers", "unknown_carrier", c) for c in unknown],
            )
    zone = zone_between(uow, origin, destination)
    day = ship_date or utcnow().date()
    offered = [
        s
        for s, _ in uow.repo(CarrierRepository).services(codes=carriers, active_only=True)
        if service is None or s.code == service
    ]
    quotes = [q for s in offered if (q := quote(s, zone.zone, weights, day, deliver_by))]
    quotes.sort(key=lambda q: (q.amount, q.transit_days, q.carrier, q.service))
    return Shopping(zone, quotes, shop(quotes))


def tracking_url(carrier: dict[str, Any] | None, number: str | None) -> str | None:
    if not carrier or not number or not carrier.get("tracking_url"):
        return None
    return str(carrier["tracking_url"]).replace("{tracking_number}", number)


def new_tracking_numbers(uow: UnitOfWork, carrier_code: str, count: int) -> list[str]:
    """Numbers from the carrier's pattern; Conflict if the carrier supplies its own."""
    row = uow.repo(CarrierRepository).get(carrier_code)
    if row is None:
        raise not_found("carrier", carrier_code)
    if not row["tracking_pattern"]:
        raise Conflict(
            "tracking_number_required",
            f"carrier {carrier_code} supplies tracking numbers: send them",
            [FieldError("tracking_numbers", "required", "one per package")],
        )
    return [tracking_numbers.generate(row["tracking_pattern"]) for _ in range(count)]


def put_centroids(uow: UnitOfWork, rows: list[dict[str, Any]]) -> int:
    uow.repo(CarrierRepository).put_centroids(rows)
    return len(rows)


def place_of_location(loc: dict[str, Any]) -> Place:
    address = loc.get("address") or {}
    return Place(
        country_code=str(address.get("country_code", "")),
        postal_code=address.get("postal_code"),
        city=address.get("city"),
        latitude=loc.get("latitude"),
        longitude=loc.get("longitude"),
    )


def place_of_address(address: dict[str, Any]) -> Place:
    return Place(
        country_code=str(address.get("country_code", "")),
        postal_code=address.get("postal_code"),
        city=address.get("city"),
    )
