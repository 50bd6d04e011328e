"""Reserving stock for order lines under the channel's and SKUs' backorder policies.

The whole demand goes to ``allocation.allocate`` first (the sourcing rule). Only when
stock is short are policies read (``inventory.service.policy_for``): ``deny`` lines must
still be reserved in full (else 409 ``insufficient_stock``), ``backorder`` lines wait for
the rest, ``preorder`` lines promise the rest from expected supply. What the engine did
not source takes no stock on hand: it waits, at a location the profile allows. Waiting
units are allocated later when inventory says so, or sourced again by
``resourcing.resource_backorders``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment import service as fulfillment
from switchyard.fulfillment.status import CONSOLIDATED, MERGE_LEG
from switchyard.inventory import service as inventory
from switchyard.inventory.backorders import reserve_with_policy
from switchyard.inventory.supply_repository import SupplyRepository
from switchyard.kernel.errors import Conflict, FieldError
from switchyard.manufacturing import service as manufacturing
from switchyard.orders.domain import Order, OrderLine
from switchyard.placement import allocation, exclusions, promising
from switchyard.placement.in_flight import InFlight


@dataclass(frozen=True, slots=True)
class Waiting:
    line_id: str
    sku_id: str
    location_id: str
    quantity: int
    kind: str  # backorder | preorder
    expected_at: str | None = None


@dataclass(slots=True)
class Placement:
    """What one allocation did: units reserved now, and units left waiting."""

    allocations: list[allocation.Allocation] = field(default_factory=list)
    waiting: list[Waiting] = field(default_factory=list)


def allocate_lines(
    uow: UnitOfWork,
    order: Order,
    lines: list[OrderLine],
    *,
    exclude: list[str] | None = None,
    at_commit: bool = False,
    only: list[str] | None = None,
    waits: bool = True,
) -> Placement:
    """Reserve every unallocated unit of ``lines`` (or let it wait, as policies allow),
    never at the ``exclude`` locations nor at those excluded for these lines
    (``placement.exclusions``); ``at_commit``: see ``allocation.allocate``. ``only``: at
    these locations alone; ``waits`` False: nothing may wait (409 when short)."""
    index = {ln.id: i for i, ln in enumerate(order.lines)}
    demands = [
        allocation.Demand(index[ln.id], ln.id, ln.sku_id, ln.unallocated)
        for ln in lines
        if ln.unallocated > 0
    ]
    if not demands:
        return Placement()
    # Locations that handed any of these lines back are never asked again (until cleared).
    exclude = sorted(
        set(exclude or ()) | exclusions.excluded_for(uow, order, [d.line_id for d in demands])
    )
    where = [order.pickup_location_id] if order.pickup_location_id else None
    if exclude:
        where = where or allocation.candidate_locations(uow, order.channel_id)
        where = [loc for loc in where if loc not in exclude]
    made = made_to_order(uow, order, demands, exclude)
    demands = [d for d in demands if d.line_id not in {a.line_id for a in made}]
    # Sourcing engine call site (sourcing integration): the engine sources what the
    # channel's profile allows, anywhere (a pickup store may be supplied by a transfer),
    # never at ``exclude``; what it leaves open goes to the backorder policies.
    done = Placement(
        allocation.allocate(
            uow, order.id, order.channel_id, demands, order=order, exclude=exclude or (),
            partial=waits, at_commit=at_commit, locations=only, consolidate=not made,
        )
    )  # fmt: skip
    done.allocations += made
    short = allocation.shortfall(demands, done.allocations)
    if short:
        kits = allocation.kit_parts(uow, short)  # a kit waits for no stock: its parts do
        policies = {
            d.sku_id: "deny"
            if d.sku_id in kits
            else inventory.policy_for(uow, order.channel_id, d.sku_id)
            for d in short
        }
        denied = [d for d in short if policies[d.sku_id] == "deny"]
        if denied:
            raise allocation.insufficient(denied)
        wait_at = where
        if not order.pickup_location_id:  # units wait only where the profile allows
            allowed = uow.state(InFlight).waiting_at.pop(order.id, None)
            if allowed is None:
                allowed = allocation.candidate_locations(uow, order.channel_id)
            if where is not None:
                allowed = [loc for loc in allowed if loc in where]
            used = [a.location_id for a in done.allocations if a.location_id in allowed]
            together = sorted(set(used)) if "preorder" not in policies.values() else []
            wait_at = together or allowed  # backorders wait with the rest of the order
            if not wait_at:
                raise allocation.insufficient(short)
        later = _with_policies(uow, order, short, policies, wait_at)
        done.allocations += later.allocations
        done.waiting += later.waiting
    for a in done.allocations:
        order.line(a.line_id).allocate(a.quantity)
    for w in done.waiting:
        order.line(w.line_id).backorder(w.quantity)
    return done


def made_to_order(
    uow: UnitOfWork, order: Order, demands: list[allocation.Demand], exclude: list[str]
) -> list[allocation.Allocation]:
    """Lines of SKUs made to order get a production slot and their components
    (``manufacturing``); none of them waits: 409 ``insufficient_stock`` when no site can
    make them within the horizon."""
    routes = manufacturing.routes_of(uow, sorted({d.sku_id for d in demands}))
    made = []
    for d in demands:
        if d.sku_id not in routes:
            continue
        sites = tuple(r for r in routes[d.sku_id] if r.location_id not in exclude)
        planned = manufacturing.plan_line(uow, order.id, d.line_id, d.sku_id, d.quantity, sites)
        if planned is None:
            raise allocation.insufficient([d])
        site = planned["location_id"]
        state = uow.state(InFlight)
        state.ready_from[(order.id, site)] = manufacturing.ready_from(uow, site, planned["due_day"])
        state.work_orders.append(planned)  # stored by ``record``, once the order is
        made.append(allocation.Allocation(d.line_id, d.sku_id, site, d.quantity))
    return made


def _with_policies(
    uow: UnitOfWork,
    order: Order,
    demands: list[allocation.Demand],
    policies: dict[str, str],
    where: list[str] | None,
) -> Placement:
    deny = [d for d in demands if policies[d.sku_id] == "deny"]
    done = Placement(
        allocation.allocate(uow, order.id, order.channel_id, deny, locations=where) if deny else []
    )
    locations = where or allocation.candidate_locations(uow, order.channel_id)
    for policy in ("backorder", "preorder"):
        group = [d for d in demands if policies[d.sku_id] == policy]
        if not group or not locations:
            continue
        chosen = _choose(uow, group, locations, policy, {a.location_id for a in done.allocations})
        requests = [
            inventory.ReservationRequest(
                d.sku_id, chosen[d.line_id], d.quantity, order.id, d.line_id
            )
            for d in group
        ]
        try:  # the engine decided where stock may serve: the rest only waits
            outcomes = reserve_with_policy(uow, requests, policy, wait_only=True)
        except Conflict as exc:
            raise _renumbered(exc, group) from None
        for d, out in zip(group, outcomes, strict=True):
            loc = chosen[d.line_id]
            if out.reserved:
                done.allocations.append(
                    allocation.Allocation(d.line_id, d.sku_id, loc, out.reserved)
                )
            if out.backordered or out.preordered:
                eta = out.expected_at.isoformat() if out.expected_at else None
                kind = "preorder" if out.preordered else "backorder"
                waiting = out.backordered + out.preordered
                done.waiting.append(Waiting(d.line_id, d.sku_id, loc, waiting, kind, eta))
    return done


def _choose(
    uow: UnitOfWork,
    group: list[allocation.Demand],
    locations: list[str],
    policy: str,
    used: set[str],
) -> dict[str, str]:
    """Per line: the location with the most stock (preorders: stock plus free supply),
    then one that stocks the SKU at all, then one the order already uses."""
    stock = inventory.available(uow, [d.sku_id for d in group], locations)
    supply = uow.repo(SupplyRepository)
    chosen: dict[str, str] = {}
    for d in group:

        def score(loc: str, d: allocation.Demand = d) -> tuple[int, bool, bool]:
            have = stock.get((d.sku_id, loc), 0)
            if policy == "preorder" and have < d.quantity:
                have += sum(
                    s["quantity"] - s["received"] - s["preordered"]
                    for s in supply.open_supply_lines(d.sku_id, loc)
                )
            return min(have, d.quantity), (d.sku_id, loc) in stock, loc in used

        chosen[d.line_id] = max(locations, key=score)
        used.add(chosen[d.line_id])
    return chosen


def _renumbered(exc: Conflict, group: list[allocation.Demand]) -> Conflict:
    """Inventory names request indexes (``lines.{i}``): name the order's lines instead."""
    errors = []
    for e in exc.errors:
        parts = e.field.split(".")
        if len(parts) >= 2 and parts[0] == "lines" and parts[1].isdigit():
            at = group[int(parts[1])].index
            errors.append(FieldError(f"lines.{at}.quantity", e.code, e.message))
        else:
            errors.append(e)
    return Conflict(exc.code, exc.detail, errors, extra=exc.extra)


def record(uow: UnitOfWork, order: Order, done: Placement, *, cause: str) -> None:
    """Events for what ``allocate_lines`` did, and one fulfillment per location reserved at.

    Call after the order is stored (fulfillments and work orders refer to it).
    """
    state = uow.state(InFlight)
    planned = [w for w in state.work_orders if w["order_id"] == order.id]
    if planned:
        state.work_orders = [w for w in state.work_orders if w["order_id"] != order.id]
        manufacturing.add_work_orders(uow, planned)
    by_location: dict[str, list[allocation.Allocation]] = defaultdict(list)
    for a in done.allocations:
        by_location[a.location_id].append(a)
    if done.allocations:
        uow.emit(
            order.event(
                "order.allocated",
                {
                    "cause": cause,
                    "allocations": [
                        {"line_id": a.line_id, "location_id": loc, "quantity": a.quantity}
                        for loc, group in sorted(by_location.items())
                        for a in group
                    ],
                },
            )
        )
    if done.waiting:
        waiting: list[dict[str, Any]] = [
            {
                "line_id": w.line_id,
                "location_id": w.location_id,
                "quantity": w.quantity,
                "kind": w.kind,
                "expected_at": w.expected_at,
            }
            for w in done.waiting
        ]
        uow.emit(order.event("order.backordered", {"cause": cause, "lines": waiting}))
    placing = order.id in uow.state(InFlight).new_orders  # it has no fulfillments yet
    node = uow.state(InFlight).merge_nodes.pop(order.id, None)
    if node is not None and placing and not done.waiting:
        consolidated(uow, order, node, by_location)
        return
    for location_id, group in sorted(by_location.items()):
        items = [(a.line_id, a.sku_id, a.quantity) for a in group]
        # Sourcing call site: a transfer to the pickup store ships; the promised date.
        method, promised, to_store = promising.fulfilment_terms(uow, order, location_id)
        fulfillment.create_for(
            uow, order, location_id, items, delivery_method=method, promised_delivery=promised,
            merge=not placing, ship_to_location_id=to_store,
        )  # fmt: skip


def consolidated(
    uow: UnitOfWork,
    order: Order,
    node: str,
    by_location: dict[str, list[allocation.Allocation]],
) -> None:
    """A consolidated order's fulfillments: a merge leg from every other location to the
    merge node, then the node's parcel with every unit, which waits for the legs."""
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for location_id, group in sorted(by_location.items()):
        for a in group:
            totals[(a.line_id, a.sku_id)] += a.quantity
        if location_id == node:
            continue
        items = [(a.line_id, a.sku_id, a.quantity) for a in group]
        _, promised, _ = promising.fulfilment_terms(uow, order, location_id)
        fulfillment.create_for(
            uow, order, location_id, items, promised_delivery=promised, merge=False,
            ship_to_location_id=node, purpose=MERGE_LEG,
        )  # fmt: skip
    items = [(line_id, sku_id, qty) for (line_id, sku_id), qty in sorted(totals.items())]
    _, promised, _ = promising.fulfilment_terms(uow, order, node)
    fulfillment.create_for(
        uow, order, node, items, promised_delivery=promised, merge=False, purpose=CONSOLIDATED
    )
