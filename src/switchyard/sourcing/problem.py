"""Turn an order, the network, a profile and a cost model into a solver-ready problem.

The problem holds, for every candidate location, float costs (fixed per shipment and
per unit of each line) and the units of each line it can supply. Strategies and
optimisers work on this; ``decision.py`` turns their answer back into exact money.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from switchyard.kernel.errors import FieldError, ValidationFailed
from switchyard.sourcing.costs import LOCAL_ZONE, CostModel, Zone
from switchyard.sourcing.filters import failed_filters
from switchyard.sourcing.geo import distance_km
from switchyard.sourcing.ledger import Ledger
from switchyard.sourcing.model import Location, OrderLine, OrderRequest
from switchyard.sourcing.profile import SourcingProfile


@dataclass(slots=True)
class Candidate:
    """A location that passed the hard filters and holds stock for at least one line."""

    location: Location
    distance_km: float
    zone: Zone
    fixed: float
    unit: list[float]
    stock: list[int]


@dataclass(slots=True)
class Problem:
    request: OrderRequest
    profile: SourcingProfile
    cost_model: CostModel
    lines: tuple[OrderLine, ...]
    candidates: list[Candidate]
    kits: list[list[int]]
    singles: list[int]
    max_shipments: int | None
    complete: bool
    split_penalty: float
    unsourced_penalty: float
    screened: list[dict[str, Any]] = field(default_factory=list)

    @property
    def distinct_skus(self) -> bool:
        return len({line.sku for line in self.lines}) == len(self.lines)

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)


def build_problem(
    request: OrderRequest,
    locations: Sequence[Location],
    ledger: Ledger,
    profile: SourcingProfile,
    cost_model: CostModel,
) -> Problem:
    """Screen every location for ``request`` and cost the ones that remain."""
    dest_lat, dest_lon = _destination(request, locations)
    lines = request.lines
    screened: list[dict[str, Any]] = []
    candidates: list[Candidate] = []
    for loc in locations:
        collects_here = request.delivery == "pickup" and loc.id == request.pickup_location_id
        dist = (
            0.0 if collects_here else distance_km(loc.latitude, loc.longitude, dest_lat, dest_lon)
        )
        zone = LOCAL_ZONE if collects_here else cost_model.zone_for(dist)
        stock = [ledger.available(line.sku, loc.id) for line in lines]
        failed = failed_filters(loc, request, profile, dist, ledger)
        screened.append(
            {
                "location_id": loc.id,
                "code": loc.code,
                "type": loc.type,
                "distance_km": round(dist, 1),
                "zone": zone.name,
                "stock": {line.sku: s for line, s in zip(lines, stock, strict=True) if s},
                "failed_filters": failed,
            }
        )
        if failed or not any(stock):
            continue
        rate = cost_model.handling(loc)
        per_unit, per_kg = float(rate.per_unit), float(zone.per_kg)
        candidates.append(
            Candidate(
                location=loc,
                distance_km=dist,
                zone=zone,
                fixed=float(rate.per_shipment + zone.base),
                unit=[per_unit + per_kg * float(line.unit_weight_kg) for line in lines],
                stock=stock,
            )
        )
    index = {line.id: n for n, line in enumerate(lines)}
    kits = (
        [[index[i] for i in kit] for kit in request.kits if len(kit) > 1]
        if profile.keep_kits_together
        else []
    ) + [[index[i] for i in bundle] for bundle in request.bundles]
    in_kit = {n for kit in kits for n in kit}
    return Problem(
        request=request,
        profile=profile,
        cost_model=cost_model,
        lines=lines,
        candidates=candidates,
        kits=kits,
        singles=[n for n in range(len(lines)) if n not in in_kit],
        max_shipments=profile.max_shipments,
        complete=profile.fulfilment == "ship_complete",
        split_penalty=float(cost_model.split_penalty),
        unsourced_penalty=float(cost_model.unsourced_penalty),
        screened=screened,
    )


def _destination(request: OrderRequest, locations: Sequence[Location]) -> tuple[float, float]:
    if request.delivery != "pickup":
        return request.latitude, request.longitude
    store = next((loc for loc in locations if loc.id == request.pickup_location_id), None)
    if store is None or "pickup" not in store.capabilities:
        raise ValidationFailed(
            "invalid_pickup_location",
            "the pickup location does not exist or does not offer pickup",
            [FieldError("pickup_location_id", "invalid_pickup_location", "a store with pickup")],
        )
    return store.latitude, store.longitude
