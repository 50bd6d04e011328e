"""Location use cases."""

from __future__ import annotations

from typing import Any

from switchyard.db.uow import UnitOfWork
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import Conflict, PreconditionFailed, check_version, not_found
from switchyard.kernel.events import DomainEvent
from switchyard.kernel.ids import new_id
from switchyard.locations.domain import validate_location
from switchyard.locations.repository import LocationRepository

DEFAULTS: dict[str, Any] = {
    "capabilities": ["ship"],
    "processing_days": [1, 2, 3, 4, 5],
    "cutoff_time": "15:00",
    "timezone": "UTC",
    "daily_capacity": None,
    "latitude": None,
    "longitude": None,
    "active": True,
}


def create_location(uow: UnitOfWork, values: dict[str, Any]) -> dict[str, Any]:
    values = {**DEFAULTS, **{k: v for k, v in values.items() if v is not None}}
    validate_location(values)
    repo = uow.repo(LocationRepository)
    if repo.code_taken(values["code"]):
        raise Conflict("location_code_taken", f"a location with code '{values['code']}' exists")
    now = utcnow()
    row = {"id": new_id("loc"), **values, "version": 1, "created_at": now, "updated_at": now}
    repo.add(row)
    uow.emit(DomainEvent("location.created", "location", row["id"], {"code": row["code"]}))
    return row


def get_location(uow: UnitOfWork, ref: str) -> dict[str, Any]:
    row = uow.repo(LocationRepository).get(ref)
    if row is None:
        raise not_found("location", ref)
    return row


def update_location(
    uow: UnitOfWork, ref: str, changes: dict[str, Any], expected_version: int | None
) -> dict[str, Any]:
    current = get_location(uow, ref)
    check_version("location", expected_version, current["version"])
    validate_location(changes)
    if not uow.repo(LocationRepository).update(current["id"], current["version"], changes):
        raise PreconditionFailed("version_mismatch", "the location changed meanwhile: reload it")
    before = {k: current.get(k) for k in changes}
    uow.emit(
        DomainEvent(
            "location.updated", "location", current["id"], {"before": before, "after": changes}
        )
    )
    return get_location(uow, current["id"])
