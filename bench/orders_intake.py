"""Order intake: orders per second through POST /api/v1/orders, on PostgreSQL and SQLite.

The same run first measures the minimal FastAPI + asyncpg reference doing the same writes
(``bench/intake_reference.py``) and prints Switchyard's rate as a ratio of it.
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any

from bench import harness, intake_reference, loadgen, setup_data
from switchyard.kernel.events import Actor
from switchyard.orders.schemas import OrderCreate
from switchyard.placement.place import place_order

LINES = 3


def order_json(i: int, skus: list[dict[str, Any]], prefix: str) -> dict[str, Any]:
    return {
        "channel": "bench",
        "external_id": f"{prefix}-{i}",
        "customer": {"email": f"c{i % 5000}@example.com", "name": "Bench Customer"},
        "shipping_address": {
            "line1": "Invalidenstrasse 12",
            "city": "Berlin",
            "postal_code": "10115",
            "country_code": "DE",
        },
        "lines": [
            {"sku": skus[(i * 7 + k) % len(skus)]["sku"], "quantity": 1} for k in range(LINES)
        ],
    }


def statements_per_order(db: Any, skus: list[dict[str, Any]]) -> float:
    """SQL statements per order placed as POST /orders places it (BEGIN and COMMIT aside)."""
    counter = harness.StatementCounter(db.engine)
    n = 50

    def place(i: int) -> None:
        cmd = OrderCreate.model_validate(order_json(i, skus, "count"))
        db.run(Actor.system("bench"), lambda uow: _as_post_orders_does(uow, cmd))

    warm = len(skus)  # every SKU's master data cached, as in a running server
    for i in range(warm):
        place(i)
    with counter.measure() as box:
        for i in range(warm, warm + n):
            place(i)
    return box[0] / n


def _as_post_orders_does(uow: Any, cmd: OrderCreate) -> Any:
    return place_order(uow, cmd)


def run_intake(url: str, workers: int, seconds: float, concurrency: int) -> dict[str, Any]:
    db = harness.database(url)
    data = setup_data.build(db, skus=300, locations=1, stock=1_000_000)
    per_order = statements_per_order(db, data["skus"])
    db.engine.dispose()
    headers = {"Authorization": f"Bearer {data['key']}"}

    def make(i: int) -> bytes:
        body = json.dumps(order_json(i, data["skus"], "load")).encode()
        return loadgen.request_bytes("POST", "/api/v1/orders", headers, body)

    with harness.server(url, workers) as port:
        loadgen.run("127.0.0.1", port, make, concurrency=concurrency, total=200)  # warm up
        load = os.getloadavg()
        result = loadgen.run(
            "127.0.0.1", port, lambda i: make(i + 10**7), concurrency=concurrency, seconds=seconds
        )
        # Latency at a steady rate the server sustains (open loop, 80 % of the maximum):
        # the closed loop's latency is only its 64 connections divided by the throughput.
        steady = 0.8 * result.rate(201)
        paced = loadgen.run(
            "127.0.0.1",
            port,
            lambda i: make(i + 2 * 10**7),
            concurrency=concurrency,
            seconds=seconds,
            rate=steady,
        )
    return {
        "orders_per_s": result.rate(201),
        "p50_ms": result.percentile(50),
        "p99_ms": result.percentile(99),
        "statuses": dict(result.statuses),
        "statements_per_order": per_order,
        "load_avg": load,
        "steady_rate": steady,
        "steady_done": paced.rate(201),
        "steady_p50_ms": paced.percentile(50),
        "steady_p99_ms": paced.percentile(99),
        "steady_statuses": dict(paced.statuses),
    }


def main(seconds: float = 15.0) -> None:
    workers = int(os.environ.get("BENCH_WORKERS", "2"))
    print(
        f"order intake ({LINES}-line orders), {harness.machine()}, "
        f"{harness.REQUEST_THREADS} request thread(s) per server process"
    )
    print(f"  load average before the run: {_load(os.getloadavg())}")
    with harness.scratch_postgres("switchyard_bench_intake_ref") as url:
        ref = intake_reference.run(url, workers, seconds, 64, order_json)
    print(
        f"  reference FastAPI + asyncpg, same writes, no logic, {workers} server processes: "
        f"{ref['orders_per_s']:.0f} orders/s, p50 {ref['p50_ms']:.1f} ms, "
        f"p99 {ref['p99_ms']:.1f} ms, statuses {ref['statuses']}, "
        f"load average {_load(ref['load_avg'])}"
    )
    with harness.scratch_postgres("switchyard_bench_intake") as url:
        pg = run_intake(url, workers, seconds, concurrency=64)
    print(
        f"  PostgreSQL, {workers} server processes: {pg['orders_per_s']:.0f} orders/s, "
        f"p50 {pg['p50_ms']:.1f} ms, p99 {pg['p99_ms']:.1f} ms, "
        f"{pg['statements_per_order']:.1f} SQL statements/order, statuses {pg['statuses']}, "
        f"load average {_load(pg['load_avg'])}"
    )
    print(_steady(pg))
    ratio = pg["orders_per_s"] / ref["orders_per_s"] if ref["orders_per_s"] else float("nan")
    print(f"  ratio Switchyard/reference on PostgreSQL: {ratio:.3f} (issue target: >= 0.4)")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        from switchyard.cli.context import open_database

        open_database(harness_settings(url)).engine.dispose()
        lite = run_intake(url, 1, seconds, concurrency=16)
    print(
        f"  SQLite, 1 server process: {lite['orders_per_s']:.0f} orders/s, "
        f"p50 {lite['p50_ms']:.1f} ms, p99 {lite['p99_ms']:.1f} ms, "
        f"{lite['statements_per_order']:.1f} SQL statements/order, statuses {lite['statuses']}"
    )
    print(_steady(lite))


def _steady(r: dict[str, Any]) -> str:
    return (
        f"    at a steady {r['steady_rate']:.0f} orders/s offered (80 % of that): "
        f"{r['steady_done']:.0f}/s placed, p50 {r['steady_p50_ms']:.1f} ms, "
        f"p99 {r['steady_p99_ms']:.1f} ms, statuses {r['steady_statuses']}"
    )


def _load(avg: tuple[float, float, float]) -> str:
    return " / ".join(f"{x:.2f}" for x in avg) + " (1/5/15 min)"


def harness_settings(url: str) -> Any:
    from switchyard.config import Settings

    return Settings(database_url=url)


if __name__ == "__main__":
    main()
