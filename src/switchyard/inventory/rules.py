"""Selling rules as data: backorder policy per SKU, protected units per channel."""

from __future__ import annotations

from typing import Any

from switchyard.db.uow import UnitOfWork
from switchyard.inventory.domain import check_policy
from switchyard.inventory.policy_repository import PolicyRepository
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import FieldError, ValidationFailed
from switchyard.kernel.events import DomainEvent


def set_sku_policy(uow: UnitOfWork, sku_id: str, policy: str | None) -> None:
    """Override the channel's backorder policy for one SKU (None: use the channel's)."""
    if policy is not None:
        check_policy(policy)
    uow.repo(PolicyRepository).set_sku_policy(sku_id, policy, utcnow())
    uow.emit(DomainEvent("inventory.policy_changed", "sku", sku_id, {"backorder_policy": policy}))


def set_protection(
    uow: UnitOfWork, channel_id: str, sku_id: str | None, quantity: int | None
) -> None:
    """Keep ``quantity`` units of a SKU (or of every SKU) away from a channel; None clears."""
    if quantity is not None and quantity < 0:
        raise ValidationFailed(
            "invalid_protection",
            "a protection quantity is zero or more",
            [FieldError("quantity", "out_of_range", "zero or more")],
        )
    uow.repo(PolicyRepository).set_protection(channel_id, sku_id, quantity, utcnow())
    uow.emit(
        DomainEvent(
            "inventory.protection_changed",
            "channel",
            channel_id,
            {"sku_id": sku_id, "quantity": quantity},
            channel_id=channel_id,
        )
    )


def protections(uow: UnitOfWork, channel_id: str) -> dict[str, Any]:
    repo = uow.repo(PolicyRepository)
    found = repo.protections(channel_id, None)
    return {
        "channel_id": channel_id,
        "default": found.get(None),
        "skus": [
            {"sku_id": r["sku_id"], "quantity": r["quantity"]}
            for r in repo.list_protections(channel_id)
        ],
    }
