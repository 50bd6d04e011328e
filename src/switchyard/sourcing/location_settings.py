"""Per-location sourcing settings: priority, networks, handling days, holidays, opening
hours and pickup preparation time (the rest comes from the location itself)."""

from __future__ import annotations

from typing import Any

from switchyard.db.uow import UnitOfWork
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import FieldError, ValidationFailed, not_found
from switchyard.kernel.events import DomainEvent
from switchyard.locations.repository import LocationRepository
from switchyard.sourcing.adapter import DEFAULT_SETTINGS
from switchyard.sourcing.repository import SourcingRepository


def location_settings(uow: UnitOfWork, ref: str) -> dict[str, Any]:
    loc = uow.repo(LocationRepository).get(ref)
    if loc is None:
        raise not_found("location", ref)
    stored = uow.repo(SourcingRepository).location_settings([loc["id"]]).get(loc["id"], {})
    values = {k: stored.get(k, v) for k, v in DEFAULT_SETTINGS.items()}
    return {"location_id": loc["id"], **values}


def put_location_settings(uow: UnitOfWork, ref: str, values: dict[str, Any]) -> dict[str, Any]:
    """Priority, networks, handling days, holidays, opening hours, pickup lead time."""
    loc = uow.repo(LocationRepository).get(ref)
    if loc is None:
        raise not_found("location", ref)
    if values["opens"] >= values["closes"]:
        raise ValidationFailed(
            "invalid_opening_hours",
            "a location must open before it closes",
            [FieldError("closes", "before_opening", f"after {values['opens']}")],
        )
    row = {
        **values,
        "location_id": loc["id"],
        "holidays": sorted({d.isoformat() for d in values["holidays"]}),
        "networks": sorted(set(values["networks"])),
        "updated_at": utcnow(),
    }
    uow.repo(SourcingRepository).put_location_settings(row)
    shown = {k: v for k, v in row.items() if k not in ("location_id", "updated_at")}
    uow.emit(DomainEvent("sourcing.location_settings_changed", "location", loc["id"], shown))
    return location_settings(uow, loc["id"])
