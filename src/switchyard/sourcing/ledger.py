"""The stock and capacity that a run of sourcing decisions draws from.

Sourcing itself never changes anything: callers pass a ledger, and a sequential run
(simulation, the benchmark, re-sourcing) applies each decision to its own copy.
"""

from __future__ import annotations

from collections.abc import Iterable

from switchyard.kernel.errors import Conflict
from switchyard.sourcing.model import Decision, Location, StockLevel


class Ledger:
    """Units free per SKU and location, and shipments each location can still start."""

    def __init__(self, stock: dict[str, dict[str, int]], capacity: dict[str, int | None]) -> None:
        self.stock = stock
        self.capacity = capacity

    @classmethod
    def from_levels(
        cls,
        levels: Iterable[StockLevel],
        locations: Iterable[Location],
        respect_safety_stock: bool = True,
    ) -> Ledger:
        stock: dict[str, dict[str, int]] = {}
        for level in levels:
            free = level.available - (level.safety_stock if respect_safety_stock else 0)
            if free > 0:
                by_loc = stock.setdefault(level.sku, {})
                by_loc[level.location_id] = by_loc.get(level.location_id, 0) + free
        return cls(stock, {loc.id: loc.capacity_left for loc in locations})

    def available(self, sku: str, location_id: str) -> int:
        return self.stock.get(sku, {}).get(location_id, 0)

    def capacity_left(self, location_id: str) -> int | None:
        return self.capacity.get(location_id)

    def copy(self) -> Ledger:
        return Ledger({sku: dict(m) for sku, m in self.stock.items()}, dict(self.capacity))

    def apply(self, decision: Decision) -> None:
        """Take the decision's units and shipments; refuse to overdraw either."""
        for shipment in decision.shipments:
            left = self.capacity.get(shipment.location_id)
            if left is not None and left < 1:
                raise Conflict("no_capacity_left", f"{shipment.location_code} is full today")
            for a in shipment.allocations:
                if self.available(a.sku, a.location_id) < a.quantity:
                    raise Conflict("insufficient_stock", f"{a.sku} at {a.location_id} is short")
        for shipment in decision.shipments:
            left = self.capacity.get(shipment.location_id)
            if left is not None:
                self.capacity[shipment.location_id] = left - 1
            for a in shipment.allocations:
                self.stock[a.sku][a.location_id] -= a.quantity
