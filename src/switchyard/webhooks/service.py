"""Use cases for webhook endpoints and the delivery log. They never commit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from switchyard.channels.repository import ChannelRepository
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
from switchyard.webhooks.domain import (
    generate_secret,
    validate_event_types,
    validate_secret,
    validate_url,
)
from switchyard.webhooks.repository import DeliveryRepository, EndpointRepository

PUBLIC_FIELDS = ("url", "description", "event_types", "channel_ids", "enabled")


def _emit(uow: UnitOfWork, kind: str, endpoint: dict[str, Any], **data: Any) -> None:
    uow.emit(DomainEvent(f"webhook_endpoint.{kind}", "webhook_endpoint", endpoint["id"], data))


def _resolve_channels(uow: UnitOfWork, refs: list[str]) -> list[str]:
    repo = uow.repo(ChannelRepository)
    ids: list[str] = []
    errors = []
    for i, ref in enumerate(refs):
        row = repo.get(ref)
        if row is None:
            errors.append(FieldError(f"channel_ids.{i}", "unknown_channel", f"no channel '{ref}'"))
        elif row["id"] not in ids:
            ids.append(row["id"])
    if errors:
        raise ValidationFailed(
            "unknown_channel", "the channel filter names unknown channels", errors
        )
    return ids


def _clean(uow: UnitOfWork, values: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise the subscription fields present in ``values``."""
    clean = dict(values)
    nulls = [k for k in ("url", "event_types") if k in clean and clean[k] is None]
    if nulls:
        raise ValidationFailed(
            "invalid_webhook_endpoint",
            "required fields cannot be null",
            [FieldError(k, "required", "cannot be null") for k in nulls],
        )
    if "url" in clean:
        clean["url"] = validate_url(clean["url"])
    if "event_types" in clean:
        clean["event_types"] = validate_event_types(clean["event_types"])
    if "channel_ids" in clean:
        clean["channel_ids"] = _resolve_channels(uow, clean["channel_ids"] or [])
    return clean


def create_endpoint(uow: UnitOfWork, values: dict[str, Any]) -> dict[str, Any]:
    """Subscribe an endpoint; the returned row holds the secret (shown to the caller once)."""
    secret = values.get("secret")
    clean = _clean(uow, {k: values.get(k) for k in PUBLIC_FIELDS if k != "enabled"})
    now = utcnow()
    enabled = values.get("enabled", True)
    row = {
        "id": new_id("whe"),
        **clean,
        "secret": validate_secret(secret) if secret else generate_secret(),
        "previous_secret": None,
        "previous_secret_expires_at": None,
        "enabled": enabled,
        "disabled_reason": None if enabled else "manual",
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    uow.repo(EndpointRepository).add(row)
    _emit(uow, "created", row, **{k: row[k] for k in PUBLIC_FIELDS})
    return row


def get_endpoint(uow: UnitOfWork, endpoint_id: str) -> dict[str, Any]:
    row = uow.repo(EndpointRepository).get(endpoint_id)
    if row is None:
        raise not_found("webhook_endpoint", endpoint_id)
    return row


def update_endpoint(
    uow: UnitOfWork, endpoint_id: str, changes: dict[str, Any], expected_version: int | None
) -> dict[str, Any]:
    current = get_endpoint(uow, endpoint_id)
    check_version("webhook_endpoint", expected_version, current["version"])
    clean = _clean(uow, changes)
    if clean.get("enabled") is not None:
        clean["disabled_reason"] = None if clean["enabled"] else "manual"
    elif "enabled" in clean:
        del clean["enabled"]
    if clean and not uow.repo(EndpointRepository).update(current["id"], current["version"], clean):
        raise PreconditionFailed("version_mismatch", "the endpoint changed meanwhile: reload it")
    if clean:
        before = {k: current[k] for k in clean}
        _emit(uow, "updated", current, before=before, after=clean)
    return get_endpoint(uow, current["id"])


def delete_endpoint(uow: UnitOfWork, endpoint_id: str, expected_version: int | None) -> None:
    """Delete an endpoint with its delivery log (disable it instead to keep the log)."""
    current = get_endpoint(uow, endpoint_id)
    check_version("webhook_endpoint", expected_version, current["version"])
    if not uow.repo(EndpointRepository).delete(current["id"], current["version"]):
        raise PreconditionFailed("version_mismatch", "the endpoint changed meanwhile: reload it")
    _emit(uow, "deleted", current, url=current["url"])


def rotate_secret(
    uow: UnitOfWork, endpoint_id: str, keep_previous_seconds: int, secret: str | None = None
) -> dict[str, Any]:
    """Replace the signing secret; the old one keeps signing too for a grace period."""
    current = get_endpoint(uow, endpoint_id)
    now = utcnow()
    keep = keep_previous_seconds > 0
    until = now + timedelta(seconds=keep_previous_seconds) if keep else None
    values = {
        "secret": validate_secret(secret) if secret else generate_secret(),
        "previous_secret": current["secret"] if keep else None,
        "previous_secret_expires_at": until,
    }
    if not uow.repo(EndpointRepository).update(current["id"], current["version"], values):
        raise PreconditionFailed("version_mismatch", "the endpoint changed meanwhile: reload it")
    _emit(uow, "secret_rotated", current, previous_valid_until=until.isoformat() if until else None)
    return get_endpoint(uow, current["id"])


def get_delivery(uow: UnitOfWork, delivery_id: str) -> dict[str, Any]:
    repo = uow.repo(DeliveryRepository)
    row = repo.get(delivery_id)
    if row is None:
        raise not_found("webhook_delivery", delivery_id)
    row["attempt_log"] = repo.attempts(delivery_id)
    return row


def retry_delivery(uow: UnitOfWork, delivery_id: str) -> dict[str, Any]:
    """Queue a delivery again now (manual redelivery), with a fresh retry window."""
    current = get_delivery(uow, delivery_id)
    if not get_endpoint(uow, current["endpoint_id"])["enabled"]:
        raise Conflict(
            "endpoint_disabled", "the endpoint is disabled: enable it before redelivering"
        )
    if not uow.repo(DeliveryRepository).reset_for_retry(delivery_id, utcnow()):
        raise Conflict("delivery_in_flight", "a worker is delivering it right now; retry later")
    uow.emit(
        DomainEvent(
            "webhook_delivery.retried",
            "webhook_delivery",
            delivery_id,
            {"endpoint_id": current["endpoint_id"], "event_id": current["event_id"]},
            order_id=current["order_id"],
        )
    )
    return get_delivery(uow, delivery_id)
