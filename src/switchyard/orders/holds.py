"""Hold use cases: staff put orders on hold, release holds, and work the exception queue.

The person acting is the unit of work's actor (the API key, or the staff member named in
``X-Switchyard-User`` on that key), written on the hold and on the timeline. Releasing an
order's last hold lets fulfilment start; if the order was held without reserving stock
(``reserve_on_hold: false``), its stock is reserved then.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from switchyard.db.uow import UnitOfWork
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import Conflict, FieldError, ValidationFailed, check_version
from switchyard.kernel.ids import new_id
from switchyard.kernel.money import format_amount
from switchyard.orders.domain import Order
from switchyard.orders.hold_repository import HoldRepository
from switchyard.orders.holds_domain import Hold, check_hold_type, held_since, holds_from_findings
from switchyard.orders.repository import OrderRepository
from switchyard.orders.service import load_order
from switchyard.orders.validation import Finding
from switchyard.placement import stock


def add_holds(uow: UnitOfWork, order: Order, warnings: list[Finding], cause: str) -> list[Hold]:
    """Hold an order for validation warnings (the caller saves the order afterwards)."""
    now = utcnow()
    holds = holds_from_findings(order.id, warnings, uow.actor.name, now)
    if holds:
        uow.repo(HoldRepository).add(holds)
        order.held_since = order.held_since or now
        uow.emit(order.event("order.held", {"cause": cause, "holds": [h.summary() for h in holds]}))
    return holds


def place_hold(
    uow: UnitOfWork, order_id: str, hold_type: str, reason: str, expected_version: int | None
) -> tuple[Order, Hold]:
    """A manual hold: the order waits until a person releases it."""
    check_hold_type(hold_type)
    order = load_order(uow, order_id, lock=True)
    check_version("order", expected_version, order.version)
    if not order.has_unshipped:
        raise Conflict(
            "order_not_holdable",
            f"order {order.id} is {order.status}: nothing is left to hold back",
            extra={"status": order.status},
        )
    status_before = order.status
    now = utcnow()
    hold = Hold(new_id("hld"), order.id, hold_type, "manual", reason, [], now, uow.actor.name)
    uow.repo(HoldRepository).add([hold])
    order.held_since = order.held_since or now
    order.updated_at = now
    uow.repo(OrderRepository).save(order)
    uow.emit(
        order.event(
            "order.held",
            {
                "cause": "manual",
                "holds": [hold.summary()],
                "status": {"from": status_before, "to": order.status},
            },
        )
    )
    return order, hold


def release_holds(
    uow: UnitOfWork,
    order_id: str,
    hold_id: str | None,
    note: str,
    expected_version: int | None,
) -> Order:
    """Release one active hold (or, with ``hold_id`` None, all of them) with a note."""
    order = load_order(uow, order_id, lock=True)
    check_version("order", expected_version, order.version)
    repo = uow.repo(HoldRepository)
    active = repo.for_order(order.id, active_only=True)
    if hold_id is not None and hold_id not in {h.id for h in active}:
        known = any(h.id == hold_id for h in repo.for_order(order.id))
        if known:
            raise Conflict("hold_not_active", f"hold {hold_id} was already released")
        raise ValidationFailed(
            "unknown_hold",
            f"order {order.id} has no hold {hold_id}",
            [FieldError("hold_id", "unknown_hold", hold_id)],
        )
    if not active:
        raise Conflict("order_not_held", f"order {order.id} has no active hold")
    status_before = order.status
    now = utcnow()
    ids = [hold_id] if hold_id is not None else [h.id for h in active]
    released = repo.resolve(
        order.id, ids, at=now, by=uow.actor.name, resolution="released", note=note
    )
    order.held_since = held_since(h for h in active if h.id not in released)
    placed = stock.Placement()
    if not order.on_hold:
        placed = stock.allocate_lines(uow, order, order.lines)
    order.updated_at = now
    uow.repo(OrderRepository).save(order)
    uow.emit(
        order.event(
            "order.hold_released",
            {
                "holds": [h.summary() for h in active if h.id in released],
                "note": note,
                "still_held": order.on_hold,
                "status": {"from": status_before, "to": order.status},
            },
        )
    )
    stock.record(uow, order, placed, cause="hold_released")
    return order


def queue(
    uow: UnitOfWork,
    *,
    hold_type: str | None,
    channel_id: str | None,
    held_before: datetime | None,
    after: tuple[datetime, str] | None,
    limit: int,
    visible_at: frozenset[str] | None = None,
) -> list[tuple[Order, list[Hold]]]:
    """Held orders, longest-waiting first, each with its active holds (``visible_at``: only
    those a location-restricted key sees)."""
    if hold_type is not None:
        check_hold_type(hold_type, "query.hold_type", system=True)
    repo = uow.repo(HoldRepository)
    found = repo.queue(
        hold_type=hold_type,
        channel_id=channel_id,
        held_before=held_before,
        after=after,
        limit=limit,
        visible_at=visible_at,
    )
    holds = repo.active_for_orders([o.id for o in found])
    return [(o, holds.get(o.id, [])) for o in found]


def exception_view(order: Order, holds: list[Hold], now: datetime) -> dict[str, Any]:
    since = order.held_since or now
    return {
        "order_id": order.id,
        "external_id": order.external_id,
        "channel_id": order.channel_id,
        "status": order.status,
        "email": order.email,
        "customer_name": order.customer_name,
        "currency": order.currency,
        "total": format_amount(order.total, order.currency),
        "placed_at": order.placed_at,
        "held_since": since,
        "age_seconds": int((now - since).total_seconds()),
        "version": order.version,
        "holds": [
            {
                "id": h.id,
                "type": h.type,
                "source": h.source,
                "reason": h.reason,
                "findings": h.findings,
                "placed_at": h.placed_at,
                "placed_by": h.placed_by,
            }
            for h in holds
        ],
    }
