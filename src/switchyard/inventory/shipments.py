"""Shipments: stock leaves against the order line's reservation."""

from __future__ import annotations

from typing import Any

from switchyard.db.uow import UnitOfWork
from switchyard.inventory.domain import CONSUMED
from switchyard.inventory.repository import StockRepository
from switchyard.inventory.reservation_repository import ReservationRepository
from switchyard.inventory.signals import emit_change, record_movement
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import Conflict, FieldError, ValidationFailed


def consume(
    uow: UnitOfWork,
    order_line_id: str,
    location_id: str,
    quantity: int,
    reference: str,
    parts: tuple[tuple[str, int], ...] = (),
    kind: str = "shipment",
) -> None:
    """A shipment left: the line's reservation there shrinks and on_hand goes down.

    ``parts``: the line is a kit of these (component sku id, units per kit); ``quantity``
    kits left, so each component's reservation gives ``quantity`` x its units. ``kind``:
    the movement (``production_use`` when a work order consumes its components)."""
    if quantity <= 0:
        raise ValidationFailed(
            "invalid_quantity",
            "quantity must be positive",
            [FieldError("quantity", "not_positive", "at least 1")],
        )
    rows = uow.repo(ReservationRepository).open_for_line(order_line_id, location_id)
    if not parts:
        _consume(uow, order_line_id, location_id, rows, quantity, reference, kind)
        return
    for sku_id, per in parts:
        mine = [r for r in rows if r["sku_id"] == sku_id]
        _consume(uow, order_line_id, location_id, mine, quantity * per, reference, kind)


def _consume(
    uow: UnitOfWork,
    order_line_id: str,
    location_id: str,
    rows: list[dict[str, Any]],
    quantity: int,
    reference: str,
    kind: str,
) -> None:
    now = utcnow()
    res = uow.repo(ReservationRepository)
    held = sum(r["quantity"] for r in rows)
    if held < quantity:
        raise Conflict(
            "not_reserved",
            f"line {order_line_id} has {held} units reserved at {location_id}, not {quantity}",
            [FieldError("quantity", "not_reserved", f"{held} reserved")],
        )
    left = quantity
    for row in rows:
        take = min(left, row["quantity"])
        if take == row["quantity"]:
            res.set_status(row["id"], CONSUMED, now, consumed=row["consumed"] + take)
        else:
            res.shrink(row["id"], take, now, consumed=take)
        left -= take
        if left == 0:
            break
    pair = (rows[0]["sku_id"], location_id)
    after = uow.repo(StockRepository).shift(*pair, -quantity, -quantity, now)
    before = after.before_adding(on_hand=-quantity, reserved=-quantity)
    record_movement(uow, pair, kind, -quantity, reference=reference)
    emit_change(uow, pair, before, after, kind, order_id=rows[0]["order_id"])
