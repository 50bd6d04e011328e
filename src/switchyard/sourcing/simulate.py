"""Replay orders against a profile without changing anything, and report the outcome.

Merchants compare profiles this way before activating one: total cost, shipments per
order, split rate, distance, on-time promise rate and the load on every location.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any, Literal

from switchyard.kernel.clock import utcnow
from switchyard.sourcing.batch import optimise_batch
from switchyard.sourcing.calendar import BusinessCalendar
from switchyard.sourcing.costs import CostModel
from switchyard.sourcing.ledger import Ledger
from switchyard.sourcing.model import Decision, Location, OrderRequest
from switchyard.sourcing.profile import SourcingProfile
from switchyard.sourcing.promise import DEFAULT_CARRIER, promise_order
from switchyard.sourcing.sequential import source_sequentially


@dataclass(frozen=True, slots=True)
class SimulationReport:
    strategy: str
    orders: int
    total_cost: Decimal
    currency: str
    shipments: int
    shipments_per_order: float
    split_rate: float
    unsourced_units: int
    shipped_units: int
    average_distance_km: float
    on_time_rate: float
    capacity_violations: int
    stock_violations: int
    location_load: dict[str, dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__slots__}
        data["total_cost"] = str(self.total_cost)
        return data


def simulate(
    requests: Sequence[OrderRequest],
    locations: Sequence[Location],
    ledger: Ledger,
    profile: SourcingProfile,
    cost_model: CostModel,
    mode: Literal["sequential", "batch"] = "sequential",
    strategy: str | None = None,
    carrier: BusinessCalendar = DEFAULT_CARRIER,
    target_days: int = 3,
    time_limit: float = 50.0,
) -> SimulationReport:
    """Source ``requests`` as the profile would (one by one, or as one batch) and
    measure. An order is on time if its promised delivery date is no later than its
    ``promised_by``, or ``target_days`` after it was placed when it has none."""
    if mode == "batch":
        batch = optimise_batch(requests, locations, ledger, profile, cost_model, time_limit)
        decisions: Sequence[Decision] = batch.decisions
    else:
        decisions = source_sequentially(requests, locations, ledger, profile, cost_model, strategy)
    return report(decisions, requests, locations, ledger, cost_model, carrier, target_days)


def report(
    decisions: Sequence[Decision],
    requests: Sequence[OrderRequest],
    locations: Sequence[Location],
    ledger: Ledger,
    cost_model: CostModel,
    carrier: BusinessCalendar = DEFAULT_CARRIER,
    target_days: int = 3,
) -> SimulationReport:
    """Measure decisions already made (each against the same starting ``ledger``)."""
    now = utcnow()
    shipments = [s for d in decisions for s in d.shipments]
    on_time = 0
    for decision, request in zip(decisions, requests, strict=True):
        placed = request.placed_at or now
        promise = promise_order(decision, request, locations, cost_model, placed, carrier)
        due = request.promised_by or placed.date() + timedelta(days=target_days)
        if promise.deliver_by is not None and promise.deliver_by <= due:
            on_time += 1
    capacity_violations, stock_violations, load = _load(decisions, locations, ledger)
    n = max(1, len(decisions))
    return SimulationReport(
        strategy=decisions[0].strategy if decisions else "",
        orders=len(decisions),
        total_cost=sum((d.total_cost for d in decisions), Decimal(0)),
        currency=cost_model.currency,
        shipments=len(shipments),
        shipments_per_order=len(shipments) / n,
        split_rate=sum(1 for d in decisions if len(d.shipments) > 1) / n,
        unsourced_units=sum(d.unsourced_units for d in decisions),
        shipped_units=sum(s.units for s in shipments),
        average_distance_km=sum(s.distance_km for s in shipments) / max(1, len(shipments)),
        on_time_rate=on_time / n,
        capacity_violations=capacity_violations,
        stock_violations=stock_violations,
        location_load=load,
    )


def _load(
    decisions: Sequence[Decision], locations: Sequence[Location], ledger: Ledger
) -> tuple[int, int, dict[str, dict[str, Any]]]:
    """Shipments over each location's capacity, units over each stock level, and load."""
    ships: Counter[str] = Counter()
    units: Counter[str] = Counter()
    taken: dict[tuple[str, str], int] = defaultdict(int)
    for d in decisions:
        for s in d.shipments:
            ships[s.location_id] += 1
            units[s.location_id] += s.units
            for a in s.allocations:
                taken[(a.sku, a.location_id)] += a.quantity
    over_capacity = 0
    load: dict[str, dict[str, Any]] = {}
    for loc in locations:
        cap = ledger.capacity_left(loc.id)
        if cap is not None:
            over_capacity += max(0, ships[loc.id] - cap)
        load[loc.code] = {
            "shipments": ships[loc.id],
            "units": units[loc.id],
            "capacity": cap,
            "utilisation": round(ships[loc.id] / cap, 3) if cap else None,
        }
    over_stock = sum(max(0, q - ledger.available(sku, loc)) for (sku, loc), q in taken.items())
    return over_capacity, over_stock, load
