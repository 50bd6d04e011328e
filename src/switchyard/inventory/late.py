"""Reservations applied at commit, so a hot balance is locked for the commit only.

A reservation's conditional UPDATE locks its balance row until the transaction ends.
Placed in the middle of an order's placement, that lock is held while the rest of the
order is written (order, lines, fulfillment, decision log, outbox), and every other order
for the same SKU and location queues behind it: a flash sale then runs at the speed of
one whole placement at a time.

When the use case asks for it (single-order placement reserves a complete sourcing
decision ``at_commit``), ``inventory.reserve`` writes the reservation rows at once and
leaves the balance updates to a before-commit step (``apply_pending``), in the stable
lock order. If a balance no longer has the units by then, the step raises
``RetryUseCase``: the transaction rolls back and the use case runs again, sourcing
against the stock as it is now (a 409, a backorder or another location); only another
commit takes the units, so each retry follows progress, and a use case that loses at
every attempt is a 503 ``contended``. Never an oversell: the update is still conditional
on the locked row. Anything in the same unit of work that reads or reserves stock
applies the pending updates first (``apply_pending``), so it sees them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from switchyard.db.uow import RetryUseCase, UnitOfWork
from switchyard.inventory.domain import Level, Pair
from switchyard.inventory.expiry import expire_pair
from switchyard.inventory.repository import StockRepository
from switchyard.inventory.signals import emit_change
from switchyard.kernel.clock import utcnow


@dataclass(slots=True)
class PendingReservations:
    """A unit of work's balance updates still to make before commit (``uow.state``)."""

    units: list[tuple[Pair, int, str | None]] = field(default_factory=list)  # pair, qty, order
    scheduled: bool = False  # apply_pending is among the unit of work's before-commit steps


def defer(uow: UnitOfWork, totals: list[tuple[Pair, int]], order_id: str | None) -> None:
    """Reserve these units per balance just before commit (``apply_pending``)."""
    pending = uow.state(PendingReservations)
    if not pending.scheduled:
        pending.scheduled = True
        uow.before_commit(lambda: apply_pending(uow))
    pending.units.extend((pair, quantity, order_id) for pair, quantity in totals)


def apply_pending(uow: UnitOfWork) -> None:
    """Reserve what ``defer`` left, balance by balance in (sku, location) order; raise
    ``RetryUseCase`` if a balance no longer has the units."""
    state = uow.state(PendingReservations)
    pending, state.units = state.units, []
    if not pending:
        return
    totals: dict[Pair, int] = defaultdict(int)
    orders: dict[Pair, str | None] = {}
    for pair, quantity, order_id in pending:
        totals[pair] += quantity
        orders[pair] = order_id
    stock = uow.repo(StockRepository)
    now = utcnow()
    wanted = sorted(totals.items())
    done = 0

    def reserved(after: Level) -> None:
        nonlocal done
        pair, quantity = wanted[done]
        before = after.before_adding(reserved=quantity)
        emit_change(uow, pair, before, after, "reservation", order_id=orders[pair])
        done += 1

    while done < len(wanted):
        for level in stock.try_reserve_in_turn(wanted[done:], now):  # one statement
            if level is None:
                break
            reserved(level)
        else:
            continue
        # wanted[done] was short of units: free its lapsed holds and try it once more.
        pair, quantity = wanted[done]
        after = stock.try_reserve(*pair, quantity, now) if expire_pair(uow, pair, now) else None
        if after is None:
            raise RetryUseCase(f"the units of {pair} were taken before commit")
        reserved(after)
