"""Inventory use cases other contexts call: reserve, release, consume, receive, availability.

They never commit: ``Database.run`` does. Every use case that touches several balances
visits them in (sku_id, location_id) order, so concurrent orders never deadlock.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from switchyard.db.uow import UnitOfWork
from switchyard.inventory import late
from switchyard.inventory.allocation import allocate_waiting
from switchyard.inventory.domain import (
    OPEN,
    PREORDER,
    RELEASED,
    WAITING,
    Level,
    Pair,
    ReservationRequest,
    available_of,
    check_quantities,
    group_by_pair,
    resolve_policy,
)
from switchyard.inventory.expiry import expire_pair
from switchyard.inventory.ledger import change_on_hand
from switchyard.inventory.policy_repository import PolicyRepository
from switchyard.inventory.repository import StockRepository
from switchyard.inventory.reservation_repository import ReservationRepository
from switchyard.inventory.shipments import consume
from switchyard.inventory.signals import emit_change
from switchyard.inventory.supply_repository import SupplyRepository
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import Conflict, FieldError, ValidationFailed
from switchyard.kernel.ids import new_id

__all__ = [
    "ReservationRequest",
    "available",
    "consume",
    "expire_holds",
    "policy_for",
    "receive",
    "release_for_order",
    "reserve",
]


def reserve(
    uow: UnitOfWork,
    requests: list[ReservationRequest],
    *,
    hold_id: str | None = None,
    at_commit: bool = False,
) -> list[str]:
    """Reserve every request or none: the new reservation ids, in request order.

    ``at_commit``: update the balances just before commit when the runner allows it
    (``inventory.late``); the caller must not roll back a savepoint around this call.

    Raises ``Conflict("insufficient_stock")`` naming every line (``lines.{i}``) that
    cannot be met; balances are then exactly as before the call, except that holds
    found lapsed on the way stay expired (their events stay emitted): callers need no
    savepoint, and one that rolls back a savepoint drops the events it emitted since.
    """
    if not requests:
        return []
    check_quantities(requests)
    late.apply_pending(uow)
    now = utcnow()
    grouped = group_by_pair(requests)
    if at_commit:  # the balances are updated at commit (inventory.late)
        rows = _reservation_rows(requests, hold_id, now)
        uow.repo(ReservationRepository).add(rows)
        late.defer(uow, [(pair, quantity) for pair, quantity, _ in grouped], requests[0].order_id)
        return [row["id"] for row in rows]
    stock = uow.repo(StockRepository)
    applied: list[tuple[Pair, int, Level]] = []
    failed: list[tuple[Pair, int, list[int]]] = []
    for pair, quantity, indexes in grouped:
        after = stock.try_reserve(*pair, quantity, now)
        if after is None and expire_pair(uow, pair, now):
            after = stock.try_reserve(*pair, quantity, now)
        if after is None:
            failed.append((pair, quantity, indexes))
        else:
            applied.append((pair, quantity, after))
    if failed:
        for pair, quantity, _ in applied:
            stock.unreserve(*pair, quantity, now)
        raise _insufficient(uow, requests, failed, now)
    rows = _reservation_rows(requests, hold_id, now)
    uow.repo(ReservationRepository).add(rows)
    order_id = requests[0].order_id
    for pair, quantity, after in applied:
        before = after.before_adding(reserved=quantity)
        emit_change(uow, pair, before, after, "reservation", order_id=order_id)
    return [row["id"] for row in rows]


def _reservation_rows(
    requests: list[ReservationRequest], hold_id: str | None, now: datetime
) -> list[dict[str, Any]]:
    return [
        {
            "id": new_id("res"),
            "order_id": r.order_id,
            "order_line_id": r.order_line_id,
            "hold_id": hold_id,
            "sku_id": r.sku_id,
            "location_id": r.location_id,
            "quantity": r.quantity,
            "consumed": 0,
            "status": OPEN,
            "supply_line_id": None,
            "expires_at": r.expires_at,
            "created_at": now,
            "updated_at": now,
        }
        for r in requests
    ]


def _insufficient(
    uow: UnitOfWork,
    requests: list[ReservationRequest],
    failed: list[tuple[Pair, int, list[int]]],
    now: datetime,
) -> Conflict:
    levels = available(uow, sorted({p[0] for p, _, _ in failed}))
    errors, shortages = [], []
    for pair, quantity, indexes in failed:
        have = levels.get(pair, 0)
        for i in indexes:
            errors.append(
                FieldError(
                    f"lines.{i}",
                    "insufficient_stock",
                    f"{requests[i].quantity} requested at {pair[1]}, {have} available",
                )
            )
        shortages.append(
            {"sku_id": pair[0], "location_id": pair[1], "requested": quantity, "available": have}
        )
    return Conflict(
        "insufficient_stock",
        "not enough stock for every line: nothing was reserved",
        errors,
        extra={"shortages": shortages},
    )


def available(
    uow: UnitOfWork, sku_ids: list[str], location_ids: list[str] | None = None
) -> dict[tuple[str, str], int]:
    """Available units per stocked (sku_id, location_id); expired holds do not count."""
    if not sku_ids:
        return {}
    late.apply_pending(uow)
    rows = uow.repo(StockRepository).levels(sorted(set(sku_ids)), location_ids, utcnow())
    return {
        (r["sku_id"], r["location_id"]): available_of(
            r["on_hand"], r["reserved"] - r["expired"], r["safety_stock"]
        )
        for r in rows
    }


def _unreserve_rows(uow: UnitOfWork, rows: list[dict[str, Any]], cause: str, now: datetime) -> None:
    """Give the units of just-closed open reservations back to their balances, in order."""
    totals: dict[Pair, int] = defaultdict(int)
    order_ids: dict[Pair, str | None] = {}
    for row in rows:
        pair = (row["sku_id"], row["location_id"])
        totals[pair] += row["quantity"]
        order_ids[pair] = row["order_id"]
    stock = uow.repo(StockRepository)
    for pair in sorted(totals):
        after = stock.unreserve(*pair, totals[pair], now)
        before = after.before_adding(reserved=-totals[pair])
        emit_change(uow, pair, before, after, cause, order_id=order_ids[pair])
    if totals:
        allocate_waiting(uow, sorted(totals), now)


def release_for_order(
    uow: UnitOfWork, order_id: str, order_line_ids: list[str] | None = None
) -> int:
    """Release an order's open, waiting and preorder reservations (or only these lines').

    Returns the units released. Releasing twice is harmless: the second finds nothing.
    """
    now = utcnow()
    res = uow.repo(ReservationRepository)
    opened = res.close(RELEASED, now, order_id=order_id, order_line_ids=order_line_ids)
    others = res.close(
        RELEASED,
        now,
        from_statuses=(WAITING, PREORDER),
        order_id=order_id,
        order_line_ids=order_line_ids,
    )
    _unpreorder(uow, others)
    _unreserve_rows(uow, opened, "release", now)
    return sum(r["quantity"] for r in opened + others)


def _unpreorder(uow: UnitOfWork, rows: list[dict[str, Any]]) -> None:
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        if row["supply_line_id"]:
            totals[row["supply_line_id"]] += row["quantity"]
    supply = uow.repo(SupplyRepository)
    for line_id in sorted(totals):
        supply.add_preordered(line_id, -totals[line_id])


def release(uow: UnitOfWork, reservation_ids: list[str]) -> int:
    """Release reservations by id (a cart hold's lines, say); units released."""
    now = utcnow()
    res = uow.repo(ReservationRepository)
    opened = res.close(RELEASED, now, ids=reservation_ids)
    others = res.close(RELEASED, now, from_statuses=(WAITING, PREORDER), ids=reservation_ids)
    _unpreorder(uow, others)
    _unreserve_rows(uow, opened, "release", now)
    return sum(r["quantity"] for r in opened + others)


def receive(
    uow: UnitOfWork,
    sku_id: str,
    location_id: str,
    quantity: int,
    reference: str | None = None,
    *,
    kind: str = "receipt",
) -> Level:
    """Stock arrived (``kind`` receipt or return): on_hand goes up, backorders get it."""
    if quantity <= 0:
        raise ValidationFailed(
            "invalid_quantity",
            "quantity must be positive",
            [FieldError("quantity", "not_positive", "at least 1")],
        )
    return change_on_hand(uow, (sku_id, location_id), quantity, kind, reference=reference)


def policy_for(uow: UnitOfWork, channel_id: str | None, sku_id: str) -> str:
    """``deny``, ``backorder`` or ``preorder``: the SKU's override, else the channel's."""
    repo = uow.repo(PolicyRepository)
    return resolve_policy(repo.channel_policy(channel_id), repo.sku_policy(sku_id))


def expire_holds(uow: UnitOfWork, *, limit: int = 1000) -> int:
    """Release open reservations whose expiry has passed (up to ``limit``); how many."""
    now = utcnow()
    rows = uow.repo(ReservationRepository).expire(now, limit=limit)
    _unreserve_rows(uow, rows, "expiry", now)
    return len(rows)
