"""Lapsed cart holds freed on the spot, when a reservation finds a balance short."""

from __future__ import annotations

from datetime import datetime

from switchyard.db.uow import UnitOfWork
from switchyard.inventory.domain import Pair
from switchyard.inventory.repository import StockRepository
from switchyard.inventory.reservation_repository import ReservationRepository
from switchyard.inventory.signals import emit_change


def expire_pair(uow: UnitOfWork, pair: Pair, now: datetime) -> int:
    """Expire the lapsed holds of one balance; the units it freed."""
    rows = uow.repo(ReservationRepository).expire(now, pair)
    if rows:
        total = int(sum(r["quantity"] for r in rows))
        after = uow.repo(StockRepository).unreserve(*pair, total, now)
        before = after.before_adding(reserved=-total)
        emit_change(uow, pair, before, after, "expiry")
        return total
    return 0
