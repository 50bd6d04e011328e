"""Stock operations on one balance: adjust, cycle count, returns, safety stock settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from switchyard.db.uow import UnitOfWork
from switchyard.inventory.allocation import allocate_waiting
from switchyard.inventory.domain import Level, Pair, reconcile_snapshot
from switchyard.inventory.ledger import change_on_hand
from switchyard.inventory.repository import StockRepository
from switchyard.inventory.signals import emit_change
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import FieldError, ValidationFailed


def _require(condition: bool, field: str, code: str, message: str) -> None:
    if not condition:
        raise ValidationFailed(code, message, [FieldError(field, code, message)])


def adjust(
    uow: UnitOfWork,
    sku_id: str,
    location_id: str,
    quantity: int,
    reason: str,
    reference: str | None = None,
) -> Level:
    """Add or remove units (signed ``quantity``) for a stated reason (damage, found, ...)."""
    _require(quantity != 0, "quantity", "zero_quantity", "an adjustment changes on_hand")
    _require(bool(reason and reason.strip()), "reason", "reason_required", "say why")
    return change_on_hand(
        uow, (sku_id, location_id), quantity, "adjustment", reason=reason, reference=reference
    )


def write_off_short_pick(
    uow: UnitOfWork, sku_id: str, location_id: str, quantity: int, reference: str
) -> int:
    """A picker did not find ``quantity`` units the books said were there: they leave
    on_hand (movement ``short_pick``), so the location does not offer them again; a later
    cycle count brings back any that turn up. Returns the units written off (never more
    than on hand)."""
    level = uow.repo(StockRepository).lock(sku_id, location_id)
    units = min(quantity, level.on_hand if level else 0)
    if units > 0:
        change_on_hand(
            uow,
            (sku_id, location_id),
            -units,
            "short_pick",
            reason="not found when picking",
            reference=reference,
        )
    return units


def cycle_count(
    uow: UnitOfWork,
    sku_id: str,
    location_id: str,
    counted: int,
    *,
    counted_at: datetime | None = None,
    reference: str | None = None,
) -> tuple[Level, int]:
    """Set on_hand to a counted quantity; the difference is recorded. Returns (level, diff).

    A count taken at ``counted_at`` (before now) keeps what the ledger moved since then:
    shipments recorded after the count are not counted twice.
    """
    _require(counted >= 0, "counted", "negative_count", "a count is zero or more")
    pair: Pair = (sku_id, location_id)
    stock = uow.repo(StockRepository)
    current = stock.lock(*pair)
    on_hand = current.on_hand if current else 0
    since = 0
    if counted_at is not None:
        since = stock.movements_since(location_id, counted_at, [sku_id]).get(sku_id, 0)
    target = reconcile_snapshot(counted, since)
    diff = target - on_hand
    level = change_on_hand(
        uow,
        pair,
        diff,
        "cycle_count",
        reason=f"counted {counted}",
        reference=reference,
        field="counted",
    )
    return level, diff


def set_stock_settings(uow: UnitOfWork, sku_id: str, location_id: str, **values: Any) -> Level:
    """Set ``safety_stock`` and/or ``reorder_point`` (None clears the reorder point)."""
    allowed = {"safety_stock", "reorder_point"}
    values = {k: v for k, v in values.items() if k in allowed}
    if "safety_stock" in values:
        _require(
            values["safety_stock"] is not None and values["safety_stock"] >= 0,
            "safety_stock",
            "out_of_range",
            "zero or more",
        )
    if values.get("reorder_point") is not None:
        _require(values["reorder_point"] >= 0, "reorder_point", "out_of_range", "zero or more")
    pair: Pair = (sku_id, location_id)
    stock = uow.repo(StockRepository)
    now = utcnow()
    before = stock.lock(*pair) or Level(0, 0)
    after = stock.set_settings(*pair, values, now)
    emit_change(uow, pair, before, after, "settings")
    if after.available > before.available:
        allocate_waiting(uow, [pair], now)
    return after
