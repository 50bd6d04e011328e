"""Flash sale on one SKU: 2,000 units at one location, 64 clients ordering 1 unit each.

Each client orders again and again until it is told ``insufficient_stock`` (409): the
stock is gone. Exactly 2,000 orders must succeed, every client must end on a 409, and the
ledger must verify clean. Reports successful orders per second from the first request to
the last answer, and SQL statements per order.
"""

from __future__ import annotations

import json
import os
from typing import Any

from bench import harness, intake_reference, loadgen, setup_data
from bench.orders_intake import statements_per_order
from switchyard.kernel.events import Actor

UNITS = 2000


def order(i: int, sku: str) -> dict[str, Any]:
    return {
        "channel": "bench",
        "external_id": f"hot-{i}",
        "customer": {"email": f"fan{i}@example.com", "name": "Eager Fan"},
        "shipping_address": {
            "line1": "Invalidenstrasse 12",
            "city": "Berlin",
            "postal_code": "10115",
            "country_code": "DE",
        },
        "lines": [{"sku": sku, "quantity": 1}],
    }


def run(url: str, workers: int, concurrency: int = 64) -> dict[str, Any]:
    db = harness.database(url)
    data = setup_data.build(db, skus=1, locations=1, stock=UNITS + 3 * (1 + 50))
    sku = data["skus"][0]
    per_order = statements_per_order(db, data["skus"])  # 1 + 50 orders of 3 units: UNITS remain
    db.engine.dispose()
    headers = {"Authorization": f"Bearer {data['key']}"}

    def make(i: int) -> bytes:
        body = json.dumps(order(i, sku["sku"])).encode()
        return loadgen.request_bytes("POST", "/api/v1/orders", headers, body)

    with harness.server(url, workers) as port:
        result = loadgen.run(
            "127.0.0.1",
            port,
            make,
            concurrency=concurrency,
            total=UNITS + 2000,  # a bound in case the stock never runs out
            keep_bodies=True,
            stop_on=409,
        )
    refused = sum(1 for b in result.bodies if b"insufficient_stock" in b)
    db = harness.database(url)
    from switchyard.inventory.verify import verify

    problems = db.run(Actor.system("bench"), verify, read_only=True)
    db.engine.dispose()
    created = result.statuses[201]
    return {
        "created": created,
        "refused": refused,
        "statuses": dict(result.statuses),
        "elapsed": result.elapsed,
        "verify": problems,
        "statements_per_order": per_order,
        "p99_ms": result.percentile(99),
    }


def reference_order(i: int, skus: list[dict[str, Any]], prefix: str) -> dict[str, Any]:
    """The same 1-unit order of one SKU, for the no-logic reference (its stock never runs
    out: it measures how fast a bare endpoint takes orders of one hot row)."""
    return order(i, skus[0]["sku"]) | {"external_id": f"{prefix}-{i}"}


def main() -> None:
    workers = int(os.environ.get("BENCH_WORKERS", "2"))
    print(f"hot SKU flash sale: {UNITS} units, 64 clients, {harness.machine()}")
    with harness.scratch_postgres("switchyard_bench_hot_ref") as url:
        ref = intake_reference.run(url, workers, 10.0, 64, reference_order)
    print(
        f"  reference FastAPI + asyncpg, same writes, no logic, {workers} server processes, "
        f"1-unit orders of one SKU for 10 s: {ref['orders_per_s']:.0f} orders/s, "
        f"p99 {ref['p99_ms']:.1f} ms, statuses {ref['statuses']}"
    )
    with harness.scratch_postgres("switchyard_bench_hot") as url:
        r = run(url, workers)
    ok = r["created"] == UNITS and not r["verify"] and r["refused"] >= 64
    print(
        f"  PostgreSQL, {workers} server processes: {r['created']} orders created "
        f"({'exactly the stock' if r['created'] == UNITS else 'WRONG COUNT'}), "
        f"{r['refused']} refused insufficient_stock, statuses {r['statuses']}"
    )
    print(
        f"  throughput until sold out: {r['created'] / r['elapsed']:.0f} successful orders/s "
        f"over {r['elapsed']:.2f} s ({sum(r['statuses'].values())} requests, each client "
        f"stopping at its first refusal), "
        f"p99 {r['p99_ms']:.1f} ms, {r['statements_per_order']:.1f} SQL statements/order, "
        f"verify {'clean' if not r['verify'] else r['verify']}"
    )
    rate = r["created"] / r["elapsed"]
    print(f"  ratio Switchyard/reference on the hot SKU: {rate / ref['orders_per_s']:.2f}")
    if not ok:
        raise SystemExit("hot SKU benchmark: oversell or ledger mismatch")


if __name__ == "__main__":
    main()
