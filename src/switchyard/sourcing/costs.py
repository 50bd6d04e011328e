"""The cost model: what it costs a location to send a shipment to a destination.

Shipment cost = location handling (per shipment + per unit) + carrier price (base per
parcel + per kg, both by distance zone); each shipment after the first adds a split
penalty. Exact Decimal arithmetic for every amount shown or stored; the optimisers use
float copies of the same numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from switchyard.kernel.errors import FieldError, ValidationFailed
from switchyard.kernel.money import quantize
from switchyard.sourcing.model import Location

D = Decimal
_ZERO = Decimal(0)
_UNSOURCED = Decimal(1000)
# A transfer between our own locations (consolidation legs) pays this share of the
# carrier's zone price: line-haul between sites is cheaper than a parcel to a home.
TRANSFER_FACTOR = Decimal("0.5")


@dataclass(frozen=True, slots=True)
class Zone:
    """A carrier distance band: up to ``max_km`` (None: any distance beyond)."""

    name: str
    max_km: float | None
    base: Decimal
    per_kg: Decimal
    transit_days: int


@dataclass(frozen=True, slots=True)
class HandlingRate:
    per_shipment: Decimal
    per_unit: Decimal


# Collecting in the store that holds the goods needs no carrier.
LOCAL_ZONE = Zone("local", 0.0, D(0), D(0), 0)


@dataclass(frozen=True, slots=True)
class CostModel:
    """Carrier zones, handling rates by location type with per-location overrides, and
    the split penalty. ``unsourced_penalty`` (per unit) only steers the optimiser to
    source every unit it can; it is never part of a reported cost. ``transfer_factor``
    scales the carrier price (base and per kg, by the zone of the distance) of a
    transfer leg to a merge node."""

    currency: str
    zones: tuple[Zone, ...]
    handling_by_type: Mapping[str, HandlingRate]
    handling_by_location: Mapping[str, HandlingRate] = field(default_factory=dict)
    split_penalty: Decimal = _ZERO
    unsourced_penalty: Decimal = _UNSOURCED
    transfer_factor: Decimal = TRANSFER_FACTOR

    def __post_init__(self) -> None:
        errors: list[FieldError] = []
        if not self.zones or self.zones[-1].max_km is not None:
            errors.append(FieldError("zones", "open_ended", "the last zone needs max_km null"))
        bounds = [z.max_km for z in self.zones[:-1]]
        if any(b is None for b in bounds) or bounds != sorted(bounds):  # type: ignore[type-var]
            errors.append(FieldError("zones", "not_increasing", "max_km must increase"))
        rates = [*self.handling_by_type.values(), *self.handling_by_location.values()]
        amounts = [z.base for z in self.zones] + [z.per_kg for z in self.zones]
        amounts += [r.per_shipment for r in rates] + [r.per_unit for r in rates]
        if any(a < 0 for a in [*amounts, self.split_penalty, self.unsourced_penalty]):
            errors.append(FieldError("zones", "negative_amount", "amounts are zero or more"))
        if self.transfer_factor < 0:
            errors.append(FieldError("transfer_factor", "out_of_range", "zero or more"))
        if errors:
            raise ValidationFailed("invalid_cost_model", "the cost model is not valid", errors)

    def zone_for(self, distance_km: float) -> Zone:
        for zone in self.zones:
            if zone.max_km is None or distance_km <= zone.max_km:
                return zone
        return self.zones[-1]

    def handling(self, location: Location) -> HandlingRate:
        rate = self.handling_by_location.get(location.id)
        return rate if rate is not None else self.handling_by_type[location.type]

    def shipment_cost(
        self, location: Location, zone: Zone, units: int, weight_kg: Decimal
    ) -> dict[str, Decimal]:
        """The exact breakdown of one shipment's cost (without the split penalty)."""
        rate = self.handling(location)
        return {
            "handling_per_shipment": quantize(rate.per_shipment),
            "handling_per_unit": quantize(rate.per_unit * units),
            "carrier_base": quantize(zone.base),
            "carrier_weight": quantize(zone.per_kg * weight_kg),
        }

    def transfer_cost(self, zone: Zone, weight_kg: Decimal) -> dict[str, Decimal]:
        """The carrier part of a transfer leg (the sender's handling is ``shipment_cost``'s)."""
        return {
            "transfer_base": quantize(zone.base * self.transfer_factor),
            "transfer_weight": quantize(zone.per_kg * weight_kg * self.transfer_factor),
        }

    def as_dict(self) -> dict[str, Any]:
        def rate(r: HandlingRate) -> dict[str, str]:
            return {"per_shipment": str(r.per_shipment), "per_unit": str(r.per_unit)}

        return {
            "currency": self.currency,
            "zones": [
                {
                    "name": z.name,
                    "max_km": z.max_km,
                    "base": str(z.base),
                    "per_kg": str(z.per_kg),
                    "transit_days": z.transit_days,
                }
                for z in self.zones
            ],
            "handling_by_type": {k: rate(v) for k, v in self.handling_by_type.items()},
            "handling_by_location": {k: rate(v) for k, v in self.handling_by_location.items()},
            "split_penalty": str(self.split_penalty),
            "unsourced_penalty": str(self.unsourced_penalty),
            "transfer_factor": str(self.transfer_factor),
        }


def cost_model_from_dict(data: dict[str, Any]) -> CostModel:
    """The inverse of ``CostModel.as_dict``; amounts may be strings or numbers."""

    def rate(r: dict[str, Any]) -> HandlingRate:
        return HandlingRate(D(str(r["per_shipment"])), D(str(r["per_unit"])))

    try:
        zones = tuple(
            Zone(
                z["name"],
                z["max_km"],
                D(str(z["base"])),
                D(str(z["per_kg"])),
                int(z["transit_days"]),
            )
            for z in data["zones"]
        )
        return CostModel(
            currency=data["currency"],
            zones=zones,
            handling_by_type={k: rate(v) for k, v in data["handling_by_type"].items()},
            handling_by_location={
                k: rate(v) for k, v in data.get("handling_by_location", {}).items()
            },
            split_penalty=D(str(data.get("split_penalty", "0"))),
            unsourced_penalty=D(str(data.get("unsourced_penalty", "1000"))),
            transfer_factor=D(str(data.get("transfer_factor", TRANSFER_FACTOR))),
        )
    except (KeyError, TypeError, ArithmeticError) as exc:
        raise ValidationFailed(
            "invalid_cost_model",
            "the cost model is not valid",
            [FieldError("cost_model", "malformed", f"missing or bad value: {exc}")],
        ) from exc


def default_cost_model(currency: str = "EUR") -> CostModel:
    """Typical European parcel rates and handling costs, a starting point to edit."""
    return CostModel(
        currency=currency,
        zones=(
            Zone("Z1", 100.0, D("4.20"), D("0.15"), 1),
            Zone("Z2", 250.0, D("4.90"), D("0.25"), 1),
            Zone("Z3", 450.0, D("5.80"), D("0.35"), 2),
            Zone("Z4", 700.0, D("6.90"), D("0.45"), 2),
            Zone("Z5", None, D("8.50"), D("0.60"), 3),
        ),
        handling_by_type={
            "warehouse": HandlingRate(D("1.20"), D("0.25")),
            "3pl": HandlingRate(D("1.80"), D("0.35")),
            "store": HandlingRate(D("3.00"), D("0.60")),
            "dropship": HandlingRate(D("2.50"), D("0.00")),
        },
        split_penalty=D("1.00"),
    )
