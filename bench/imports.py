"""Import throughput: a CSV of ROWS rows (one line per order) and an X12 interchange of
POS purchase orders, through the whole pipeline (stored raw, parsed, placed one
transaction per order), against the same orders placed as ``POST /orders:batch`` does
(``place_batch``, 1,000 a transaction). Target: the pipeline >= 0.8 of the batch rate.
SQLite by default (a temporary file); PostgreSQL with SWITCHYARD_BENCH_PG set.
Sizes: BENCH_IMPORT_ROWS (100,000), BENCH_IMPORT_POS (1,000).
"""

from __future__ import annotations

import io
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bench import harness, setup_data
from switchyard.channels.service import create_channel
from switchyard.db.engine import make_engine
from switchyard.db.migrate import upgrade
from switchyard.integrations import csv_format, pipeline
from switchyard.integrations.service import create_partner
from switchyard.kernel.events import Actor
from switchyard.orders.batch import place_batch

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
POS = int(os.environ.get("BENCH_IMPORT_POS", "1000"))
TARGET = 0.8
ACTOR = Actor.system("bench")
HEADER = (
    "external_id,email,ship_name,ship_line1,ship_city,ship_postal_code,ship_country_code,"
    "sku,quantity"
)


def csv_bytes(n: int, skus: list[dict[str, Any]], prefix: str) -> bytes:
    rows = [HEADER] + [
        f"{prefix}-{i},c{i % 5000}@example.com,Bench Customer,Invalidenstrasse 12,Berlin,10115,DE,"
        f"{skus[i % len(skus)]['sku']},1"
        for i in range(n)
    ]
    return ("\n".join(rows) + "\n").encode()


def x12_bytes(n: int, skus: list[dict[str, Any]]) -> bytes:
    segs = [
        "ISA*00*          *00*          *ZZ*BENCHBUYER     *ZZ*SWITCHYARD     "
        "*261204*1200*U*00401*000000001*0*P*>",
        "GS*PO*BENCHBUYER*SWITCHYARD*20261204*1200*1*X*004010",
    ]
    for i in range(n):
        body = [
            f"ST*850*{i + 1:04d}",
            f"BEG*00*SA*PO{i}**20261204",
            "N1*ST*Bench Buyer",
            "N3*Invalidenstrasse 12",
            "N4*Berlin**10115*DE",
            f"PO1*1*1*EA*10.00**VN*{skus[i % len(skus)]['sku']}",
            "CTT*1",
        ]
        body.append(f"SE*{len(body) + 1}*{i + 1:04d}")
        segs += body
    segs += [f"GE*{n}*1", "IEA*1*000000001"]
    return ("~\n".join(segs) + "~\n").encode()


@contextmanager
def _url() -> Iterator[tuple[str, str]]:
    if os.environ.get("SWITCHYARD_BENCH_PG"):
        with harness.scratch_postgres("switchyard_bench_imports") as url:
            yield url, "PostgreSQL"
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url, "SQLite"


def run(url: str) -> dict[str, float]:
    db = harness.database(url)
    data = setup_data.build(db, skus=50, locations=1, stock=10_000_000)
    skus = data["skus"]
    # the reference: the same orders as POST /orders:batch places them
    ref_rows = min(ROWS, 20_000)
    ref = csv_bytes(ref_rows, skus, "batch")
    from_csv = csv_format.parse_all(io.BytesIO(ref)).orders
    bodies = [{**o.body, "channel": "bench"} for o in from_csv]
    started = time.perf_counter()
    for start in range(0, len(bodies), 1000):
        out = db.run(ACTOR, lambda uow, b=bodies[start : start + 1000]: place_batch(uow, b))
        assert out.failed == 0, out.results[0]
    batch_rate = len(bodies) / (time.perf_counter() - started)
    raw = csv_bytes(ROWS, skus, "csv")
    started = time.perf_counter()
    result = pipeline.import_message(
        db, ACTOR, format_="csv", source="cli", open_raw=lambda: io.BytesIO(raw), channel="bench"
    )
    csv_s = time.perf_counter() - started
    assert result["counts"]["placed"] == ROWS, (result["counts"], result["orders"][0])
    db.run(
        ACTOR,
        lambda uow: create_channel(
            uow, {"code": "bench-edi", "name": "EDI", "type": "edi", "currency": "EUR"}
        ),
    )
    db.run(
        ACTOR,
        lambda uow: create_partner(
            uow,
            {
                "code": "bench",
                "name": "Bench buyer",
                "format": "x12",
                "sender_id": "BENCHBUYER",
                "channel": "bench-edi",
                "settings": {},
            },
        ),
    )
    edi = x12_bytes(POS, skus)
    started = time.perf_counter()
    result = pipeline.import_message(
        db, ACTOR, format_="x12", source="cli", open_raw=lambda: io.BytesIO(edi)
    )
    x12_s = time.perf_counter() - started
    assert result["counts"]["placed"] == POS, (
        result["counts"],
        result["errors"],
        result["orders"][:1],
    )
    db.engine.dispose()
    return {"batch_rate": batch_rate, "csv_s": csv_s, "x12_s": x12_s}


def main() -> None:
    print(f"imports: a {ROWS:,}-row CSV and a {POS:,}-PO 850 interchange, {harness.machine()}")
    with _url() as (url, where):
        r = run(url)
    csv_rate, x12_rate = ROWS / r["csv_s"], POS / r["x12_s"]
    ratio = csv_rate / r["batch_rate"]
    print(
        f"  {where}: CSV {ROWS:,} orders in {r['csv_s']:.1f} s = {csv_rate:.0f} orders/s; "
        f"850 {POS:,} POs in {r['x12_s']:.1f} s = {x12_rate:.0f} POs/s; orders:batch "
        f"{r['batch_rate']:.0f} orders/s; CSV/batch = {ratio:.2f} (target >= {TARGET})"
    )


if __name__ == "__main__":
    main()
