"""Outbox events for balance changes, and the movement rows that explain them."""

from __future__ import annotations

from typing import Any

from switchyard.db.uow import UnitOfWork
from switchyard.inventory.domain import Level, Pair, signals
from switchyard.inventory.repository import StockRepository
from switchyard.kernel.clock import utcnow
from switchyard.kernel.events import DomainEvent
from switchyard.kernel.ids import new_id


def emit_change(
    uow: UnitOfWork,
    pair: Pair,
    before: Level,
    after: Level,
    cause: str,
    *,
    order_id: str | None = None,
) -> None:
    """``inventory.changed`` plus low / out_of_stock / back_in_stock when they apply."""
    if before == after:
        return
    sku_id, location_id = pair
    data: dict[str, Any] = {
        "sku_id": sku_id,
        "location_id": location_id,
        "on_hand": after.on_hand,
        "reserved": after.reserved,
        "available": after.available,
        "cause": cause,
    }
    uow.emit(DomainEvent("inventory.changed", "sku", sku_id, data, order_id=order_id))
    for event_type in signals(before, after):
        extra = {"reorder_point": after.reorder_point} if event_type == "inventory.low" else {}
        uow.emit(DomainEvent(event_type, "sku", sku_id, {**data, **extra}, order_id=order_id))


def movement(
    uow: UnitOfWork,
    pair: Pair,
    kind: str,
    quantity: int,
    *,
    reason: str | None = None,
    reference: str | None = None,
) -> dict[str, Any]:
    """A movement row, ready for ``StockRepository.add_movements`` (bulk inserts)."""
    return {
        "id": new_id("mov"),
        "sku_id": pair[0],
        "location_id": pair[1],
        "kind": kind,
        "quantity": quantity,
        "reason": reason,
        "reference": reference,
        "occurred_at": utcnow(),
        "actor_id": uow.actor.id[:40],
    }


def record_movement(
    uow: UnitOfWork,
    pair: Pair,
    kind: str,
    quantity: int,
    *,
    reason: str | None = None,
    reference: str | None = None,
) -> None:
    row = movement(uow, pair, kind, quantity, reason=reason, reference=reference)
    uow.repo(StockRepository).add_movements([row])
