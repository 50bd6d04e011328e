"""The intake reference: a minimal FastAPI + asyncpg ``POST /orders`` with no logic.

It takes the same 3-line order JSON as ``bench/orders_intake.py`` and makes, in one
transaction, the inserts and updates Switchyard makes for such an order: the customer row,
the order row, its lines, the conditional stock update per line, the reservations, a
fulfillment with its lines, the sourcing decision, the fulfillment's and the order's
promise, the order's search row and the outbox events (order placed and allocated,
fulfillment created, a stock change per line, customer created), with JSON payloads of
the same size. No reads, validation, pricing rules or sourcing: SKU ids and prices come
from a map loaded once at start-up, the decision and promises are a template. Its rate is
the ceiling Switchyard's intake is compared with (the issue asks for a ratio of at least
0.4).

Served by uvicorn with the same number of worker processes as the real server, against a
scratch database migrated with Switchyard's migrations and filled by ``bench.setup_data``.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from fastapi import Body, FastAPI
from fastapi.responses import JSONResponse

from bench import harness, loadgen, setup_data
from switchyard.kernel.ids import new_id

POOL_SIZE = 20  # per worker process, like Switchyard's engine pool
ROOT = Path(__file__).resolve().parent.parent
OrderJson = Callable[[int, list[dict[str, Any]], str], dict[str, Any]]

INSERT_ORDER = """
INSERT INTO orders (id, channel_id, external_id, customer_id, email, customer_name, phone,
    status, currency, delivery_method, pickup_location_id, shipping_address, billing_address,
    shipping_charge, taxes, total, po_number, notes, attributes, tracking_token, draft_id,
    held_since, version, placed_at, updated_at)
VALUES ($1, $2, $3, NULL, $4, $5, NULL, 'allocated', 'EUR', 'ship', NULL, $6, NULL,
    0, 0, $7, NULL, NULL, '{}', $8, NULL, NULL, 1, $9, $9)
"""
INSERT_LINE = """
INSERT INTO order_lines (id, order_id, line_no, sku_id, sku, quantity, unit_price, discount,
    status, qty_allocated, qty_backordered, qty_shipped, qty_delivered, qty_cancelled,
    qty_returned)
VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 'allocated', $6, 0, 0, 0, 0, 0)
"""
RESERVE_STOCK = """
UPDATE stock_levels SET reserved = reserved + $1, updated_at = $4
WHERE sku_id = $2 AND location_id = $3 AND on_hand - reserved - safety_stock >= $1
"""
INSERT_RESERVATION = """
INSERT INTO reservations (id, order_id, order_line_id, hold_id, sku_id, location_id, quantity,
    consumed, status, supply_line_id, expires_at, created_at, updated_at)
VALUES ($1, $2, $3, NULL, $4, $5, $6, 0, 'open', NULL, NULL, $7, $7)
"""
INSERT_FULFILLMENT = """
INSERT INTO fulfillments (id, order_id, location_id, status, delivery_method, version,
    created_at, updated_at)
VALUES ($1, $2, $3, 'created', 'ship', 1, $4, $4)
"""
INSERT_FULFILLMENT_LINE = """
INSERT INTO fulfillment_lines (fulfillment_id, order_line_id, sku_id, quantity, qty_picked,
    qty_packed, qty_short)
VALUES ($1, $2, $3, $4, 0, 0, 0)
"""
INSERT_EVENT = """
INSERT INTO events (id, type, aggregate_type, aggregate_id, order_id, channel_id, data,
    actor_kind, actor_id, actor_name, occurred_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, 'api_key', 'reference', 'reference', $8)
"""
INSERT_CUSTOMER = """
INSERT INTO customers (id, email, name, phone, version, created_at, updated_at)
VALUES ($1, $2, $3, NULL, 1, $4, $4) ON CONFLICT DO NOTHING
"""
INSERT_DECISION = """
INSERT INTO sourcing_decisions (id, order_id, seq, channel_id, profile_id, profile_version,
    cause, strategy, status, total_cost, currency, destination, decision, promise, created_at)
VALUES ($1, $2, 1, $3, NULL, 0, 'placement', 'lowest_cost', 'sourced', 68500, 'EUR', $4, $5,
    $6, $7)
"""
INSERT_FULFILLMENT_PROMISE = """
INSERT INTO sourcing_fulfillments (fulfillment_id, order_id, decision_id, location_id, kind,
    ship_to_location_id, ship_by, deliver_by, ready_at, created_at)
VALUES ($1, $2, $3, $4, 'ship_from_warehouse', NULL, $5, $6, NULL, $7)
"""
INSERT_ORDER_PROMISE = """
INSERT INTO sourcing_order_promises (order_id, ship_by, deliver_by, ready_at, unpromised,
    updated_at)
VALUES ($1, $2, $3, NULL, '{}', $4)
"""
INSERT_ORDER_LOCATION = """
INSERT INTO order_locations (order_id, location_id, status, channel_id)
VALUES ($1, $2, 'allocated', $3)
"""
DESTINATION = json.dumps(
    {"latitude": 52.52, "longitude": 13.405, "basis": "city", "country_code": "DE"}
    | {"postal_code": "10115", "city": "Berlin"}
)
# The size of Switchyard's decision log entry for such an order (about 1.5 kB).
DECISION = json.dumps({"strategy": "lowest_cost", "detail": "x" * 1450})
PROMISE = json.dumps({"ship_by": "2026-11-26", "deliver_by": "2026-11-27", "detail": "x" * 280})


class State:
    """What the endpoint needs, loaded once per worker: pool, channel, location, SKUs."""

    pool: asyncpg.Pool
    channel_id: str
    location_id: str
    skus: dict[str, tuple[str, int]]  # code -> (id, unit price in 1/10,000 units)


state = State()


def _dsn() -> str:
    url = os.environ["SWITCHYARD_DATABASE_URL"]
    return "postgresql://" + url.split("://", 1)[1]


@contextlib.asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    state.pool = await asyncpg.create_pool(_dsn(), min_size=4, max_size=POOL_SIZE)
    async with state.pool.acquire() as conn:
        state.channel_id = await conn.fetchval("SELECT id FROM channels WHERE code = 'bench'")
        state.location_id = await conn.fetchval("SELECT id FROM locations ORDER BY code LIMIT 1")
        rows = await conn.fetch(
            "SELECT s.sku, s.id, p.amount FROM skus s JOIN prices p ON p.sku_id = s.id "
            "WHERE p.channel_id = $1",
            state.channel_id,
        )
    state.skus = {r["sku"]: (r["id"], r["amount"]) for r in rows}
    yield
    await state.pool.close()


app = FastAPI(lifespan=lifespan)


class _Rollback(Exception):
    """Not enough stock for a line: the transaction rolls back and the answer is 409."""


@app.exception_handler(_Rollback)
async def _insufficient_stock(_: Any, __: Exception) -> JSONResponse:
    return JSONResponse({"code": "insufficient_stock"}, status_code=409)


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/orders", status_code=201)
async def create_order(body: dict[str, Any] = Body(...)) -> Any:
    now = datetime.now(UTC)
    order_id = new_id("ord")
    loc = state.location_id
    lines = []
    for no, line in enumerate(body["lines"], start=1):
        sku_id, price = state.skus[line["sku"]]
        lines.append((new_id("oli"), order_id, no, sku_id, line["sku"], line["quantity"], price))
    total = sum(line[5] * line[6] for line in lines)
    customer = body["customer"]
    fulfillment_id = new_id("ful")
    decision_id = new_id("sdc")
    ship_by, deliver_by = now.date(), now.date() + timedelta(days=1)
    async with state.pool.acquire() as conn, conn.transaction():
        await conn.execute(INSERT_CUSTOMER, new_id("cus"), customer["email"], customer["name"], now)
        await conn.execute(
            INSERT_ORDER,
            order_id,
            state.channel_id,
            body["external_id"],
            customer["email"],
            customer["name"],
            json.dumps(body["shipping_address"]),
            total,
            new_id("trk"),
            now,
        )
        await conn.executemany(INSERT_LINE, lines)
        changes = []
        for line in sorted(lines, key=lambda r: r[3]):  # lock stock rows in one order
            status = await conn.execute(RESERVE_STOCK, line[5], line[3], loc, now)
            if status != "UPDATE 1":
                raise _Rollback
            changes.append({"sku_id": line[3], "location_id": loc, "cause": "reservation"})
        await conn.executemany(
            INSERT_RESERVATION,
            [(new_id("res"), order_id, ln[0], ln[3], loc, ln[5], now) for ln in lines],
        )
        await conn.execute(INSERT_FULFILLMENT, fulfillment_id, order_id, loc, now)
        await conn.executemany(
            INSERT_FULFILLMENT_LINE, [(fulfillment_id, ln[0], ln[3], ln[5]) for ln in lines]
        )
        await conn.execute(
            INSERT_DECISION,
            decision_id,
            order_id,
            state.channel_id,
            DESTINATION,
            DECISION,
            PROMISE,
            now,
        )
        await conn.execute(
            INSERT_FULFILLMENT_PROMISE,
            fulfillment_id,
            order_id,
            decision_id,
            loc,
            ship_by,
            deliver_by,
            now,
        )
        await conn.execute(INSERT_ORDER_PROMISE, order_id, ship_by, deliver_by, now)
        await conn.execute(INSERT_ORDER_LOCATION, order_id, loc, state.channel_id)
        placed = {"external_id": body["external_id"], "total": total, "lines": body["lines"]}
        events = [
            ("order.placed", "order", order_id, placed),
            ("order.allocated", "order", order_id, {"lines": [ln[0] for ln in lines]}),
            ("fulfillment.created", "fulfillment", fulfillment_id, {"location_id": loc}),
            *(("inventory.changed", "sku", c["sku_id"], c) for c in changes),
            ("customer.created", "customer", customer["email"], {"email": customer["email"]}),
        ]
        await conn.executemany(
            INSERT_EVENT,
            [
                (new_id("evt"), kind, agg, agg_id, order_id, state.channel_id, json.dumps(d), now)
                for kind, agg, agg_id, d in events
            ],
        )
    return {"id": order_id, "status": "allocated"}


@contextlib.contextmanager
def server(url: str, workers: int) -> Iterator[int]:
    """This module's app under uvicorn against ``url``, as ``harness.server`` runs Switchyard."""
    port = harness.free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "switchyard.api.serve",
            "--app",
            "bench.intake_reference:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env={**os.environ, "SWITCHYARD_DATABASE_URL": url, "PYTHONPATH": str(ROOT)},
    )
    try:
        harness.wait_until_serving(port, workers)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def run(
    url: str, workers: int, seconds: float, concurrency: int, order_json: OrderJson
) -> dict[str, Any]:
    """Fill ``url`` like the intake benchmark, then load the reference for ``seconds``.

    ``order_json(i, skus, prefix)`` builds the i-th order body, the one the real run sends.
    """
    db = harness.database(url)
    data = setup_data.build(db, skus=300, locations=1, stock=1_000_000)
    db.engine.dispose()

    def make(i: int) -> bytes:
        body = json.dumps(order_json(i, data["skus"], "ref")).encode()
        return loadgen.request_bytes("POST", "/orders", {}, body)

    with server(url, workers) as port:
        loadgen.run("127.0.0.1", port, make, concurrency=concurrency, total=200)  # warm up
        load = os.getloadavg()
        result = loadgen.run(
            "127.0.0.1", port, lambda i: make(i + 10**7), concurrency=concurrency, seconds=seconds
        )
    return {
        "orders_per_s": result.rate(201),
        "p50_ms": result.percentile(50),
        "p99_ms": result.percentile(99),
        "statuses": dict(result.statuses),
        "load_avg": load,
    }
