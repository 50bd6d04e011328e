"""Promise options before ordering: what the shopper can choose, with dates and cost.

For a basket and a destination: the cheapest delivery, a faster delivery if one
exists, and pickup at nearby stores that hold everything. Nothing is reserved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from switchyard.sourcing.calendar import BusinessCalendar, pickup_label
from switchyard.sourcing.costs import CostModel
from switchyard.sourcing.decision import build_decision
from switchyard.sourcing.engine import source_order
from switchyard.sourcing.geo import distance_km
from switchyard.sourcing.ledger import Ledger
from switchyard.sourcing.model import Decision, IncomingSupply, Location, OrderRequest
from switchyard.sourcing.problem import build_problem
from switchyard.sourcing.profile import SourcingProfile
from switchyard.sourcing.promise import DEFAULT_CARRIER, promise_order
from switchyard.sourcing.search import assign


@dataclass(frozen=True, slots=True)
class PromiseOption:
    """One choice. ``preorder``: some units wait for incoming supply, the last expected
    at ``expected_at``; such an option has no ``order_within`` (no cut-off to beat)."""

    kind: Literal["cheapest", "fastest", "pickup"]
    label: str
    cost: Decimal
    currency: str
    deliver_by: date | None
    locations: tuple[str, ...]
    order_within: timedelta | None = None
    ready_at: datetime | None = None
    expected_at: datetime | None = None

    @property
    def preorder(self) -> bool:
        return self.expected_at is not None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "cost": str(self.cost),
            "currency": self.currency,
            "deliver_by": self.deliver_by.isoformat() if self.deliver_by else None,
            "locations": list(self.locations),
            "order_within_minutes": (
                int(self.order_within.total_seconds() // 60) if self.order_within else None
            ),
            "ready_at": self.ready_at.isoformat() if self.ready_at else None,
            "preorder": self.preorder,
            "expected_at": self.expected_at.isoformat() if self.expected_at else None,
        }


def promise_options(
    request: OrderRequest,
    locations: Sequence[Location],
    ledger: Ledger,
    profile: SourcingProfile,
    cost_model: CostModel,
    now: datetime,
    carrier: BusinessCalendar = DEFAULT_CARRIER,
    supplies: Sequence[IncomingSupply] = (),
    pickup_radius_km: float = 50.0,
    max_pickups: int = 3,
) -> list[PromiseOption]:
    """Delivery and pickup options for ``request`` as if ordered ``now``."""
    options: list[PromiseOption] = []
    cheapest = source_order(request, locations, ledger, profile, cost_model, "lowest_cost")
    first = _delivery("cheapest", cheapest, request, locations, cost_model, now, carrier, supplies)
    if first is not None:
        options.append(first)
    fastest = _fastest(request, locations, ledger, profile, cost_model, now, carrier)
    if fastest is not None and (first is None or _earlier(fastest, first, strictly=True)):
        options.append(fastest)
    stores = sorted(
        (
            (distance_km(s.latitude, s.longitude, request.latitude, request.longitude), s)
            for s in locations
            if "pickup" in s.capabilities
        ),
        key=lambda t: (t[0], t[1].code),
    )
    for dist, store in stores[:max_pickups]:
        if dist > pickup_radius_km:
            break
        collect = replace(request, delivery="pickup", pickup_location_id=store.id)
        decision = source_order(collect, locations, ledger, profile, cost_model, "lowest_cost")
        if decision.status != "sourced":
            continue
        promise = promise_order(decision, collect, locations, cost_model, now, carrier)
        if promise.ready_at is None:
            continue
        options.append(
            PromiseOption(
                "pickup",
                f"pick up at {store.code}: {pickup_label(promise.ready_at, now)}",
                decision.total_cost,
                decision.currency,
                promise.deliver_by,
                (store.code,),
                ready_at=promise.ready_at,
            )
        )
    return options


def _delivery(
    kind: Literal["cheapest", "fastest"],
    decision: Decision,
    request: OrderRequest,
    locations: Sequence[Location],
    cost_model: CostModel,
    now: datetime,
    carrier: BusinessCalendar,
    supplies: Sequence[IncomingSupply] = (),
) -> PromiseOption | None:
    promise = promise_order(decision, request, locations, cost_model, now, carrier, supplies)
    if promise.deliver_by is None:
        return None
    expected = max((p.expected_at for p in promise.shipments if p.expected_at), default=None)
    within = None
    if expected is None:  # a cut-off only counts when ordering now ships sooner
        within = min((p.order_within for p in promise.shipments if p.order_within), default=None)
    label = f"delivered {promise.deliver_by.strftime('%A %d %B')}"
    if expected is not None:
        label = f"preorder, {label}"
    elif within is not None:
        hours, rest = divmod(int(within.total_seconds()) // 60, 60)
        label = f"order within {hours} h {rest} min, {label}"
    return PromiseOption(
        kind,
        label,
        decision.total_cost,
        decision.currency,
        promise.deliver_by,
        tuple(s.location_code for s in decision.shipments),
        order_within=within,
        expected_at=expected,
    )


def _fastest(
    request: OrderRequest,
    locations: Sequence[Location],
    ledger: Ledger,
    profile: SourcingProfile,
    cost_model: CostModel,
    now: datetime,
    carrier: BusinessCalendar,
) -> PromiseOption | None:
    """The earliest delivery from one location that holds everything (cheapest on ties)."""
    problem = build_problem(request, locations, ledger, profile, cost_model)
    best: PromiseOption | None = None
    for c in range(len(problem.candidates)):
        _, plan = assign(problem, [c], want_picks=True)
        if plan is None or sum(plan.sourced(problem)) < problem.units:
            continue
        decision = build_decision(problem, plan, "fastest", "earliest delivery", with_log=False)
        option = _delivery("fastest", decision, request, locations, cost_model, now, carrier)
        if option is not None and (best is None or _earlier(option, best)):
            best = option
    return best


def _earlier(a: PromiseOption, b: PromiseOption, strictly: bool = False) -> bool:
    if a.deliver_by is None or b.deliver_by is None:
        return b.deliver_by is None and a.deliver_by is not None
    if strictly:
        return a.deliver_by < b.deliver_by
    return (a.deliver_by, a.cost) < (b.deliver_by, b.cost)
