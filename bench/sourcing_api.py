"""Sourcing one order through the API: p50/p99 of POST /api/v1/orders and GET /promise.

``python -m bench.sourcing_api``. A scratch PostgreSQL database gets the synthetic network
of ``bench.sourcing`` (seed 7: 50 locations at German city coordinates, 400 of its SKUs
with their stock) behind one channel with the default (lowest cost) profile. Orders of
1-5 lines (seed 11; 5 % click & collect) to German cities are then placed one at a time
by one client against one server process, so each latency is one order's placement:
validation, sourcing by the per-order optimiser over the channel's locations,
reservation, fulfillments, the decision log and the promise, and the commit.
"""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

from bench import harness, loadgen
from switchyard.auth.service import create_api_key
from switchyard.catalog.sku_creation import create_skus
from switchyard.channels.service import create_channel
from switchyard.db.uow import Database, UnitOfWork
from switchyard.inventory.repository import StockRepository
from switchyard.kernel.clock import utcnow
from switchyard.kernel.events import Actor
from switchyard.locations.service import create_location
from switchyard.orders.schemas import OrderCreate
from switchyard.placement import decisions
from switchyard.placement.place import place_order
from switchyard.sourcing.cities import CITIES
from switchyard.sourcing.network import SyntheticNetwork, synthetic_network, synthetic_orders

ACTOR = Actor.system("bench")
SKUS, ORDERS, WARM_UP, PROMISES, IN_PROCESS = 400, 1000, 50, 300, 300
# Real postal codes of the network's cities, so destinations are placed by the geocoder.
POSTAL = {
    "Berlin": "10115", "Hamburg": "20354", "Munich": "80331", "Cologne": "50667",
    "Frankfurt": "60311", "Stuttgart": "70173", "Duesseldorf": "40213", "Leipzig": "04109",
    "Dortmund": "44135", "Essen": "45127", "Bremen": "28195", "Dresden": "01067",
    "Hanover": "30159", "Nuremberg": "90402", "Duisburg": "47051", "Bochum": "44787",
    "Wuppertal": "42103", "Bielefeld": "33602", "Bonn": "53111", "Muenster": "48143",
}  # fmt: skip
TOWNS = [(name, lat, lon) for name, lat, lon, _ in CITIES if name in POSTAL]


def load_network(db: Database, net: SyntheticNetwork) -> tuple[str, str, dict[str, str]]:
    """Locations, channel, SKUs and stock; returns the channel code, an API key, store codes."""
    codes: dict[str, str] = {}

    def build(uow: UnitOfWork) -> None:
        for loc in net.locations:
            city = next(name for name, *_ in CITIES if name[:6].upper() in loc.code)
            row = create_location(uow, {
                "code": loc.code, "name": loc.code, "type": loc.type, "timezone": loc.timezone,
                "latitude": loc.latitude, "longitude": loc.longitude,
                "capabilities": sorted(loc.capabilities), "daily_capacity": loc.capacity_left,
                "processing_days": sorted(loc.processing_days),
                "cutoff_time": loc.cutoff.strftime("%H:%M"),
                "address": {"line1": "Hauptstrasse 1", "city": city, "country_code": "DE"},
            })  # fmt: skip
            codes[loc.id] = row["id"]
        create_channel(uow, {"code": "bench-src", "name": "Bench", "type": "web",
                             "currency": "EUR", "backorder_policy": "backorder"})  # fmt: skip
        items = [
            {"sku": sku, "product_name": sku, "weight_grams": int(net.weights[sku] * 1000),
             "prices": [{"channel": "bench-src", "currency": "EUR", "amount": Decimal(10)}]}
            for sku in net.skus[:SKUS]
        ]  # fmt: skip
        ids = {r["sku"]: r["id"] for r in create_skus(uow, items)}
        now = utcnow()
        uow.repo(StockRepository).insert_levels([
            {"sku_id": ids[s.sku], "location_id": codes[s.location_id], "on_hand": s.available,
             "safety_stock": s.safety_stock, "updated_at": now}
            for s in net.stock if s.sku in ids
        ])  # fmt: skip

    db.run(ACTOR, build)
    _, key = db.run(ACTOR, lambda uow: create_api_key(uow, "bench", ["admin"]))
    stores = {loc.id: loc.code for loc in net.locations if loc.type == "store"}
    return "bench-src", key, stores


def order_bodies(net: SyntheticNetwork, stores: dict[str, str], count: int) -> list[dict]:
    small = SyntheticNetwork(net.locations, net.stock, net.skus[:SKUS],
                             net.popularity[:SKUS], net.weights)  # fmt: skip
    bodies = []
    for n, req in enumerate(synthetic_orders(small, count=count, seed=11)):
        town = min(TOWNS, key=lambda t: (t[1] - req.latitude) ** 2 + (t[2] - req.longitude) ** 2)
        body: dict[str, Any] = {
            "channel": "bench-src", "external_id": f"src-{n}",
            "customer": {"email": f"c{n}@example.com", "name": "Bench Customer"},
            "shipping_address": {"name": "Bench Customer", "line1": "Hauptstrasse 1",
                                 "city": town[0], "postal_code": POSTAL[town[0]],
                                 "country_code": "DE"},
            "lines": [{"sku": ln.sku, "quantity": ln.quantity} for ln in req.lines],
        }  # fmt: skip
        if req.pickup_location_id:
            body |= {"delivery_method": "pickup", "pickup_location": stores[req.pickup_location_id]}
        bodies.append(body)
    return bodies


def in_process(db: Database, bodies: list[dict]) -> tuple[float, list[float]]:
    """SQL statements per order placed, and the seconds each order spent in sourcing
    (``decisions.decide`` and ``record``: reads, the engine, the decision log)."""
    counter = harness.StatementCounter(db.engine)
    spent: list[float] = []
    timed = {name: getattr(decisions, name) for name in ("decide", "record")}

    def timer(fn: Any) -> Any:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[-1] += time.perf_counter() - started

        return wrapped

    for name, fn in timed.items():
        setattr(decisions, name, timer(fn))
    try:
        with counter.measure() as box:
            for body in bodies:
                spent.append(0.0)
                cmd = OrderCreate.model_validate(body)
                db.run(ACTOR, lambda uow, cmd=cmd: place_order(uow, cmd))
    finally:
        for name, fn in timed.items():
            setattr(decisions, name, fn)
    return box[0] / len(bodies), spent


def run(url: str) -> dict[str, Any]:
    db = harness.database(url)
    net = synthetic_network(seed=7)
    channel, key, stores = load_network(db, net)
    bodies = order_bodies(net, stores, WARM_UP + ORDERS + IN_PROCESS)
    per_order, spent = in_process(db, bodies[-IN_PROCESS:])
    db.engine.dispose()
    headers = {"Authorization": f"Bearer {key}"}

    def post(i: int) -> bytes:
        return loadgen.request_bytes(
            "POST", "/api/v1/orders", headers, json.dumps(bodies[i]).encode()
        )

    def promise(i: int) -> bytes:
        body = bodies[i]
        query = "&".join(f"sku={ln['sku']}" for ln in body["lines"])
        address = body["shipping_address"]
        path = (f"/api/v1/promise?channel={channel}&country=DE&postal_code="
                f"{address['postal_code']}&{query}&at=2026-06-16T10:00:00%2B02:00")  # fmt: skip
        return loadgen.request_bytes("GET", path, headers)

    with harness.server(url, 1) as port:
        loadgen.run("127.0.0.1", port, post, concurrency=1, total=WARM_UP)
        placed = loadgen.run("127.0.0.1", port, lambda i: post(i + WARM_UP), concurrency=1,
                             total=ORDERS)  # fmt: skip
        promised = loadgen.run("127.0.0.1", port, promise, concurrency=1, total=PROMISES)
    return {"orders": placed, "promise": promised, "statements": per_order, "sourcing": spent}


def main() -> None:
    print(f"sourcing through the API, {harness.machine()}")
    with harness.scratch_postgres("switchyard_bench_sourcing_api") as url:
        result = run(url)
    for name, r in (("POST /orders", result["orders"]), ("GET /promise", result["promise"])):
        print(f"  {name}: {len(r.latencies)} requests, p50 {r.percentile(50):.1f} ms, "
              f"p99 {r.percentile(99):.1f} ms, max {max(r.latencies) * 1000:.1f} ms, "
              f"statuses {dict(r.statuses)}")  # fmt: skip
    spent = sorted(result["sourcing"])
    p50, p99 = (spent[int(q * (len(spent) - 1))] * 1000 for q in (0.5, 0.99))
    print(
        f"  in process, {len(spent)} orders: sourcing (decide + log) p50 {p50:.1f} ms, "
        f"p99 {p99:.1f} ms; {result['statements']:.1f} SQL statements per order placed"
    )


if __name__ == "__main__":
    main()
