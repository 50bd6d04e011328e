"""The sourcing data model: locations, stock, order requests and sourcing decisions.

Plain frozen dataclasses, no framework imports. Quantities are whole units, money is
Decimal, times are timezone-aware. The lead layer maps database rows onto these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Literal

from switchyard.kernel.errors import FieldError, ValidationFailed

LocationType = Literal["warehouse", "store", "3pl", "dropship"]
DeliveryMethod = Literal["ship", "pickup"]
WEEKDAYS = frozenset(range(1, 6))


@dataclass(frozen=True, slots=True)
class Location:
    """A place that can fulfil order lines, with what sourcing and promising need to know.

    ``capacity_left`` counts shipments the location can still start today (None: no
    limit). ``processing_days`` are ISO weekdays it ships on, ``cutoff`` is local time
    in ``timezone``, ``handling_days`` the working days it needs before handing over.
    """

    id: str
    code: str
    type: LocationType
    latitude: float
    longitude: float
    timezone: str = "UTC"
    capabilities: frozenset[str] = frozenset({"ship"})
    capacity_left: int | None = None
    processing_days: frozenset[int] = WEEKDAYS
    cutoff: time = time(14, 0)
    handling_days: int = 0
    priority: int = 100
    networks: frozenset[str] = frozenset()
    holidays: frozenset[date] = frozenset()
    opens: time = time(9, 0)
    closes: time = time(20, 0)
    pickup_lead_minutes: int = 120


@dataclass(frozen=True, slots=True)
class StockLevel:
    """Units of a SKU free to promise at a location (on hand less reserved)."""

    sku: str
    location_id: str
    available: int
    safety_stock: int = 0


@dataclass(frozen=True, slots=True)
class IncomingSupply:
    """Stock expected at a location: a purchase order, transfer or preorder batch."""

    sku: str
    location_id: str
    quantity: int
    arrives_at: datetime


@dataclass(frozen=True, slots=True)
class OrderLine:
    id: str
    sku: str
    quantity: int
    unit_weight_kg: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """An order (or the unsourced rest of one) to be sourced.

    ``kits`` lists groups of line ids that must ship together from one location.
    ``excluded_location_ids`` are locations that rejected this order before.
    For ``delivery="pickup"`` the goods go to ``pickup_location_id``, which is also the
    destination used for distances.
    """

    id: str
    lines: tuple[OrderLine, ...]
    latitude: float
    longitude: float
    country: str = ""
    channel_id: str | None = None
    delivery: DeliveryMethod = "ship"
    pickup_location_id: str | None = None
    kits: tuple[tuple[str, ...], ...] = ()
    # Groups that come from one location whatever the profile says: a kit SKU's components.
    bundles: tuple[tuple[str, ...], ...] = ()
    excluded_location_ids: frozenset[str] = frozenset()
    placed_at: datetime | None = None
    promised_by: date | None = None

    def __post_init__(self) -> None:
        errors: list[FieldError] = []
        if not self.lines:
            errors.append(FieldError("lines", "required", "at least one line"))
        ids = [line.id for line in self.lines]
        if len(set(ids)) != len(ids):
            errors.append(FieldError("lines", "duplicate_line_id", "line ids must be unique"))
        for n, line in enumerate(self.lines):
            if line.quantity <= 0:
                errors.append(FieldError(f"lines.{n}.quantity", "out_of_range", "one or more"))
        known = set(ids)
        for n, kit in enumerate(self.kits):
            if not set(kit) <= known:
                errors.append(FieldError(f"kits.{n}", "unknown_line", "kit names a missing line"))
        for n, bundle in enumerate(self.bundles):
            if not set(bundle) <= known:
                errors.append(
                    FieldError(f"bundles.{n}", "unknown_line", "bundle names a missing line")
                )
        groups = [*self.kits, *self.bundles]
        if len({line_id for kit in groups for line_id in kit}) != sum(map(len, groups)):
            errors.append(FieldError("kits", "overlapping_kits", "a line is in two kits"))
        if self.delivery == "pickup" and not self.pickup_location_id:
            errors.append(FieldError("pickup_location_id", "required", "pickup needs a store"))
        if self.placed_at is not None and self.placed_at.tzinfo is None:
            errors.append(FieldError("placed_at", "naive_datetime", "give a time zone"))
        if errors:
            raise ValidationFailed(
                "invalid_sourcing_request", "the order cannot be sourced", errors
            )

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)


@dataclass(frozen=True, slots=True)
class Allocation:
    line_id: str
    sku: str
    location_id: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Shipment:
    """What one location sends for the order, with its exact cost."""

    location_id: str
    location_code: str
    allocations: tuple[Allocation, ...]
    units: int
    weight_kg: Decimal
    distance_km: float
    zone: str
    transit_days: int
    cost: Decimal
    cost_breakdown: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Leg:
    """A transfer of one location's units to the merge node (consolidation)."""

    location_id: str
    location_code: str
    units: int
    weight_kg: Decimal
    distance_km: float
    zone: str
    transit_days: int
    cost: Decimal
    cost_breakdown: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Consolidation:
    """Shipping a split order through a merge node as one parcel, costed against split.

    ``legs`` bring the other locations' units to ``node_id``; the node then sends every
    unit to the customer (``final_*``). ``chosen``: the decision consolidates (it was
    cheaper, and the caller let the engine choose it)."""

    node_id: str
    node_code: str
    legs: tuple[Leg, ...]
    final_distance_km: float
    final_zone: str
    final_transit_days: int
    final_cost: Decimal
    final_breakdown: dict[str, Decimal]
    cost: Decimal
    split_cost: Decimal
    chosen: bool = False

    @property
    def saving(self) -> Decimal:
        return self.split_cost - self.cost

    def as_dict(self) -> dict[str, Any]:
        return {
            "node_id": self.node_id,
            "node_code": self.node_code,
            "chosen": self.chosen,
            "cost": str(self.cost),
            "split_cost": str(self.split_cost),
            "legs": [
                {
                    "location_id": g.location_id,
                    "location_code": g.location_code,
                    "units": g.units,
                    "weight_kg": str(g.weight_kg),
                    "distance_km": round(g.distance_km, 1),
                    "zone": g.zone,
                    "transit_days": g.transit_days,
                    "cost": str(g.cost),
                    "cost_breakdown": {k: str(v) for k, v in g.cost_breakdown.items()},
                }
                for g in self.legs
            ],
            "final": {
                "distance_km": round(self.final_distance_km, 1),
                "zone": self.final_zone,
                "transit_days": self.final_transit_days,
                "cost": str(self.final_cost),
                "cost_breakdown": {k: str(v) for k, v in self.final_breakdown.items()},
            },
        }


@dataclass(frozen=True, slots=True)
class Decision:
    """Where each line of an order is fulfilled, what it costs, and why.

    ``status`` is ``sourced`` (every unit), ``partial`` (the rest is ``unsourced`` and
    goes to backorder) or ``unsourced``. ``log`` is plain JSON: the candidates, the
    filters each failed, the options costed and the reason the winner won.
    """

    order_id: str
    strategy: str
    status: Literal["sourced", "partial", "unsourced"]
    shipments: tuple[Shipment, ...]
    unsourced: dict[str, int]
    total_cost: Decimal
    currency: str
    cost_breakdown: dict[str, Decimal]
    log: dict[str, Any]
    profile_id: str | None = None
    profile_version: int | None = None
    # The cheapest merge node costed (profile ``merge_nodes``), chosen or not.
    consolidation: Consolidation | None = None

    @property
    def merge_node_id(self) -> str | None:
        """Where the shipments meet and leave as one parcel; None: they ship as planned."""
        c = self.consolidation
        return c.node_id if c is not None and c.chosen else None

    @property
    def allocations(self) -> tuple[Allocation, ...]:
        return tuple(a for s in self.shipments for a in s.allocations)

    @property
    def unsourced_units(self) -> int:
        return sum(self.unsourced.values())

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (Decimals as strings) to store with the order."""
        extra: dict[str, Any] = {}
        if self.consolidation is not None:
            extra = {
                "merge_node_id": self.merge_node_id,
                "consolidation": self.consolidation.as_dict(),
            }
        return {
            "order_id": self.order_id,
            "strategy": self.strategy,
            "profile_id": self.profile_id,
            "profile_version": self.profile_version,
            "status": self.status,
            "total_cost": str(self.total_cost),
            "currency": self.currency,
            "cost_breakdown": {k: str(v) for k, v in self.cost_breakdown.items()},
            "shipments": [_shipment_dict(s) for s in self.shipments],
            "unsourced": dict(self.unsourced),
            "log": self.log,
            **extra,
        }


def _shipment_dict(s: Shipment) -> dict[str, Any]:
    return {
        "location_id": s.location_id,
        "location_code": s.location_code,
        "lines": [
            {"line_id": a.line_id, "sku": a.sku, "quantity": a.quantity} for a in s.allocations
        ],
        "units": s.units,
        "weight_kg": str(s.weight_kg),
        "distance_km": round(s.distance_km, 1),
        "zone": s.zone,
        "transit_days": s.transit_days,
        "cost": str(s.cost),
        "cost_breakdown": {k: str(v) for k, v in s.cost_breakdown.items()},
    }
