"""Bulk data for the order search benchmark: N orders over a year, loaded with COPY.

Reference data (channels, locations, SKUs, an API key) goes through the services; orders,
their lines, customers, fulfillments and holds are generated here and copied in (search's
``order_locations`` derived from them in SQL), with the secondary indexes dropped during
the load and rebuilt after it (the same definitions).
Fixed seed: every run loads the same orders, dated back from the time of the run.
"""

from __future__ import annotations

import json
import random
import time
from bisect import bisect
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex

from bench import setup_data
from switchyard.db.schema import metadata
from switchyard.db.uow import Database
from switchyard.kernel.ids import _encode

CHANNELS = [  # code, type, share of orders
    ("web", "web", 55),
    ("marketplace", "marketplace", 20),
    ("pos", "pos", 10),
    ("call_center", "call_center", 7),
    ("edi", "edi", 5),
    ("field_sales", "field_sales", 3),
]
LOCATIONS = [("WH-N", 45), ("WH-S", 30), ("3PL", 15), ("STORE-1", 7), ("STORE-2", 3)]
SKUS = 2000
HOLD_TYPES = [("address", 35), ("fraud", 25), ("price", 15), ("compliance", 10)]
HOLD_TYPES += [("payment", 10), ("manual", 5)]
# Status mix by age: the last 3 days are busy, older orders are mostly delivered.
RECENT = [("placed", 15), ("allocated", 45), ("backordered", 8), ("on_hold", 7)]
RECENT += [("shipped", 20), ("cancelled", 5)]
WEEKS = [("allocated", 5), ("on_hold", 1), ("backordered", 3), ("partially_shipped", 2)]
WEEKS += [("shipped", 35), ("delivered", 50), ("cancelled", 4)]
OLD = [("delivered", 900), ("returned", 30), ("partially_returned", 10), ("cancelled", 50)]
OLD += [("on_hold", 1), ("backordered", 9)]
SHIPPED = {"shipped", "delivered", "returned", "partially_returned", "partially_shipped"}
TABLES = [
    "customers",
    "orders",
    "order_lines",
    "fulfillments",
    "fulfillment_lines",
    "order_holds",
    "order_locations",
]
ADDRESS = (
    '{"line1": "Invalidenstrasse %d", "city": "Berlin", "postal_code": "10115", '
    '"country_code": "DE", "name": "Customer %d"}'
)


def picker(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    values = [v for v, _ in weighted]
    cum, total = [], 0
    for _, w in weighted:
        total += w
        cum.append(total)
    return lambda: values[bisect(cum, rng.random() * total)]


def ulid(prefix: str, when: datetime, rng: random.Random) -> str:
    return f"{prefix}_{_encode(int(when.timestamp() * 1000), 10)}{_encode(rng.getrandbits(80), 16)}"


def ts(when: datetime) -> str:
    return when.isoformat()


@dataclass
class Dataset:
    orders: int
    key: str
    first: datetime
    last: datetime
    channels: list[str] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)
    skus: list[str] = field(default_factory=list)
    samples: dict[str, list[str]] = field(default_factory=dict)  # filter name -> values
    order_ids: list[str] = field(default_factory=list)  # a random sample
    ids: dict[str, dict[str, str]] = field(default_factory=dict)  # kind -> code -> id


def save(ds: Dataset, path: Path) -> None:
    """Write ``ds`` next to a kept database, so a later run can reuse both."""
    data = asdict(ds) | {"first": ds.first.isoformat(), "last": ds.last.isoformat()}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))


def restore(path: Path) -> Dataset:
    data = json.loads(path.read_text())
    data["first"] = datetime.fromisoformat(data["first"])
    data["last"] = datetime.fromisoformat(data["last"])
    return Dataset(**data)


def sync_indexes(url: str) -> list[str]:
    """Bring a kept database's indexes on TABLES in line with the declared tables: create
    the declared ones it lacks, drop the ones no longer declared. Other schema changes
    (columns, tables) need a fresh load. Returns the statements run."""
    declared = {ix.name: ix for t in metadata.sorted_tables if t.name in TABLES for ix in t.indexes}
    ran = []
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as c:
        cur = c.cursor()
        present = {
            name: table
            for table, name in cur.execute(
                """SELECT c.relname, i.indexrelid::regclass::text FROM pg_index i
                   JOIN pg_class c ON c.oid = i.indrelid
                   LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid
                   WHERE c.relname = ANY(%s) AND con.oid IS NULL""",
                (TABLES,),
            ).fetchall()
        }
        for name in sorted(set(present) - set(declared)):
            ran.append(f"DROP INDEX {name}")
        for name in sorted(set(declared) - set(present)):
            ran.append(str(CreateIndex(declared[name]).compile(dialect=postgresql.dialect())))
        for stmt in ran:
            cur.execute(stmt)
        if ran:
            cur.execute("ANALYZE")
    return ran


class Writer:
    """Rows in COPY text format, buffered and copied in chunks (one COPY at a time)."""

    def __init__(self, cur: psycopg.Cursor[Any], table: str, columns: str) -> None:
        self.cur, self.sql = cur, f"COPY {table} ({columns}) FROM STDIN"
        self.buf: list[str] = []

    def row(self, *values: object) -> None:
        self.buf.append("\t".join("\\N" if v is None else str(v) for v in values))

    def flush(self) -> None:
        if self.buf:
            with self.cur.copy(self.sql) as copy:
                copy.write("\n".join(self.buf) + "\n")
            self.buf = []


def reference_data(db: Database) -> dict[str, Any]:
    data = setup_data.build(db, skus=SKUS, locations=len(LOCATIONS), stock=0)
    from switchyard.channels.service import create_channel

    channels = {"bench": data["channel"]["id"]}
    for code, kind, _ in CHANNELS:
        values = {"code": code, "name": code, "type": kind, "currency": "EUR"}
        channels[code] = db.run(setup_data.ACTOR, lambda uow, v=values: create_channel(uow, v))[
            "id"
        ]
    data["channel_ids"] = channels
    return data


def secondary_indexes(cur: psycopg.Cursor[Any]) -> tuple[list[str], list[str]]:
    """(drop statements, create statements) for every non-primary-key index on TABLES."""
    rows = cur.execute(
        """SELECT c.relname, i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid),
                  con.conname, pg_get_constraintdef(con.oid)
           FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
           LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.contype = 'u'
           WHERE c.relname = ANY(%s) AND NOT i.indisprimary""",
        (TABLES,),
    ).fetchall()
    drops, creates = [], []
    for table, index, indexdef, conname, condef in rows:
        if conname:
            drops.append(f"ALTER TABLE {table} DROP CONSTRAINT {conname}")
            creates.append(f"ALTER TABLE {table} ADD CONSTRAINT {conname} {condef}")
        else:
            drops.append(f"DROP INDEX {index}")
            creates.append(indexdef)
    return drops, creates


def load(url: str, db: Database, n: int, seed: int = 20240) -> Dataset:
    """Load ``n`` orders (about 3 lines each) into the migrated database at ``url``."""
    ref = reference_data(db)
    rng = random.Random(seed)
    chan = ref["channel_ids"]
    locs = {code: loc["id"] for (code, _), loc in zip(LOCATIONS, ref["locations"], strict=True)}
    skus = [(s["id"], s["sku"]) for s in ref["skus"]]
    sku_pick = picker(rng, [(s, int(1e6 / (r + 8))) for r, s in enumerate(skus)])
    channel_pick = picker(rng, [(c, w) for c, _, w in CHANNELS])
    location_pick = picker(rng, LOCATIONS)
    hold_pick = picker(rng, HOLD_TYPES)
    mixes = [picker(rng, RECENT), picker(rng, WEEKS), picker(rng, OLD)]
    lines_pick = picker(rng, [(1, 15), (2, 20), (3, 30), (4, 20), (5, 15)])
    last = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    first = last - timedelta(days=365)
    step = (last - first) / n
    n_customers = max(1, n // 5)
    loc_codes = [loc["code"] for loc in ref["locations"]]
    ds = Dataset(n, ref["key"], first, last, list(chan)[1:], loc_codes, [s for _, s in skus])
    ds.ids = {
        "channel": chan,
        "sku": {code: sku_id for sku_id, code in skus},
        "location": {loc["code"]: loc["id"] for loc in ref["locations"]},
    }
    started = time.monotonic()
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn:
        cur = conn.cursor()
        cur.execute("SET session_replication_role = replica")  # no FK triggers while loading
        drops, creates = secondary_indexes(cur)
        for stmt in drops:
            cur.execute(stmt)
        w = Writer(cur, "customers", "id, email, name, phone, version, created_at, updated_at")
        customers = []
        for k in range(n_customers):
            made = first - timedelta(days=30) + timedelta(seconds=k)
            phone = f"+49151{k:08d}" if k % 10 < 7 else None
            cid = ulid("cus", made, rng)
            customers.append((cid, f"c{k}@example.com", f"Customer {k}", phone))
            w.row(cid, f"c{k}@example.com", f"Customer {k}", phone, 1, ts(made), ts(made))
        w.flush()
        cols = (
            "id, channel_id, external_id, customer_id, email, customer_name, phone, status, "
            "currency, delivery_method, pickup_location_id, shipping_address, shipping_charge, "
            "taxes, total, attributes, tracking_token, held_since, version, placed_at, updated_at"
        )
        wo = Writer(cur, "orders", cols)
        wl = Writer(
            cur,
            "order_lines",
            "id, order_id, line_no, sku_id, sku, quantity, unit_price, discount, status, "
            "qty_allocated, qty_backordered, qty_shipped, qty_delivered, qty_cancelled, "
            "qty_returned",
        )
        wf = Writer(
            cur,
            "fulfillments",
            "id, order_id, location_id, status, delivery_method, carrier, tracking_number, "
            "version, created_at, updated_at",
        )
        wfl = Writer(
            cur,
            "fulfillment_lines",
            "fulfillment_id, order_line_id, sku_id, quantity, qty_picked, qty_packed, qty_short",
        )
        wh = Writer(
            cur,
            "order_holds",
            "id, order_id, type, source, reason, findings, placed_at, placed_by, released_at, "
            "released_by, resolution, note",
        )
        sample_every = max(1, n // 2000)
        samples: dict[str, list[str]] = {"email": [], "phone": [], "external_id": []}
        samples["customer_id"] = []
        for i in range(n):
            placed = first + step * i + step * rng.random() * 0.9
            age = (last - placed).days
            status = mixes[0 if age < 3 else 1 if age < 14 else 2]()
            code = channel_pick()
            cid, email, name, phone = customers[rng.randrange(n_customers)]
            oid = ulid("ord", placed, rng)
            pickup = code == "pos" or rng.random() < 0.04
            loc = rng.choice(("STORE-1", "STORE-2")) if pickup else location_pick()
            held = ts(placed) if status == "on_hold" else None
            subtotal = 0
            lines = []
            for line_no, (sku_id, sku) in enumerate(
                dict.fromkeys(sku_pick() for _ in range(lines_pick())), 1
            ):
                qty = rng.choice((1, 1, 1, 2, 3))
                price = 10000 * (5 + len(sku) + line_no * 7)
                subtotal += qty * price
                lines.append((ulid("oli", placed, rng), line_no, sku_id, sku, qty))
                alloc = 0 if status in ("placed", "backordered", "cancelled") else qty
                ship = qty if status in SHIPPED else 0
                wl.row(
                    lines[-1][0], oid, line_no, sku_id, sku, qty, price, 0,
                    "allocated" if status == "on_hold" else status, alloc,
                    qty if status == "backordered" else 0, ship,
                    ship if status in ("delivered", "returned", "partially_returned") else 0,
                    qty if status == "cancelled" else 0, qty if status == "returned" else 0,
                )  # fmt: skip
            taxes = subtotal * 19 // 100
            wo.row(
                oid, chan[code], f"{code.upper()}-{i:09d}", cid, email, name, phone, status,
                "EUR", "pickup" if pickup else "ship", locs[loc] if pickup else None,
                ADDRESS % (i % 200, i), 49000, taxes, subtotal + taxes + 49000,
                '{"source": "bench"}', f"{rng.getrandbits(128):032x}", held, 1, ts(placed),
                ts(placed),
            )  # fmt: skip
            if status in SHIPPED or status == "allocated":
                fid = ulid("ful", placed, rng)
                fstatus = "released" if status == "allocated" else "shipped"
                if status in ("delivered", "returned", "partially_returned"):
                    fstatus = "picked_up" if pickup else "delivered"
                carrier = None if pickup or fstatus == "released" else "dhl"
                wf.row(
                    fid, oid, locs[loc], fstatus, "pickup" if pickup else "ship", carrier,
                    f"JJD{i:012d}" if carrier else None, 1, ts(placed), ts(placed),
                )  # fmt: skip
                for line_id, _, sku_id, _, qty in lines:
                    done = qty if fstatus != "released" else 0
                    wfl.row(fid, line_id, sku_id, qty, done, done, 0)
            if status == "on_hold" or rng.random() < 0.02:
                active = status == "on_hold"
                released = None if active else ts(placed + timedelta(hours=2))
                wh.row(
                    ulid("hld", placed, rng), oid, hold_pick(), "validation", "bench hold", "[]",
                    ts(placed), "system", released, None if active else "staff@example.com",
                    None if active else "released", None if active else "checked",
                )  # fmt: skip
            if i % 20000 == 19999:
                for writer in (wo, wl, wf, wfl, wh):
                    writer.flush()
            if i % sample_every == 0:
                ds.order_ids.append(oid)
                samples["email"].append(email)
                if phone:
                    samples["phone"].append(phone)
                samples["external_id"].append(f"{code.upper()}-{i:09d}")
                samples["customer_id"].append(cid)
        for writer in (wo, wl, wf, wfl, wh):
            writer.flush()
        cur.execute(
            """INSERT INTO order_locations (order_id, location_id, status, channel_id)
               SELECT DISTINCT f.order_id, f.location_id, o.status, o.channel_id
               FROM fulfillments f JOIN orders o ON o.id = f.order_id"""
        )  # what the fulfillment.created handler keeps
        copied = time.monotonic() - started
        cur.execute("SET maintenance_work_mem = '512MB'")
        for stmt in creates:
            cur.execute(stmt)
        conn.commit()
    rng.shuffle(ds.order_ids)
    ds.samples = samples
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as c:
        c.execute("VACUUM ANALYZE")
    print(
        f"  loaded {n:,} orders in {time.monotonic() - started:.0f} s "
        f"(generate and copy {copied:.0f} s, then indexes and VACUUM ANALYZE)"
    )
    return ds
