"""Cart holds: reservations with an expiry and no order yet, released as a group.

Expired holds stop counting for availability at once and are released for good by
``expire_holds`` (run by the worker or ``switchyard inventory expire-holds``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from switchyard.db.uow import UnitOfWork
from switchyard.inventory.domain import OPEN, ReservationRequest
from switchyard.inventory.reservation_repository import ReservationRepository
from switchyard.inventory.service import release, reserve
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import FieldError, ValidationFailed, not_found
from switchyard.kernel.events import DomainEvent
from switchyard.kernel.ids import new_id


def create_hold(
    uow: UnitOfWork, lines: list[tuple[str, str, int]], expires_at: datetime
) -> dict[str, Any]:
    """Hold (sku_id, location_id, quantity) lines until ``expires_at``, all or nothing."""
    if expires_at <= utcnow():
        raise ValidationFailed(
            "expiry_in_past",
            "a hold must expire in the future",
            [FieldError("expires_at", "in_past", "must be in the future")],
        )
    hold_id = new_id("hld")
    requests = [ReservationRequest(s, loc, q, expires_at=expires_at) for s, loc, q in lines]
    reserve(uow, requests, hold_id=hold_id)
    uow.emit(
        DomainEvent(
            "inventory.hold_created",
            "hold",
            hold_id,
            {"expires_at": expires_at.isoformat(), "lines": len(lines)},
        )
    )
    return get_hold(uow, hold_id)


def get_hold(uow: UnitOfWork, hold_id: str) -> dict[str, Any]:
    rows = uow.repo(ReservationRepository).for_hold(hold_id)
    if not rows:
        raise not_found("hold", hold_id)
    now = utcnow()
    expires_at = rows[0]["expires_at"]
    open_rows = [r for r in rows if r["status"] == OPEN]
    if not open_rows:
        status = rows[0]["status"]
    else:
        status = "expired" if expires_at is not None and expires_at <= now else "open"
    return {"id": hold_id, "status": status, "expires_at": expires_at, "lines": rows}


def release_hold(uow: UnitOfWork, hold_id: str) -> int:
    """Release a hold's open lines; the units released (0 when already gone)."""
    rows = uow.repo(ReservationRepository).for_hold(hold_id)
    if not rows:
        raise not_found("hold", hold_id)
    return release(uow, [r["id"] for r in rows])


def attach_hold(
    uow: UnitOfWork, hold_id: str, order_id: str, line_ids: dict[str, str]
) -> list[str]:
    """Turn a cart hold into an order's reservations (no expiry from now on).

    ``line_ids`` maps a reservation id of the hold to the order line it now serves.
    Returns the reservation ids that were still open and are now the order's.
    """
    res = uow.repo(ReservationRepository)
    now = utcnow()
    return [
        row["id"]
        for row in res.for_hold(hold_id)
        if res.adopt(row["id"], order_id, line_ids.get(row["id"]), now)
    ]
