"""``switchyard masterdata``: create and import master data against a temporary SQLite file."""

from __future__ import annotations

import csv
import json
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from switchyard.catalog.pricing import get_prices
from switchyard.catalog.repository import SkuRepository
from switchyard.cli.main import app
from switchyard.customers.repository import AddressRepository, CustomerRepository
from switchyard.db.engine import make_engine
from switchyard.db.uow import Database
from switchyard.kernel.events import Actor
from switchyard.locations.service import get_location

runner = CliRunner()
ACTOR = Actor.system("tests")


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'masterdata.db'}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SWITCHYARD_DATABASE_URL", url)
        yield url


@pytest.fixture(scope="module")
def db(db_url: str) -> Iterator[Database]:
    assert md("--help").exit_code == 0
    database = Database(make_engine(db_url))
    yield database
    database.engine.dispose()


def md(command: str):
    """Run ``switchyard masterdata <command>``, the command written as on a shell."""
    return runner.invoke(app, ["masterdata", *shlex.split(command)])


def text(result) -> str:
    """The output with line wrapping undone, for substring checks."""
    return " ".join(result.output.split())


def read(db: Database, use_case):
    return db.run(ACTOR, use_case, read_only=True)


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_help_documents_the_file_formats():
    result = md("--help")
    assert result.exit_code == 0
    assert "price:CHANNEL:CURRENCY" in text(result)
    assert "--skip-existing" in text(result)


def test_create_one_of_each(db, tmp_path):
    r = md("locations create --code cli-wh --name 'CLI warehouse'")
    assert r.exit_code == 2  # click refuses: --line1, --city, --country are required
    r = md(
        "locations create --code cli-wh --name 'CLI warehouse' --line1 'Hafenstr. 1' "
        "--city Hamburg --country DE --timezone Europe/Berlin --capabilities ship,returns"
    )
    assert r.exit_code == 0, r.output
    location = read(db, lambda uow: get_location(uow, "cli-wh"))
    assert location["timezone"] == "Europe/Berlin"
    assert location["capabilities"] == ["ship", "returns"]
    r = md("channels create --code cli-web --name 'CLI web' --currency EUR --locations cli-wh")
    assert r.exit_code == 0, r.output
    r = md(
        "skus create --sku CLI-1 --product-name 'CLI tee' "
        "--price cli-web:EUR:12.50 --price cli-web:USD:14"
    )
    assert r.exit_code == 0, r.output
    prices = read(db, lambda uow: get_prices(uow, "CLI-1"))["prices"]
    assert sorted((p["currency"], str(p["amount"])) for p in prices) == [
        ("EUR", "12.50"),
        ("USD", "14.00"),
    ]
    r = md("customers create --email Cli.User@Example.com --name C")
    assert r.exit_code == 0, r.output
    assert read(db, lambda uow: uow.repo(CustomerRepository).by_email("cli.user@example.com"))


def test_create_reports_domain_errors_and_exits_1(db):
    r = md("channels create --code bad --name B --currency eur")
    assert r.exit_code == 1
    assert "invalid_channel" in text(r) and "currency" in text(r)
    r = md("skus create --sku CLI-X --product-name x --price nowhere:EUR:1")
    assert r.exit_code == 1
    assert "unknown_channel" in text(r)


def test_import_skus_from_csv_in_chunks(db, tmp_path):
    assert md("channels create --code csv-web --name W --currency EUR").exit_code == 0
    rows = [
        {
            "sku": f"CSV-{i:03d}",
            "product_name": f"CSV product {i // 5}",
            "weight_grams": str(100 + i),
            "barcode": "" if i % 2 else f"400{i:05d}",
            "price:csv-web:EUR": f"{i}.95",
        }
        for i in range(250)
    ]
    path = write_csv(tmp_path / "skus.csv", rows)
    r = md(f"skus import {path} --chunk-size 100")
    assert r.exit_code == 0, r.output
    assert "imported 250 skus" in text(r)
    found = read(db, lambda uow: uow.repo(SkuRepository).by_codes([r["sku"] for r in rows]))
    assert len(found) == 250
    assert len({s["product_id"] for s in found.values()}) == 50
    assert (found["CSV-001"]["barcode"], found["CSV-002"]["barcode"]) == (None, "40000002")
    prices = read(db, lambda uow: get_prices(uow, "CSV-249"))["prices"]
    assert [(p["channel_code"], str(p["amount"])) for p in prices] == [("csv-web", "249.95")]


def test_invalid_records_stop_the_import_before_anything_is_written(db, tmp_path):
    path = tmp_path / "customers.json"
    items = [
        {"email": "ok-1@example.com", "name": "One"},
        {"name": "No email"},
        {"email": "ok-3@example.com", "addresses": [{"line1": "x", "country_code": "de"}]},
    ]
    path.write_text(json.dumps({"items": items}))
    r = md(f"customers import {path}")
    assert r.exit_code == 1
    out = text(r)
    assert "record 2: email" in out and "record 3: addresses.0.city" in out
    assert "nothing was written" in out
    assert read(db, lambda uow: uow.repo(CustomerRepository).by_email("ok-1@example.com")) is None


def test_a_failed_chunk_names_the_record_and_skip_existing_resumes(db, tmp_path):
    items = [{"sku": f"RES-{i}", "product_name": "Resumable"} for i in range(6)]
    items[4]["product_id"], items[4]["product_name"] = "prd_missing", None
    path = tmp_path / "skus.json"
    path.write_text(json.dumps(items))
    r = md(f"skus import {path} --chunk-size 3")
    assert r.exit_code == 1
    out = text(r)
    assert "record 5: product_id" in out and "unknown_product" in out
    assert "3 skus were written" in out
    written = read(db, lambda uow: uow.repo(SkuRepository).by_codes(["RES-0", "RES-3"]))
    assert set(written) == {"RES-0"}

    items[4]["product_id"], items[4]["product_name"] = None, "Resumable"
    path.write_text(json.dumps(items))
    assert md(f"skus import {path}").exit_code == 1  # RES-0..2 exist
    r = md(f"skus import {path} --skip-existing")
    assert r.exit_code == 0, r.output
    assert "imported 3 skus, skipped 3 existing" in text(r)


def test_import_customers_with_addresses_from_csv(db, tmp_path):
    address = {"address.line1": "1 Main St", "address.city": "Springfield"}
    rows = [
        {"email": "csv-a@example.com", "name": "A", **address, "address.country_code": "US"},
        {"email": "csv-b@example.com", "name": "B", "address.line1": "", "address.city": ""},
    ]
    rows[1]["address.country_code"] = ""
    r = md(f"customers import {write_csv(tmp_path / 'c.csv', rows)}")
    assert r.exit_code == 0, r.output
    a = read(db, lambda uow: uow.repo(CustomerRepository).by_email("csv-a@example.com"))
    book = read(db, lambda uow: uow.repo(AddressRepository).page(a["id"], after_id=None, limit=5))
    assert [x["address"]["city"] for x in book] == ["Springfield"]
    assert read(db, lambda uow: uow.repo(CustomerRepository).by_email("csv-b@example.com"))


def test_import_locations_from_json_with_lists(db, tmp_path):
    path = tmp_path / "locations.json"
    address = {"line1": "Calle 1", "city": "Madrid", "country_code": "ES"}
    store = {"code": "json-store", "name": "Store", "type": "store", "address": address}
    path.write_text(json.dumps([{**store, "capabilities": ["pickup"], "processing_days": [1, 2]}]))
    assert md(f"locations import {path}").exit_code == 0
    assert read(db, lambda uow: get_location(uow, "json-store"))["processing_days"] == [1, 2]
    r = md(f"locations import {path} --format xml")
    assert r.exit_code == 2 and "unknown format" in text(r)
