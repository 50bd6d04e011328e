"""Backorders: waiting reservations take stock oldest first when it arrives; shortfalls
push the newest open reservations back into the queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from switchyard.db.uow import UnitOfWork
from switchyard.inventory.domain import (
    OPEN,
    RELEASED,
    WAITING,
    Pair,
    plan_allocation,
    plan_shortfall,
)
from switchyard.inventory.repository import StockRepository
from switchyard.inventory.reservation_repository import ReservationRepository
from switchyard.inventory.signals import emit_change
from switchyard.kernel.events import DomainEvent
from switchyard.kernel.ids import new_id


def split_reservation(
    res: ReservationRepository, row: dict[str, Any], take: int, status: str, now: datetime
) -> str:
    """Move ``take`` units of ``row`` to ``status``: the whole row, or a new row split off.

    A split-off row keeps the original ``created_at``, so it keeps its place in queues.
    """
    if take == row["quantity"]:
        res.set_status(row["id"], status, now)
        return str(row["id"])
    res.shrink(row["id"], take, now)
    part = {**row, "id": new_id("res"), "quantity": take, "consumed": 0, "status": status}
    part["updated_at"] = now
    res.add([part])
    return str(part["id"])


def allocate_waiting(uow: UnitOfWork, pairs: list[Pair], now: datetime) -> int:
    """Give available stock to backordered reservations, oldest first; units allocated.

    Emits ``inventory.backorder_allocated`` per allocation so the orders context can
    mark its line allocated in the same transaction.
    """
    res = uow.repo(ReservationRepository)
    stock = uow.repo(StockRepository)
    allocated = 0
    for pair in sorted(res.has_waiting(pairs)):
        queue = res.queue(pair, WAITING)
        before = stock.lock(*pair)
        if before is None or before.available == 0 or not queue:
            continue
        plan = plan_allocation(before.available, [(r["id"], r["quantity"]) for r in queue])
        total = sum(take for _, take in plan)
        after = stock.try_reserve(*pair, total, now)
        if after is None:
            continue
        rows = {r["id"]: r for r in queue}
        for res_id, take in plan:
            row = rows[res_id]
            open_id = split_reservation(res, row, take, OPEN, now)
            uow.emit(
                DomainEvent(
                    "inventory.backorder_allocated",
                    "reservation",
                    open_id,
                    {
                        "order_id": row["order_id"],
                        "order_line_id": row["order_line_id"],
                        "sku_id": pair[0],
                        "location_id": pair[1],
                        "quantity": take,
                        "reservation_id": open_id,
                    },
                    order_id=row["order_id"],
                )
            )
        allocated += total
        emit_change(uow, pair, before, after, "backorder_allocated")
    return allocated


def cover_shortfall(uow: UnitOfWork, pair: Pair, deficit: int, now: datetime) -> int:
    """Counted stock fell below reserved: the newest reservations give back ``deficit`` units.

    Order reservations go back to waiting (keeping their age) and raise
    ``inventory.reservation_shorted``; cart holds are released. Returns the units freed.
    """
    res = uow.repo(ReservationRepository)
    queue = res.queue(pair, OPEN, newest_first=True, limit=100_000)
    plan = plan_shortfall(deficit, [(r["id"], r["quantity"]) for r in queue])
    rows = {r["id"]: r for r in queue}
    for res_id, take in plan:
        row = rows[res_id]
        if row["order_id"] is None:
            if take == row["quantity"]:
                res.set_status(res_id, RELEASED, now)
            else:
                res.shrink(res_id, take, now)
            continue
        waiting_id = split_reservation(res, row, take, WAITING, now)
        uow.emit(
            DomainEvent(
                "inventory.reservation_shorted",
                "reservation",
                waiting_id,
                {
                    "order_id": row["order_id"],
                    "order_line_id": row["order_line_id"],
                    "sku_id": pair[0],
                    "location_id": pair[1],
                    "quantity": take,
                    "reservation_id": waiting_id,
                },
                order_id=row["order_id"],
            )
        )
    freed = sum(take for _, take in plan)
    if freed:
        uow.repo(StockRepository).unreserve(*pair, freed, now)
    return freed
