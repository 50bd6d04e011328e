"""Carrier services, their prices and transit times, and rate shopping. Pure Python.

A service prices each package by zone and weight band (the smallest band that holds the
package) and takes a number of working days per zone (carriers deliver Monday to
Friday). Rate shopping picks the cheapest service whose delivery date meets the promise;
when none does, the fastest one (flagged ``meets_promise: false``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from switchyard.kernel.errors import FieldError, ValidationFailed
from switchyard.sourcing.calendar import BusinessCalendar

CARRIER_CALENDAR = BusinessCalendar("UTC")  # Monday to Friday


@dataclass(frozen=True, slots=True)
class Rate:
    zone: int
    max_weight_grams: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Service:
    carrier: str  # carrier code
    code: str
    name: str
    currency: str
    rates: tuple[Rate, ...] = ()
    transit_days: dict[int, int] = field(default_factory=dict)

    def price(self, zone: int, weight_grams: int) -> Decimal | None:
        """The price of one package, or None when no band of the zone holds it."""
        bands = sorted(
            (r for r in self.rates if r.zone == zone and r.max_weight_grams >= weight_grams),
            key=lambda r: r.max_weight_grams,
        )
        return bands[0].amount if bands else None


@dataclass(frozen=True, slots=True)
class Quote:
    carrier: str
    service: str
    service_name: str
    amount: Decimal
    currency: str
    package_amounts: tuple[Decimal, ...]
    transit_days: int
    ship_date: date
    estimated_delivery: date
    meets_promise: bool | None = None  # None: no promise to meet


def quote(
    service: Service,
    zone: int,
    weights: Sequence[int | None],
    ship_date: date,
    deliver_by: date | None = None,
) -> Quote | None:
    """What ``service`` charges for these packages and when they arrive; None if it
    does not serve the zone or a package is too heavy. Unknown weights count as 0 g."""
    days = service.transit_days.get(zone)
    if days is None or not weights:
        return None
    amounts = [service.price(zone, w or 0) for w in weights]
    if any(a is None for a in amounts):
        return None
    prices = tuple(a for a in amounts if a is not None)
    leaves = CARRIER_CALENDAR.next_working_day(ship_date)
    arrives = CARRIER_CALENDAR.add_working_days(leaves, days)
    return Quote(
        carrier=service.carrier,
        service=service.code,
        service_name=service.name,
        amount=sum(prices, Decimal(0)),
        currency=service.currency,
        package_amounts=prices,
        transit_days=days,
        ship_date=leaves,
        estimated_delivery=arrives,
        meets_promise=None if deliver_by is None else arrives <= deliver_by,
    )


def shop(quotes: Sequence[Quote]) -> Quote | None:
    """The cheapest quote that meets the promise; else the fastest (then cheapest)."""
    if not quotes:
        return None
    currencies = sorted({q.currency for q in quotes})
    if len(currencies) > 1:
        raise ValidationFailed(
            "mixed_currencies",
            f"services price in {', '.join(currencies)}: choose carriers of one currency",
            [FieldError("carriers", "mixed_currencies", ", ".join(currencies))],
        )
    meeting = [q for q in quotes if q.meets_promise is not False]
    if meeting:
        return min(meeting, key=lambda q: (q.amount, q.transit_days, q.carrier, q.service))
    return min(quotes, key=lambda q: (q.estimated_delivery, q.amount, q.carrier, q.service))


def rate_errors(
    rates: Sequence[Rate], transit_days: dict[int, int], zones: Sequence[int]
) -> list[FieldError]:
    """What is wrong with a service's tables: unknown zones, duplicates, negative values."""
    errors = []
    seen: set[tuple[int, int]] = set()
    for i, r in enumerate(rates):
        if r.zone not in zones:
            errors.append(FieldError(f"rates.{i}.zone", "unknown_zone", f"one of {list(zones)}"))
        if (r.zone, r.max_weight_grams) in seen:
            errors.append(FieldError(f"rates.{i}", "duplicate_band", "zone and weight repeat"))
        seen.add((r.zone, r.max_weight_grams))
        if r.amount < 0:
            errors.append(FieldError(f"rates.{i}.amount", "negative_amount", "0 or more"))
    for zone, days in transit_days.items():
        if zone not in zones:
            errors.append(
                FieldError(f"transit_days.{zone}", "unknown_zone", f"one of {list(zones)}")
            )
        if days < 0:
            errors.append(FieldError(f"transit_days.{zone}", "negative_days", "0 or more"))
    missing = sorted({r.zone for r in rates} - set(transit_days))
    errors += [
        FieldError("transit_days", "missing_zone", f"zone {z} has rates but no transit days")
        for z in missing
    ]
    return errors
