"""Selling beyond stock on hand: the ``backorder`` and ``preorder`` policies.

``reserve_with_policy`` reserves what is there and, when the policy allows, lets the
rest wait (backorder: allocated oldest first when stock arrives) or promises it from
expected supply (preorder: against purchase order lines, earliest ETA first).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from switchyard.db import pending_writes
from switchyard.db.uow import UnitOfWork
from switchyard.inventory.domain import (
    PREORDER,
    WAITING,
    ReservationRequest,
    check_quantities,
)
from switchyard.inventory.reservation_repository import ReservationRepository
from switchyard.inventory.service import available, reserve
from switchyard.inventory.supply_repository import SupplyRepository
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import Conflict, FieldError
from switchyard.kernel.ids import new_id


@dataclass(slots=True)
class LineOutcome:
    """What one request got: units reserved now, waiting, or promised from supply."""

    index: int
    reserved: int = 0
    backordered: int = 0
    preordered: int = 0
    reservation_ids: list[str] = field(default_factory=list)
    expected_at: datetime | None = None  # latest ETA of the supply a preorder relies on


def _row(r: ReservationRequest, quantity: int, status: str, now: datetime) -> dict[str, Any]:
    return {
        "id": new_id("res"),
        "order_id": r.order_id,
        "order_line_id": r.order_line_id,
        "hold_id": None,
        "sku_id": r.sku_id,
        "location_id": r.location_id,
        "quantity": quantity,
        "consumed": 0,
        "status": status,
        "supply_line_id": None,
        "expires_at": None,
        "created_at": now,
        "updated_at": now,
    }


def reserve_with_policy(
    uow: UnitOfWork, requests: list[ReservationRequest], policy: str, *, wait_only: bool = False
) -> list[LineOutcome]:
    """All or nothing under ``policy`` (deny | backorder | preorder), one outcome per request.

    ``deny`` is plain ``reserve``. Raises ``Conflict("insufficient_supply")`` naming the
    lines when preorders exceed the expected supply; nothing is then reserved.
    ``wait_only``: take no stock on hand, only wait (backorder) or promise supply
    (preorder): sourcing decided the stock there may not serve these units.
    """
    check_quantities(requests)
    if policy == "deny":
        ids = reserve(uow, requests)
        return [
            LineOutcome(i, reserved=r.quantity, reservation_ids=[ids[i]])
            for i, r in enumerate(requests)
        ]
    mark = len(uow.events)
    try:
        with uow.conn.begin_nested():
            outcomes = _reserve_then_wait(uow, requests, policy, wait_only)
            pending_writes.flush(uow.conn)  # its rows' errors belong to the savepoint
            return outcomes
    except Conflict:
        del uow.events[mark:]
        raise


def _reserve_then_wait(
    uow: UnitOfWork, requests: list[ReservationRequest], policy: str, wait_only: bool = False
) -> list[LineOutcome]:
    outcomes = [LineOutcome(i) for i in range(len(requests))]
    for attempt in range(0 if wait_only else 3):
        left = available(uow, [r.sku_id for r in requests])
        now_parts: list[tuple[int, int]] = []
        for i, r in enumerate(requests):
            take = min(r.quantity, left.get((r.sku_id, r.location_id), 0))
            if take:
                left[(r.sku_id, r.location_id)] -= take
                now_parts.append((i, take))
        partial = [
            ReservationRequest(
                requests[i].sku_id,
                requests[i].location_id,
                take,
                requests[i].order_id,
                requests[i].order_line_id,
            )
            for i, take in now_parts
        ]
        try:
            ids = reserve(uow, partial)
        except Conflict:
            if attempt == 2:
                raise
            continue  # stock moved between reading and reserving: read again
        for (i, take), res_id in zip(now_parts, ids, strict=True):
            outcomes[i].reserved = take
            outcomes[i].reservation_ids.append(res_id)
        break
    now = utcnow()
    rest = [(i, r, r.quantity - outcomes[i].reserved) for i, r in enumerate(requests)]
    rest = [(i, r, q) for i, r, q in rest if q > 0]
    if policy == "backorder":
        rows = [_row(r, q, WAITING, now) for _, r, q in rest]
        uow.repo(ReservationRepository).add(rows)
        for (i, _, q), row in zip(rest, rows, strict=True):
            outcomes[i].backordered = q
            outcomes[i].reservation_ids.append(row["id"])
        return outcomes
    _preorder(uow, rest, outcomes, now)
    return outcomes


def _preorder(
    uow: UnitOfWork,
    rest: list[tuple[int, ReservationRequest, int]],
    outcomes: list[LineOutcome],
    now: datetime,
) -> None:
    supply = uow.repo(SupplyRepository)
    rows: list[dict[str, Any]] = []
    errors: list[FieldError] = []
    for i, r, quantity in sorted(rest, key=lambda x: (x[1].sku_id, x[1].location_id)):
        need = quantity
        for line in supply.open_supply_lines(r.sku_id, r.location_id):
            free = line["quantity"] - line["received"] - line["preordered"]
            take = min(need, free)
            if take <= 0 or not supply.try_preorder(line["id"], take):
                continue
            row = {**_row(r, take, PREORDER, now), "supply_line_id": line["id"]}
            rows.append(row)
            outcomes[i].reservation_ids.append(row["id"])
            outcomes[i].preordered += take
            outcomes[i].expected_at = line["eta"]
            need -= take
            if need == 0:
                break
        if need:
            errors.append(
                FieldError(
                    f"lines.{i}",
                    "insufficient_supply",
                    f"{need} of {r.quantity} units are neither in stock nor expected",
                )
            )
    if errors:
        raise Conflict(
            "insufficient_supply",
            "expected supply cannot cover every preordered line: nothing was reserved",
            sorted(errors, key=lambda e: e.field),
        )
    uow.repo(ReservationRepository).add(rows)
