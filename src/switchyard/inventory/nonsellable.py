"""Non-sellable stock (issue 16): units at a location that are not for sale.

A returned unit inspected as damaged is put here instead of on hand: it is visible in
inventory (``GET /inventory/nonsellable``) but never in availability, so no order can
take it. Every change is a ledger row, and ``verify`` checks balances against it.
"""

from __future__ import annotations

from typing import Any

from switchyard.db.uow import UnitOfWork
from switchyard.inventory.nonsellable_repository import NonsellableRepository
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import FieldError, ValidationFailed
from switchyard.kernel.ids import new_id

DAMAGED = "damaged"
RETURN_TO_VENDOR = "return_to_vendor"
STATUSES = (DAMAGED, RETURN_TO_VENDOR)


def put(
    uow: UnitOfWork,
    sku_id: str,
    location_id: str,
    status: str,
    quantity: int,
    *,
    reason: str,
    reference: str | None = None,
) -> int:
    """Add ``quantity`` units of non-sellable stock in ``status``; the new balance."""
    if status not in STATUSES or quantity <= 0:
        raise ValidationFailed(
            "invalid_nonsellable",
            "non-sellable stock is damaged or return_to_vendor, one unit or more",
            [FieldError("status", "invalid_choice", ", ".join(STATUSES))],
        )
    now = utcnow()
    repo = uow.repo(NonsellableRepository)
    balance = repo.add((sku_id, location_id, status), quantity, now)
    repo.add_movement(
        {
            "id": new_id("nsm"),
            "sku_id": sku_id,
            "location_id": location_id,
            "status": status,
            "quantity": quantity,
            "reason": reason[:200],
            "reference": reference[:100] if reference else None,
            "occurred_at": now,
            "actor_id": uow.actor.id[:40],
        }
    )
    return balance


def levels(
    uow: UnitOfWork, *, location_id: str | None = None, sku_id: str | None = None
) -> list[dict[str, Any]]:
    return uow.repo(NonsellableRepository).levels(location_id=location_id, sku_id=sku_id)


def differences(uow: UnitOfWork, sku_ids: list[str] | None) -> list[dict[str, Any]]:
    """Balances that their ledger does not explain (for ``verify``)."""
    return [
        {
            "check": "nonsellable",
            "sku_id": key[0],
            "location_id": key[1],
            "status": key[2],
            "expected": expected,
            "actual": actual,
        }
        for key, expected, actual in uow.repo(NonsellableRepository).mismatches(sku_ids)
    ]
