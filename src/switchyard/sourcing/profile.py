"""Sourcing profiles: which locations may fulfil an order and how the winner is chosen.

A profile is data (stored as JSON, versioned, draft or active) so merchants can edit and
compare profiles without code. Hard filters remove locations; the strategy then ranks
what is left.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal, get_args

from switchyard.kernel.errors import FieldError, ValidationFailed

Strategy = Literal["priority", "nearest", "highest_stock", "fewest_shipments", "lowest_cost"]
Fulfilment = Literal["ship_complete", "ship_available"]
STRATEGIES: tuple[str, ...] = get_args(Strategy)
FULFILMENTS: tuple[str, ...] = get_args(Fulfilment)
LOCATION_TYPES = frozenset({"warehouse", "store", "3pl", "dropship"})


@dataclass(frozen=True, slots=True)
class HardFilters:
    """Rules a location must pass to be a candidate. Empty ``networks`` means any."""

    location_types: frozenset[str] = LOCATION_TYPES
    networks: frozenset[str] = frozenset()
    ship_from_store: bool = True
    max_distance_km: float | None = None
    exclude_rejecting: bool = True
    respect_capacity: bool = True
    respect_safety_stock: bool = True


@dataclass(frozen=True, slots=True)
class SourcingProfile:
    """A versioned sourcing policy, usually one active profile per sales channel.

    ``max_splits`` is how many times an order may be split: 0 means one shipment,
    None means no limit. ``ship_complete`` sources an order whole or not at all;
    ``ship_available`` ships what it can and backorders the rest.
    """

    id: str = "default"
    name: str = "Default"
    channel_id: str | None = None
    version: int = 1
    status: Literal["draft", "active"] = "draft"
    filters: HardFilters = HardFilters()
    strategy: Strategy = "lowest_cost"
    max_splits: int | None = None
    fulfilment: Fulfilment = "ship_available"
    keep_kits_together: bool = True
    # Consolidation: locations (ids) where a split order's shipments may meet and leave
    # as one parcel; the engine compares that against shipping split (``consolidation``).
    merge_nodes: tuple[str, ...] = ()

    @property
    def max_shipments(self) -> int | None:
        return None if self.max_splits is None else self.max_splits + 1

    def activated(self) -> SourcingProfile:
        return replace(self, status="active")

    def revised(self, **changes: Any) -> SourcingProfile:
        """A new draft version with ``changes`` applied; the active one stays as it is."""
        return replace(self, version=self.version + 1, status="draft", **changes)

    def as_dict(self) -> dict[str, Any]:
        f = self.filters
        return {
            "id": self.id,
            "name": self.name,
            "channel_id": self.channel_id,
            "version": self.version,
            "status": self.status,
            "filters": {
                "location_types": sorted(f.location_types),
                "networks": sorted(f.networks),
                "ship_from_store": f.ship_from_store,
                "max_distance_km": f.max_distance_km,
                "exclude_rejecting": f.exclude_rejecting,
                "respect_capacity": f.respect_capacity,
                "respect_safety_stock": f.respect_safety_stock,
            },
            "strategy": self.strategy,
            "max_splits": self.max_splits,
            "fulfilment": self.fulfilment,
            "keep_kits_together": self.keep_kits_together,
            "merge_nodes": list(self.merge_nodes),
        }


def profile_from_dict(data: dict[str, Any]) -> SourcingProfile:
    """Build a profile from stored or submitted JSON; raise listing every field at fault."""
    errors: list[FieldError] = []
    raw = data.get("filters") or {}
    types = frozenset(raw.get("location_types", LOCATION_TYPES))
    if not types or not types <= LOCATION_TYPES:
        errors.append(
            FieldError("filters.location_types", "invalid_choice", f"of {sorted(LOCATION_TYPES)}")
        )
    distance = raw.get("max_distance_km")
    if distance is not None and (not isinstance(distance, int | float) or distance <= 0):
        errors.append(FieldError("filters.max_distance_km", "out_of_range", "above zero"))
    if data.get("strategy", "lowest_cost") not in STRATEGIES:
        errors.append(FieldError("strategy", "invalid_choice", f"one of {list(STRATEGIES)}"))
    if data.get("fulfilment", "ship_available") not in FULFILMENTS:
        errors.append(FieldError("fulfilment", "invalid_choice", f"one of {list(FULFILMENTS)}"))
    splits = data.get("max_splits")
    if splits is not None and (not isinstance(splits, int) or splits < 0):
        errors.append(FieldError("max_splits", "out_of_range", "zero or more, or null"))
    if data.get("status", "draft") not in ("draft", "active"):
        errors.append(FieldError("status", "invalid_choice", "draft or active"))
    version = data.get("version", 1)
    if not isinstance(version, int) or version < 1:
        errors.append(FieldError("version", "out_of_range", "one or more"))
    nodes = data.get("merge_nodes") or []
    if not isinstance(nodes, list | tuple) or not all(isinstance(n, str) and n for n in nodes):
        errors.append(FieldError("merge_nodes", "invalid_type", "a list of location ids"))
    elif len(set(nodes)) != len(nodes):
        errors.append(FieldError("merge_nodes", "duplicate_location", "each node once"))
    if errors:
        raise ValidationFailed("invalid_sourcing_profile", "the profile is not valid", errors)
    filters = HardFilters(
        location_types=types,
        networks=frozenset(raw.get("networks", ())),
        ship_from_store=bool(raw.get("ship_from_store", True)),
        max_distance_km=None if distance is None else float(distance),
        exclude_rejecting=bool(raw.get("exclude_rejecting", True)),
        respect_capacity=bool(raw.get("respect_capacity", True)),
        respect_safety_stock=bool(raw.get("respect_safety_stock", True)),
    )
    return SourcingProfile(
        id=str(data.get("id", "default")),
        name=str(data.get("name", "Default")),
        channel_id=data.get("channel_id"),
        version=version,
        status=data.get("status", "draft"),
        filters=filters,
        strategy=data.get("strategy", "lowest_cost"),
        max_splits=splits,
        fulfilment=data.get("fulfilment", "ship_available"),
        keep_kits_together=bool(data.get("keep_kits_together", True)),
        merge_nodes=tuple(nodes),
    )
