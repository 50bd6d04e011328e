"""A reproducible synthetic fulfilment network for benchmarks, simulations and demos.

Fifty locations at real German city coordinates: eight fulfilment centres (six own
warehouses, two 3PLs) and 42 ship-from-store stores. SKU demand follows a Zipf-like
curve; warehouses stock most of the range in uneven amounts, stores a thin slice of the
bestsellers. Orders come from destinations spread like the population. Everything is
drawn from one seeded generator, so the same seed gives the same network and orders.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate

from switchyard.sourcing.cities import CITIES
from switchyard.sourcing.model import Location, OrderLine, OrderRequest, StockLevel

# City, type, daily shipment capacity, priority (the merchant's static source order).
FULFILMENT_CENTRES = (
    ("Hanover", "warehouse", 3000, 1),
    ("Dortmund", "warehouse", 2000, 2),
    ("Frankfurt", "warehouse", 2000, 3),
    ("Leipzig", "warehouse", 2000, 4),
    ("Nuremberg", "warehouse", 2000, 5),
    ("Hamburg", "warehouse", 2000, 6),
    ("Stuttgart", "3pl", 1500, 7),
    ("Duisburg", "3pl", 1500, 8),
)
BERLIN = "Europe/Berlin"


@dataclass(frozen=True, slots=True)
class SyntheticNetwork:
    locations: tuple[Location, ...]
    stock: tuple[StockLevel, ...]
    skus: tuple[str, ...]
    popularity: tuple[float, ...]
    weights: dict[str, Decimal]


def synthetic_network(
    seed: int = 7, skus: int = 2000, expected_units: int = 40_000
) -> SyntheticNetwork:
    """The network, sized so total stock covers expected demand about 1.6 times over."""
    rng = random.Random(seed)
    centres = {city: (kind, cap, prio) for city, kind, cap, prio in FULFILMENT_CENTRES}
    locations = []
    for n, (city, lat, lon, pop) in enumerate(CITIES):
        kind, cap, prio = centres.get(city, ("store", 40 + pop // 20, 20 + n))
        locations.append(
            Location(
                id=f"loc_{n:02d}",
                code=f"{'FC' if city in centres else 'ST'}-{city[:6].upper()}",
                type=kind,  # type: ignore[arg-type]
                latitude=lat,
                longitude=lon,
                timezone=BERLIN,
                capabilities=frozenset(
                    {"ship"} if city in centres else {"ship_from_store", "pickup"}
                ),
                capacity_left=min(cap, 150) if city not in centres else cap,
                processing_days=frozenset(range(1, 7 if city not in centres else 6)),
                cutoff=time(15, 0) if city in centres else time(12, 0),
                priority=prio,
            )
        )
    names = tuple(f"SKU-{k:05d}" for k in range(skus))
    popularity = tuple(1 / (k + 8) ** 0.9 for k in range(skus))
    scale = sum(popularity)
    weights = {
        sku: Decimal(str(round(min(15.0, max(0.1, rng.lognormvariate(-0.2, 0.8))), 2)))
        for sku in names
    }
    stock: list[StockLevel] = []
    warehouses = [loc for loc in locations if loc.type != "store"]
    stores = [loc for loc in locations if loc.type == "store"]
    for k, sku in enumerate(names):
        demand = expected_units * popularity[k] / scale
        carry = 1.0 if k < 150 else max(0.25, 0.85 - k / 3000)
        holders = [w for w in warehouses if rng.random() < carry] or [rng.choice(warehouses)]
        shares = [rng.lognormvariate(0, 0.7) for _ in holders]
        for loc, share in zip(holders, shares, strict=True):
            qty = round(1.6 * demand * share / sum(shares) + 1 + rng.random() * 2)
            if qty > 0:
                stock.append(StockLevel(sku, loc.id, qty, safety_stock=0))
        for loc in stores:
            if k < 400 and rng.random() < 0.45:
                stock.append(StockLevel(sku, loc.id, rng.randint(1, 6), safety_stock=1))
    return SyntheticNetwork(tuple(locations), tuple(stock), names, popularity, weights)


def synthetic_orders(
    network: SyntheticNetwork, count: int = 10_000, seed: int = 11, kit_share: float = 0.03
) -> list[OrderRequest]:
    """``count`` orders of 1-5 lines placed over one day, in arrival order."""
    rng = random.Random(seed)
    cities = [(lat, lon) for _, lat, lon, _ in CITIES]
    population = [pop for *_, pop in CITIES]
    stores = [loc for loc in network.locations if loc.type == "store"]
    city_cum = list(accumulate(population))
    sku_cum = list(accumulate(network.popularity))
    sku_range = range(len(network.skus))
    start = datetime(2026, 6, 15, 22, 0, tzinfo=UTC)  # Tuesday 00:00 in Berlin
    orders = []
    for n in range(count):
        if rng.random() < 0.8:
            lat, lon = rng.choices(cities, cum_weights=city_cum)[0]
            lat, lon = lat + rng.gauss(0, 0.2), lon + rng.gauss(0, 0.3)
        else:
            lat, lon = rng.uniform(47.6, 54.6), rng.uniform(6.2, 14.6)
        size = rng.choices((1, 2, 3, 4, 5), (30, 25, 20, 15, 10))[0]
        picked: set[int] = set()
        while len(picked) < size:
            picked.add(rng.choices(sku_range, cum_weights=sku_cum)[0])
        lines = tuple(
            OrderLine(
                id=f"l{j}",
                sku=network.skus[k],
                quantity=rng.choices((1, 2, 3), (75, 18, 7))[0],
                unit_weight_kg=network.weights[network.skus[k]],
            )
            for j, k in enumerate(sorted(picked))
        )
        kits = (("l0", "l1"),) if size > 1 and rng.random() < kit_share / 0.7 else ()
        pickup = None
        if rng.random() < 0.05:
            pickup = min(stores, key=lambda s: math.dist((s.latitude, s.longitude), (lat, lon)))
        orders.append(
            OrderRequest(
                id=f"ord_{n:05d}",
                lines=lines,
                latitude=lat,
                longitude=lon,
                country="DE",
                delivery="pickup" if pickup else "ship",
                pickup_location_id=pickup.id if pickup else None,
                kits=kits,
                placed_at=start + timedelta(seconds=round(86_400 * n / count)),
            )
        )
    return orders
