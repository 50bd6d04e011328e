"""Turn the ids or codes an API client sends into ids, naming every unknown one."""

from __future__ import annotations

from switchyard.channels.repository import ChannelRepository
from switchyard.db.uow import UnitOfWork
from switchyard.inventory.availability_repository import AvailabilityRepository
from switchyard.kernel.errors import FieldError, ValidationFailed, not_found
from switchyard.locations.repository import LocationRepository


def location_id(uow: UnitOfWork, ref: str, field: str = "location") -> str:
    row = uow.repo(LocationRepository).get(ref)
    if row is None:
        raise ValidationFailed(
            "unknown_location",
            f"unknown location '{ref}'",
            [FieldError(field, "unknown_location", ref)],
        )
    return str(row["id"])


def sku_ids(uow: UnitOfWork, refs: list[str], field: str) -> list[str]:
    """Ids for ``refs`` in order; unknown ones reported as ``{field}`` with ``{i}`` filled in."""
    rows = uow.repo(AvailabilityRepository).skus(sorted(set(refs)))
    by_ref = {r["id"]: r["id"] for r in rows} | {r["sku"]: r["id"] for r in rows}
    errors = [
        FieldError(field.format(i=i), "unknown_sku", ref)
        for i, ref in enumerate(refs)
        if ref not in by_ref
    ]
    if errors:
        raise ValidationFailed("unknown_sku", f"{len(errors)} unknown SKU(s)", errors)
    return [by_ref[ref] for ref in refs]


def sku_id(uow: UnitOfWork, ref: str, field: str = "sku") -> str:
    return sku_ids(uow, [ref], field)[0]


def sku_or_404(uow: UnitOfWork, ref: str) -> str:
    rows = uow.repo(AvailabilityRepository).skus([ref])
    if not rows:
        raise not_found("sku", ref)
    return str(rows[0]["id"])


def location_or_404(uow: UnitOfWork, ref: str) -> str:
    row = uow.repo(LocationRepository).get(ref)
    if row is None:
        raise not_found("location", ref)
    return str(row["id"])


def channel_id(uow: UnitOfWork, ref: str) -> str:
    row = uow.repo(ChannelRepository).get(ref)
    if row is None:
        raise not_found("channel", ref)
    return str(row["id"])
