"""Console pages at scale: p50/p99 of each main page of /console with BENCH_SEARCH_ORDERS
orders loaded (the order-search benchmark's data, 1,000,000 by default).

Target (issue 14): every console page under 200 ms server time. A sequential client, one
request at a time, signed in as an admin (the role that sees the most). Each page cycles
through many orders / filters so no single cached query is measured.
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlencode

import httpx

from bench import harness, loadgen
from bench.orders_search import loaded, row
from bench.orders_search_data import Dataset
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.events import Actor
from switchyard.staff.repository import UserRepository
from switchyard.staff.service import create_user

TARGET_MS = 200.0
REQUESTS = int(os.environ.get("BENCH_CONSOLE_REQUESTS", "100"))
EMAIL, PASSWORD = "bench-admin@switchyard.example", "bench console password"


def pages(ds: Dataset) -> list[tuple[str, list[str]]]:
    s = ds.samples
    return [
        ("home dashboard", ["/console"]),
        ("orders, first page", ["/console/orders"]),
        (
            "orders by status",
            [f"/console/orders?status={v}" for v in ("placed", "shipped", "on_hold")],
        ),
        ("orders by channel", [f"/console/orders?channel={c}" for c in ds.channels]),
        (
            "orders by email",
            [f"/console/orders?{urlencode({'email': e})}" for e in s["email"][:50]],
        ),
        ("orders by SKU", [f"/console/orders?sku={k}" for k in ds.skus[:50]]),
        ("order detail", [f"/console/orders/{oid}" for oid in ds.order_ids]),
        ("exception queue", ["/console/exceptions"]),
        ("inventory", ["/console/inventory"]),
        ("inventory per SKU", [f"/console/inventory/skus/{k}" for k in ds.skus[:50]]),
        ("workbench", [f"/console/workbench?location={loc}" for loc in ds.locations]),
        ("new phone order", ["/console/orders/new"]),
        ("settings", ["/console/settings"]),
    ]


def session_cookie(port: int) -> str:
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", follow_redirects=False) as client:
        form = client.get("/console/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert token, "no sign-in form"
        r = client.post(
            "/console/login",
            data={"email": EMAIL, "password": PASSWORD, "csrf_token": token.group(1)},
        )
        assert r.status_code == 303, r.text[:300]
        return r.cookies["sy_session"]


def run(url: str, ds: Dataset, workers: int) -> None:
    db = harness.database(url)

    def admin(uow: UnitOfWork) -> None:
        if uow.repo(UserRepository).by_email(EMAIL) is None:  # a kept database has one
            create_user(uow, EMAIL, PASSWORD, "admin", name="Bench Admin")

    db.run(Actor.system("bench"), admin)
    db.engine.dispose()
    print("| page | requests | p50 ms | p99 ms | max ms | target |")
    print("|---|---:|---:|---:|---:|---|")
    with harness.server(url, workers) as port:
        headers = {"Cookie": f"sy_session={session_cookie(port)}"}
        for name, paths in pages(ds):

            def make(i: int, paths: list[str] = paths) -> bytes:
                return loadgen.request_bytes("GET", paths[i % len(paths)], headers)

            loadgen.run("127.0.0.1", port, make, concurrency=1, total=min(REQUESTS, 10))
            result = loadgen.run("127.0.0.1", port, make, concurrency=1, total=REQUESTS)
            print(row(name, result.latencies, TARGET_MS, dict(result.statuses)), flush=True)


def main() -> None:
    n = int(os.environ.get("BENCH_SEARCH_ORDERS", "1000000"))
    print(f"console pages, {n:,} orders, {harness.machine()}")
    with loaded(n) as (url, ds):
        run(url, ds, 1)


if __name__ == "__main__":
    main()
