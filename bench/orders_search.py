"""Order search at scale: p50/p99 of GET /api/v1/orders (each filter, some combinations,
deep pages) and of GET /api/v1/orders/{id}, with BENCH_SEARCH_ORDERS orders loaded.

Targets (issue 4): list/filter p99 under 100 ms, order detail p99 under 20 ms. A
sequential client, one request at a time. Every filter case cycles through many values
(popular and rare) so no single cached query is measured. A case over its target prints
the EXPLAIN ANALYZE of its slowest request's query.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from sqlalchemy import create_engine

from bench import harness, loadgen
from bench.orders_search_data import HOLD_TYPES, Dataset, load, restore, save, sync_indexes
from switchyard.orders.domain import OrderStatus
from switchyard.orders.search_repository import SearchFilters, search_query

LIST_TARGET_MS, DETAIL_TARGET_MS = 100.0, 20.0
REQUESTS = int(os.environ.get("BENCH_SEARCH_REQUESTS", "200"))
DEEP_PAGES = 100
STATUSES = sorted(getattr(OrderStatus, k) for k in dir(OrderStatus) if k.isupper())


def day(ds: Dataset, i: int, days: int) -> dict[str, str]:
    start = ds.first + (ds.last - ds.first - timedelta(days=days)) * ((i * 37 % 101) / 100)
    end = start + timedelta(days=days)
    return {"placed_from": start.isoformat(), "placed_to": end.isoformat()}


def cases(ds: Dataset) -> list[tuple[str, list[dict[str, str]]]]:
    """(name, the query parameters of each request, cycled)."""
    s = ds.samples
    popular, rare = ds.skus[:20], ds.skus[-200:]
    return [
        ("first page, no filter", [{}]),
        ("status (each of 11)", [{"status": v} for v in STATUSES]),
        ("channel (each of 6)", [{"channel": v} for v in ds.channels]),
        ("email", [{"email": v} for v in s["email"]]),
        ("phone", [{"phone": v} for v in s["phone"]]),
        ("external_id", [{"external_id": v} for v in s["external_id"]]),
        ("customer_id", [{"customer_id": v} for v in s["customer_id"]]),
        ("date range, 1 day", [day(ds, i, 1) for i in range(100)]),
        ("date range, 30 days", [day(ds, i, 30) for i in range(100)]),
        ("SKU, 20 bestsellers", [{"sku": v} for v in popular]),
        ("SKU, 200 slowest sellers", [{"sku": v} for v in rare]),
        ("location (each of 5)", [{"location": v} for v in ds.locations]),
        ("hold type (each of 6)", [{"hold_type": t} for t, _ in HOLD_TYPES]),
        (
            "status + channel",
            [{"status": st, "channel": c} for st in STATUSES for c in ds.channels],
        ),
        ("channel + 7 days", [{"channel": ds.channels[i % 6], **day(ds, i, 7)} for i in range(60)]),
        (
            "status + location",
            [{"status": st, "location": loc} for st in STATUSES for loc in ds.locations],
        ),
        (
            "channel + location",
            [{"channel": c, "location": loc} for c in ds.channels for loc in ds.locations],
        ),
        ("status + SKU", [{"status": st, "sku": k} for st in STATUSES for k in ds.skus[::100]]),
        ("channel + SKU", [{"channel": c, "sku": k} for c in ds.channels for k in ds.skus[::50]]),
        (
            "status + channel + location",
            [
                {"status": st, "channel": c, "location": loc}
                for st in STATUSES
                for c in ds.channels
                for loc in ds.locations
            ],
        ),
        ("SKU + 30 days", [{"sku": ds.skus[i * 7], **day(ds, i, 30)} for i in range(100)]),
        (
            "hold type + channel",
            [{"hold_type": t, "channel": c} for t, _ in HOLD_TYPES for c in ds.channels],
        ),
        ("email + status", [{"email": e, "status": "delivered"} for e in s["email"]]),
    ]


def measure(port: int, headers: dict[str, str], paths: list[str], n: int) -> loadgen.Result:
    def make(i: int) -> bytes:
        return loadgen.request_bytes("GET", paths[i % len(paths)], headers)

    loadgen.run("127.0.0.1", port, make, concurrency=1, total=min(n, 20))  # warm up
    return loadgen.run("127.0.0.1", port, make, concurrency=1, total=n)


def deep_pages(port: int, headers: dict[str, str], params: dict[str, str]) -> list[float]:
    """Follow cursors DEEP_PAGES pages down; the latency of each page."""
    times, cursor = [], None
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers) as client:
        for _ in range(DEEP_PAGES):
            query = {**params, "limit": "50", **({"cursor": cursor} if cursor else {})}
            started = time.perf_counter()
            resp = client.get("/api/v1/orders", params=query)
            times.append(time.perf_counter() - started)
            cursor = resp.json().get("next_cursor")
            if not cursor:
                break
    return times


def explain(url: str, ds: Dataset, params: dict[str, str]) -> str:
    """EXPLAIN ANALYZE of the search query the API would run for ``params``."""
    from datetime import datetime

    refs = {"channel": ds.ids["channel"], "sku": ds.ids["sku"], "location": ds.ids["location"]}
    filters: dict[str, Any] = {}
    for key, value in params.items():
        if key in refs:
            filters[f"{key}_id"] = refs[key][value]
        elif key.startswith("placed_"):
            filters[key] = datetime.fromisoformat(value)
        else:
            filters[key] = value
    engine = create_engine(url)
    compiled = search_query(SearchFilters(**filters), None).limit(51).compile(engine)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "EXPLAIN (ANALYZE, BUFFERS) " + str(compiled), compiled.params
        ).fetchall()
    engine.dispose()
    return "\n".join("      " + r[0] for r in rows)


def row(name: str, latencies: list[float], target: float, statuses: Any = "") -> str:
    ordered = sorted(latencies)
    p50 = ordered[len(ordered) // 2] * 1000
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000
    mark = "ok" if p99 < target else "OVER"
    top = ordered[-1] * 1000
    return f"| {name} | {len(ordered)} | {p50:.1f} | {p99:.1f} | {top:.1f} | {mark} {statuses} |"


def run(url: str, ds: Dataset, workers: int) -> None:
    headers = {"Authorization": f"Bearer {ds.key}"}
    load_avg = os.getloadavg()
    print(f"  load average before measuring: {load_avg[0]:.2f} {load_avg[1]:.2f} {load_avg[2]:.2f}")
    print("| case | requests | p50 ms | p99 ms | max ms | target |")
    print("|---|---:|---:|---:|---:|---|")
    slow: list[tuple[str, dict[str, str]]] = []
    with harness.server(url, workers) as port:
        for name, variants in cases(ds):
            paths = [f"/api/v1/orders?{urlencode({**v, 'limit': '50'})}" for v in variants]
            result = measure(port, headers, paths, REQUESTS)
            print(row(name, result.latencies, LIST_TARGET_MS, dict(result.statuses)), flush=True)
            worst = max(range(len(result.latencies)), key=result.latencies.__getitem__)
            if result.percentile(99) >= LIST_TARGET_MS:
                slow.append((name, variants[worst % len(variants)]))
        for name, params in (
            ("deep pages, no filter", {}),
            ("deep pages, status=delivered", {"status": "delivered"}),
        ):
            times = deep_pages(port, headers, params)
            print(row(f"{name} (pages 1 to {len(times)})", times, LIST_TARGET_MS))
        paths = [f"/api/v1/orders/{oid}" for oid in ds.order_ids]
        result = measure(port, headers, paths, max(REQUESTS, 500))
        print(row("order detail", result.latencies, DETAIL_TARGET_MS, dict(result.statuses)))
    print(f"  load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for name, params in slow:
        print(f"  over target: {name}, slowest request {json.dumps(params)}:")
        print(explain(url, ds, params))


@contextlib.contextmanager
def loaded(n: int) -> Iterator[tuple[str, Dataset]]:
    """A database with ``n`` orders loaded, and its dataset.

    A scratch database, dropped afterwards; with BENCH_SEARCH_KEEP=1 one that is kept
    (``switchyard_bench_search_<n>``, its dataset in ``var/``) and reused by the next run
    with the same setting and ``n``, its indexes brought in line with the declared tables
    (loading 1,000,000 orders takes minutes). A changed column or table needs a fresh
    load: delete the dataset file.
    """
    if os.environ.get("BENCH_SEARCH_KEEP") != "1":
        with harness.scratch_postgres("switchyard_bench_search") as url:
            db = harness.database(url)
            ds = load(url, db, n)
            db.engine.dispose()
            yield url, ds
        return
    name, saved = f"switchyard_bench_search_{n}", Path(f"var/bench_search_{n}.json")
    url = harness.PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    if saved.exists() and harness.database_exists(name):
        print(f"  reusing the kept database {name} ({saved})")
        for stmt in sync_indexes(url):
            print(f"    {stmt}")
        yield url, restore(saved)
        return
    saved.unlink(missing_ok=True)
    with harness.scratch_postgres(name, keep=True) as url:
        db = harness.database(url)
        ds = load(url, db, n)
        db.engine.dispose()
        save(ds, saved)
        yield url, ds


def main() -> None:
    n = int(os.environ.get("BENCH_SEARCH_ORDERS", "1000000"))
    # One process by default: a sequential client keeps one busy. (With several, the harness
    # serves through switchyard.api.serve, which keeps TCP_NODELAY on: uvicorn issue 3149.)
    workers = int(os.environ.get("BENCH_SEARCH_WORKERS", "1"))
    print(f"order search, {n:,} orders, {workers} server processes, {harness.machine()}")
    with loaded(n) as (url, ds):
        run(url, ds, workers)


if __name__ == "__main__":
    main()
