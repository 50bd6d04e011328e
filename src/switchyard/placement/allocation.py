"""Choosing where an order's lines are reserved: the sourcing engine under the channel's
active sourcing profile (``switchyard.sourcing``).

``allocate`` asks the engine (filters, strategy, split limit, ship-complete or
ship-available, kits kept together), reserves what it chose and stores the decision with
its log and delivery promise. By default it is all or nothing (409
``insufficient_stock`` naming the lines it could not source); with ``partial=True`` it
reserves what the profile can source and the caller treats the rest under the backorder
policies (``placement.stock``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from switchyard.channels.repository import ChannelRepository
from switchyard.db.uow import UnitOfWork
from switchyard.inventory import service as inventory
from switchyard.kernel.errors import Conflict, FieldError
from switchyard.locations.repository import LocationRepository
from switchyard.orders.domain import Order
from switchyard.placement import decisions


@dataclass(frozen=True, slots=True)
class Demand:
    index: int
    line_id: str
    sku_id: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Allocation:
    line_id: str
    sku_id: str
    location_id: str
    quantity: int


def candidate_locations(uow: UnitOfWork, channel_id: str) -> list[str]:
    """Active shipping locations the channel sells from (all of them if it names none)."""
    allowed = set(uow.repo(ChannelRepository).location_ids(channel_id))
    return [
        loc["id"]
        for loc in uow.repo(LocationRepository).all_active()
        if "ship" in loc["capabilities"] and (not allowed or loc["id"] in allowed)
    ]


def shortfall(demands: list[Demand], allocations: list[Allocation]) -> list[Demand]:
    """What of each demand the allocations leave open."""
    got: dict[str, int] = {}
    for a in allocations:
        got[a.line_id] = got.get(a.line_id, 0) + a.quantity
    return [
        Demand(d.index, d.line_id, d.sku_id, d.quantity - got.get(d.line_id, 0))
        for d in demands
        if d.quantity > got.get(d.line_id, 0)
    ]


def insufficient(short: list[Demand]) -> Conflict:
    return Conflict(
        "insufficient_stock",
        "not enough stock for this order",
        [
            FieldError(
                f"lines.{d.index}.quantity",
                "insufficient_stock",
                f"{d.quantity} cannot be sourced under the channel's sourcing profile",
            )
            for d in short
        ],
    )


def allocate(
    uow: UnitOfWork,
    order_id: str,
    channel_id: str,
    demands: list[Demand],
    *,
    locations: list[str] | None = None,
    order: Order | None = None,
    exclude: Iterable[str] = (),
    partial: bool = False,
    at_commit: bool = False,
) -> list[Allocation]:
    """Source ``demands`` with the engine and reserve there; retried if stock moved.

    ``at_commit``: a complete decision's balances are updated just before commit (a hot
    SKU's balance is then locked for the commit only; see ``inventory.late``).

    ``locations`` limits the choice to these locations; ``exclude`` names locations that
    handed this order back (the decision log says so); ``order`` is the order being
    placed (else it is loaded) for its destination, pickup store and kits.
    """
    if not demands:
        return []
    lines = [(d.line_id, d.sku_id, d.quantity) for d in demands]
    excluded = sorted(set(exclude))
    for attempt in range(3):
        sourced = decisions.decide(
            uow, order_id, channel_id, lines, order=order, only=locations, exclude=excluded
        )
        allocations = [
            Allocation(a.line_id, a.sku, a.location_id, a.quantity)
            for a in sourced.decision.allocations
        ]
        if not partial and sourced.decision.unsourced:
            raise insufficient(shortfall(demands, allocations))
        requests = [
            inventory.ReservationRequest(a.sku_id, a.location_id, a.quantity, order_id, a.line_id)
            for a in allocations
        ]
        late = at_commit and not sourced.decision.unsourced
        try:  # no savepoint needed: a refused reserve leaves every balance as it was
            inventory.reserve(uow, requests, at_commit=late)
        except Conflict as exc:
            if exc.code != "insufficient_stock" or attempt == 2:
                raise
            continue
        decisions.record(uow, sourced)
        return allocations
    raise AssertionError("unreachable")
