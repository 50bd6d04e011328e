"""Click & collect: ready for pickup with a code for the customer, collection, expiry.

Ship to store (a warehouse ships the parcel to the pickup store): the store's staff, whose
keys may be restricted to the store, make it ready and hand it over; readying a parcel
that shipped implies it arrived (``at_store``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from switchyard.auth.domain import Principal
from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment.domain import Fulfillment, new_pickup_code
from switchyard.fulfillment.service import locked, persist
from switchyard.fulfillment.work_repository import WorkRepository
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import check_version

DEFAULT_HOLD_DAYS = 7


def ready_for_pickup(
    uow: UnitOfWork,
    principal: Principal,
    fulfillment_id: str,
    hold_days: int = DEFAULT_HOLD_DAYS,
    expected_version: int | None = None,
) -> Fulfillment:
    """The units wait at the counter; the event ``fulfillment.ready_for_pickup`` carries
    the pickup code for the channel to give the customer (also on the tracking page)."""
    order, f = locked(uow, principal, fulfillment_id, at_store=True)
    check_version("fulfillment", expected_version, f.version)
    f.ready_for_pickup(new_pickup_code(), utcnow() + timedelta(days=hold_days))
    return persist(uow, order, f)


def picked_up(uow: UnitOfWork, principal: Principal, fulfillment_id: str, code: str) -> Fulfillment:
    order, f = locked(uow, principal, fulfillment_id, at_store=True)
    f.picked_up(code)
    return persist(uow, order, f)


def expire_uncollected(uow: UnitOfWork, now: datetime | None = None, limit: int = 200) -> list[str]:
    """Pickups not collected by their deadline go back to stock: reservations released,
    fulfillment cancelled (``not_collected``), the order lines' units cancelled.
    For the worker or CLI; returns the fulfillments expired."""
    now = now or utcnow()
    system = Principal.system("pickup-expiry")
    expired = []
    for _, fulfillment_id in sorted(uow.repo(WorkRepository).overdue_pickups(now, limit)):
        order, f = locked(uow, system, fulfillment_id)
        if f.cancel("not_collected", f"not collected by {f.pickup_deadline}"):
            persist(uow, order, f)
            expired.append(f.id)
    return expired
