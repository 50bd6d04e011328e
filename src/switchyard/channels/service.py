"""Channel use cases. They never commit: Database.run does."""

from __future__ import annotations

from typing import Any

from switchyard.channels.domain import validate_channel
from switchyard.channels.repository import ChannelRepository
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import Conflict, PreconditionFailed, check_version, not_found
from switchyard.kernel.events import DomainEvent
from switchyard.kernel.ids import new_id
from switchyard.locations.repository import LocationRepository


def create_channel(uow: UnitOfWork, values: dict[str, Any]) -> dict[str, Any]:
    values = validate_channel(values)
    repo = uow.repo(ChannelRepository)
    if repo.code_taken(values["code"]):
        raise Conflict("channel_code_taken", f"a channel with code '{values['code']}' exists")
    location_ids = values.pop("location_ids", None) or []
    now = utcnow()
    row = {
        "id": new_id("chn"),
        "settings": {},
        "backorder_policy": "deny",
        **values,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    repo.add(row)
    if location_ids:
        _set_locations(uow, row["id"], location_ids)
    uow.emit(DomainEvent("channel.created", "channel", row["id"], {"code": row["code"]}))
    return get_channel(uow, row["id"])


def get_channel(uow: UnitOfWork, ref: str) -> dict[str, Any]:
    repo = uow.repo(ChannelRepository)
    row = repo.get(ref)
    if row is None:
        raise not_found("channel", ref)
    row["location_ids"] = repo.location_ids(row["id"])
    return row


def update_channel(
    uow: UnitOfWork, ref: str, changes: dict[str, Any], expected_version: int | None
) -> dict[str, Any]:
    current = get_channel(uow, ref)
    check_version("channel", expected_version, current["version"])
    changes = validate_channel(changes)
    location_ids = changes.pop("location_ids", None)
    if changes and not uow.repo(ChannelRepository).update(
        current["id"], current["version"], changes
    ):
        raise PreconditionFailed("version_mismatch", "the channel changed meanwhile: reload it")
    if location_ids is not None:
        _set_locations(uow, current["id"], location_ids)
        changes["location_ids"] = location_ids
    before = {k: current.get(k) for k in changes}
    uow.emit(
        DomainEvent(
            "channel.updated",
            "channel",
            current["id"],
            {"before": before, "after": changes},
            channel_id=current["id"],
        )
    )
    return get_channel(uow, current["id"])


def _set_locations(uow: UnitOfWork, channel_id: str, location_ids: list[str]) -> None:
    ids = uow.repo(LocationRepository).require_ids(location_ids)
    uow.repo(ChannelRepository).set_location_ids(channel_id, ids)
