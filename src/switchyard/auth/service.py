"""Use cases for API keys."""

from __future__ import annotations

from typing import Any

from switchyard.auth.domain import Principal, generate_key, hash_key, validate_scopes
from switchyard.auth.repository import ApiKeyRepository
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import not_found
from switchyard.kernel.events import DomainEvent
from switchyard.kernel.ids import new_id
from switchyard.locations.repository import LocationRepository


def create_api_key(
    uow: UnitOfWork, name: str, scopes: list[str], location_ids: list[str] | None = None
) -> tuple[dict[str, Any], str]:
    """Create a key; returns its record and the raw key, which is never shown again."""
    if location_ids is not None:
        location_ids = uow.repo(LocationRepository).require_ids(location_ids, "locations")
    raw, prefix = generate_key()
    key_id = new_id("key")
    row: dict[str, Any] = {
        "id": key_id,
        "name": name,
        "prefix": prefix,
        "key_hash": hash_key(raw),
        "scopes": validate_scopes(scopes),
        "location_ids": location_ids or None,
        "created_at": utcnow(),
        "revoked_at": None,
    }
    uow.repo(ApiKeyRepository).add(row)
    uow.emit(
        DomainEvent("api_key.created", "api_key", key_id, {"name": name, "scopes": row["scopes"]})
    )
    return row, raw


def revoke_api_key(uow: UnitOfWork, key_id: str) -> None:
    if not uow.repo(ApiKeyRepository).revoke(key_id):
        raise not_found("api_key", key_id)
    uow.emit(DomainEvent("api_key.revoked", "api_key", key_id))


def authenticate(uow: UnitOfWork, raw: str) -> Principal | None:
    row = uow.repo(ApiKeyRepository).by_hash(hash_key(raw))
    if row is None or row["revoked_at"] is not None:
        return None
    locations = row["location_ids"]
    return Principal(
        key_id=row["id"],
        name=row["name"],
        scopes=frozenset(row["scopes"]),
        location_ids=frozenset(locations) if locations else None,
    )
