"""The one way on_hand changes: a balance update, its movement row and its events."""

from __future__ import annotations

from dataclasses import replace

from switchyard.db.uow import UnitOfWork
from switchyard.inventory.allocation import allocate_waiting, cover_shortfall
from switchyard.inventory.domain import MAX_STOCK, Level, Pair
from switchyard.inventory.repository import StockRepository
from switchyard.inventory.signals import emit_change, record_movement
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import Conflict, FieldError


def change_on_hand(
    uow: UnitOfWork,
    pair: Pair,
    delta: int,
    kind: str,
    *,
    reason: str | None = None,
    reference: str | None = None,
    field: str = "quantity",
    allocate: bool = True,
) -> Level:
    """Add ``delta`` (signed) to on_hand at ``pair`` and record why.

    A decrease below what is reserved (a count found less than the books said) pushes the
    newest reservations back to waiting; an increase lets waiting backorders in (unless
    ``allocate`` is False: the caller serves promised preorders first).
    """
    now = utcnow()
    stock = uow.repo(StockRepository)
    if delta >= 0:
        added = stock.add_on_hand(*pair, delta, now)
        if added is None:
            raise Conflict(
                "stock_limit_exceeded",
                f"a balance holds at most {MAX_STOCK:,} units",
                [FieldError(field, "stock_limit_exceeded", f"at most {MAX_STOCK:,} on hand")],
            )
        after = added
        before = replace(after, on_hand=after.on_hand - delta)
    else:
        locked = stock.lock(*pair)
        if locked is None or locked.on_hand + delta < 0:
            have = locked.on_hand if locked else 0
            raise Conflict(
                "insufficient_on_hand",
                f"cannot remove {-delta} units: {have} on hand",
                [FieldError(field, "insufficient_on_hand", f"{have} on hand")],
                extra={"on_hand": have},
            )
        before = locked
        deficit = locked.reserved - (locked.on_hand + delta)
        if deficit > 0:
            cover_shortfall(uow, pair, deficit, now)
        after = stock.shift(*pair, delta, 0, now)
    record_movement(uow, pair, kind, delta, reason=reason, reference=reference)
    emit_change(uow, pair, before, after, kind)
    if allocate and after.available > before.available:
        allocate_waiting(uow, [pair], now)
    return after
