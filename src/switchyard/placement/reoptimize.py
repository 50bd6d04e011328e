"""Batch re-optimisation before release (``POST /sourcing:reoptimize``).

Fulfillments still ``created`` (not released) hold stock and capacity that other orders
may need more. Per channel, their units are put back into a working ledger and all those
orders are sourced again together by the batch optimiser. If that is cheaper, every
changed order is swapped in one transaction: its created fulfillments are cancelled
(``reoptimized``) and their reservations released, then the new reservations are made,
fulfillments created and decisions logged. Anything that moved meanwhile aborts the whole
run (409), so no order is ever half swapped.

Orders are left as they are ("pinned") when a location they hold stock at is no longer a
candidate under the profile, or when backorders wait at one of those balances (released
units would go to them first).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from decimal import Decimal
from typing import Any

from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment.domain import Fulfillment
from switchyard.fulfillment.effects import release_at, unallocate
from switchyard.fulfillment.repository import FulfillmentRepository
from switchyard.fulfillment.status import CONSOLIDATED, MERGE_LEG
from switchyard.inventory import service as inventory
from switchyard.inventory.reservation_repository import ReservationRepository
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import Conflict
from switchyard.orders import fulfillment_sync
from switchyard.orders.domain import Order
from switchyard.orders.repository import OrderRepository
from switchyard.placement import decisions, stock
from switchyard.placement.allocation import Allocation
from switchyard.sourcing import adapter
from switchyard.sourcing.batch import optimise_batch
from switchyard.sourcing.decision import build_decision
from switchyard.sourcing.ledger import Ledger
from switchyard.sourcing.model import Decision, StockLevel
from switchyard.sourcing.plans import Plan
from switchyard.sourcing.problem import Problem, build_problem
from switchyard.sourcing.profiles import channel_row
from switchyard.sourcing.repository import SourcingRepository

Held = dict[str, dict[str, tuple[str, int]]]  # location -> line -> (sku id, units)


def reoptimize(
    uow: UnitOfWork,
    *,
    channel_ref: str | None = None,
    limit: int = 2000,
    time_limit: float = 20.0,
    dry_run: bool = False,
) -> dict[str, Any]:
    """Re-source unreleased fulfillments jointly; report cost before and after and gap."""
    channel_id = channel_row(uow, channel_ref)["id"] if channel_ref else None
    order_ids = uow.repo(SourcingRepository).unreleased_order_ids(channel_id, limit)
    orders: dict[str, list[Order]] = defaultdict(list)
    for order_id in order_ids:  # lock in id order: no deadlock with another run
        order = uow.repo(OrderRepository).get(order_id, lock=True)
        if order is not None and channel_id in (None, order.channel_id):
            orders[order.channel_id].append(order)
    groups = [_group(uow, cid, group, time_limit, dry_run) for cid, group in sorted(orders.items())]
    return {
        "dry_run": dry_run,
        "orders": sum(g["orders"] for g in groups),
        "changed_orders": sum(len(g["changed"]) for g in groups),
        "channels": groups,
    }


def _held(uow: UnitOfWork, order: Order) -> tuple[list[Fulfillment], Held]:
    found = uow.repo(FulfillmentRepository).for_order(order.id)
    held: Held = defaultdict(dict)
    if any(f.purpose in (MERGE_LEG, CONSOLIDATED) for f in found):
        return [], held  # consolidated: its legs and parcel move together or not at all
    created = [f for f in found if f.status == "created"]
    for f in created:
        for ln in f.lines:
            sku, units = held[f.location_id].get(ln.order_line_id, (ln.sku_id, 0))
            held[f.location_id][ln.order_line_id] = (sku, units + ln.quantity)
    return created, held


def _group(
    uow: UnitOfWork, channel_id: str, orders: list[Order], time_limit: float, dry_run: bool
) -> dict[str, Any]:
    now = utcnow()
    setup = adapter.channel_setup(uow, channel_id)
    held = {o.id: _held(uow, o) for o in orders}
    pairs = sorted(
        {(s, loc) for _, h in held.values() for loc, ls in h.items() for s, _ in ls.values()}
    )
    waiting = uow.repo(ReservationRepository).has_waiting(pairs)
    sku_ids = sorted({sku for sku, _ in pairs})
    levels = adapter.stock_levels(uow, sku_ids, channel_id, now)
    back: dict[tuple[str, str], int] = defaultdict(int)
    trips: dict[str, int] = defaultdict(int)
    movable = [
        o
        for o in orders
        if held[o.id][1]
        and not any(
            (s, loc) in waiting for loc, ls in held[o.id][1].items() for s, _ in ls.values()
        )
    ]
    for o in movable:
        for loc, ls in held[o.id][1].items():
            trips[loc] += 1
            for sku, n in ls.values():
                back[(sku, loc)] += n
    levels = [
        StockLevel(lv.sku, lv.location_id, lv.available + back.pop((lv.sku, lv.location_id), 0))
        for lv in levels
    ]
    levels += [StockLevel(sku, loc, n) for (sku, loc), n in back.items()]
    stocked = {lv.location_id for lv in levels}
    pickups = [o.pickup_location_id for o in movable if o.pickup_location_id]
    locations = [
        replace(loc, capacity_left=loc.capacity_left + trips[loc.id])
        if loc.capacity_left is not None
        else loc
        for loc in adapter.network(uow, channel_id, now, only=stocked, also=pickups, scoped=True)
    ]
    ledger = Ledger.from_levels(levels, locations, respect_safety_stock=True)
    sourced: list[decisions.Sourced] = []
    before = Decimal(0)
    for o in movable:
        h = held[o.id][1]
        wanted: dict[str, tuple[str, int]] = {}
        for ls in h.values():
            for line_id, (sku, n) in ls.items():
                wanted[line_id] = (sku, wanted.get(line_id, (sku, 0))[1] + n)
        lines = [(lid, sku, n) for lid, (sku, n) in sorted(wanted.items())]
        request, where = decisions.request_for(
            uow, o.id, channel_id, lines, order=o, locations=locations, now=now
        )
        problem = build_problem(request, locations, ledger, setup.profile, setup.cost_model)
        current = _current(problem, h)
        if current is not None:
            before += current.total_cost
            sourced.append(decisions.Sourced(setup, request, locations, current, where, now))
            continue
        for loc, ls in h.items():  # pinned: what it holds stays out of the pool
            if ledger.capacity.get(loc) is not None:
                ledger.capacity[loc] = max(0, (ledger.capacity[loc] or 0) - 1)
            for sku, n in ls.values():
                ledger.stock.setdefault(sku, {})[loc] = ledger.available(sku, loc) - n
    report: dict[str, Any] = {"channel_id": channel_id, "orders": len(orders), "changed": []}
    report["pinned"] = len(orders) - len(sourced)
    if not sourced:
        return report | {"before": "0", "after": "0", "method": "none", "gap": 0.0}
    requests = [s.request for s in sourced]
    result = optimise_batch(
        requests,
        locations,
        ledger,
        setup.profile,
        setup.cost_model,
        time_limit=time_limit,
        with_log=True,
    )
    after = sum((d.total_cost for d in result.decisions), Decimal(0))
    report |= {
        "currency": setup.cost_model.currency,
        "before": str(before),
        "after": str(after),
        "method": result.method,
        "gap": round(result.gap, 6),
        "seconds": round(result.seconds, 3),
    }
    if any(d.unsourced for d in result.decisions) or after >= before:
        return report | {"after": str(before), "kept": "no cheaper plan sources every unit"}
    changed = []
    for s, decision in zip(sourced, result.decisions, strict=True):
        _, h = held[s.request.id]
        now_at = {(a.line_id, a.location_id, a.quantity) for a in decision.allocations}
        was = {(lid, loc, n) for loc, ls in h.items() for lid, (_, n) in ls.items()}
        if now_at != was:
            s.decision = decision
            changed.append(s)
    report["changed"] = [s.request.id for s in changed]
    if not dry_run:
        _swap(uow, {o.id: o for o in movable}, changed, {o.id: held[o.id][0] for o in movable})
    return report


def _current(problem: Problem, held: dict[str, dict[str, tuple[str, int]]]) -> Decision | None:
    """What the order holds now as a decision, costed by the same model; None when a
    location it holds stock at is not a candidate any more (the order is pinned)."""
    cand = {c.location.id: n for n, c in enumerate(problem.candidates)}
    index = {ln.id: n for n, ln in enumerate(problem.lines)}
    picks = []
    for loc, ls in held.items():
        if loc not in cand:
            return None
        picks += [(index[lid], cand[loc], n) for lid, (_, n) in ls.items()]
    return build_decision(problem, Plan(picks), "current", "current", with_log=False)


def _swap(
    uow: UnitOfWork,
    orders: dict[str, Order],
    changed: list[decisions.Sourced],
    created: dict[str, list[Fulfillment]],
) -> None:
    """Release every changed order's old stock first, then reserve the new plans."""
    for s in changed:
        order = orders[s.request.id]
        fulfillment_sync.cancel(uow, order, created[order.id], "reoptimized")
        for f in created[order.id]:
            quantities = {ln.order_line_id: ln.quantity for ln in f.lines}
            release_at(uow, f.location_id, quantities)
            for line_id, qty in quantities.items():
                unallocate(order.line(line_id), qty)
    for s in changed:
        order = orders[s.request.id]
        allocations = [
            Allocation(a.line_id, a.sku, a.location_id, a.quantity) for a in s.decision.allocations
        ]
        requests = [
            inventory.ReservationRequest(a.sku_id, a.location_id, a.quantity, order.id, a.line_id)
            for a in allocations
        ]
        try:
            inventory.reserve(uow, requests)
        except Conflict as exc:
            raise Conflict(
                "reoptimize_conflict", "stock moved while re-optimising: nothing changed, run again"
            ) from exc
        for a in allocations:
            order.line(a.line_id).allocate(a.quantity)
        order.updated_at = s.now
        uow.repo(OrderRepository).save(order)
        decisions.record(uow, s, cause="reoptimized")
        stock.record(uow, order, stock.Placement(allocations), cause="reoptimized")
