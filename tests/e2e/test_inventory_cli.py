"""``switchyard inventory`` against a temporary SQLite database."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from switchyard.cli.context import open_database
from switchyard.cli.main import app
from switchyard.inventory.tables import stock_levels
from tests.integration.test_inventory_fixtures import make_locations, make_skus, sku_code

runner = CliRunner()


@pytest.fixture()
def cli_db(tmp_path, monkeypatch):
    monkeypatch.setenv("SWITCHYARD_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    db = open_database()
    yield db
    db.engine.dispose()


def invoke(*args: str):
    result = runner.invoke(app, ["inventory", *args])
    return result.exit_code, re.sub(r"\s+", " ", result.output)


def test_receive_count_transfer_and_verify(cli_db, tmp_path):
    (sku,) = make_skus(cli_db)
    code = sku_code(cli_db, sku)
    src, dst = make_locations(cli_db, 2)
    assert invoke("receive", code, src, "10") == (0, "on hand 10, reserved 0, available 10 ")
    code_, out = invoke("count", code, src, "9")
    assert code_ == 0 and "difference -1" in out
    code_, out = invoke("transfer", src, dst, f"{code}:4")
    assert code_ == 0
    transfer_id = out.split()[1]
    assert invoke("receive-transfer", transfer_id)[0] == 0
    code_, out = invoke("availability", code)
    assert code_ == 0 and re.search(r"total\W+9\b", out)
    assert invoke("verify") == (0, "ledger is consistent ")
    with cli_db.engine.begin() as conn:
        conn.execute(update(stock_levels).where(stock_levels.c.sku_id == sku).values(on_hand=99))
    code_, out = invoke("verify")
    assert code_ == 1 and "difference" in out


def test_sync_from_csv_and_refusals(cli_db, tmp_path):
    a, b = make_skus(cli_db, 2)
    (loc,) = make_locations(cli_db)
    export = tmp_path / "wms.csv"
    export.write_text(f"sku,quantity\n{sku_code(cli_db, a)},3\n{b},8\n")
    code_, out = invoke("sync", "--scope", "location", loc, str(export))
    assert code_ == 0 and "2 rows: 2 changed (2 new)" in out
    code_, out = invoke("receive", "ghost", loc, "1")
    assert code_ == 2 and "unknown_sku" in out
    code_, out = invoke("adjust", "--reason", "damaged", "--", a, loc, "-50")
    assert code_ == 2 and "insufficient_on_hand" in out
    assert invoke("expire-holds")[0] == 0
    assert invoke("verify")[0] == 0


def test_sync_needs_a_scope_dry_runs_and_is_guarded(cli_db, tmp_path):
    skus = make_skus(cli_db, 4)
    codes = [sku_code(cli_db, s) for s in skus]
    (loc,) = make_locations(cli_db)
    for code in codes:
        assert invoke("receive", code, loc, "10")[0] == 0
    export = tmp_path / "partial.json"
    export.write_text(json.dumps([{"sku": codes[0], "quantity": 6}]))

    def on_hand():
        with cli_db.engine.connect() as conn:
            rows = conn.execute(select(stock_levels.c.sku_id, stock_levels.c.on_hand)).all()
        return dict(rows)

    before = on_hand()
    code_, out = invoke("sync", loc, str(export))
    assert code_ == 2 and "invalid_sync" in out and "scope:" in out
    code_, out = invoke("sync", "--scope", "location", loc, str(export))
    assert code_ == 2 and "snapshot_removes_too_much" in out and "remove 34 of the 40" in out
    code_, out = invoke("sync", "--scope", "location", "--dry-run", "--force", loc, str(export))
    assert code_ == 0 and "dry run, nothing changed: 1 rows: 4 changed" in out
    assert re.search(rf"{codes[0]}\W+10\W+6\b", out) and "-34 units" in out
    assert on_hand() == before
    code_, out = invoke("sync", "--scope", "listed", loc, str(export))
    assert code_ == 0 and "1 rows: 1 changed (0 new), 0 unchanged, +0/-4 units" in out
    code_, out = invoke("sync", "--scope", "location", "--force", loc, str(export))
    assert code_ == 0 and "+0/-30 units" in out
    assert sorted(on_hand().values()) == [0, 0, 0, 6]
    assert invoke("verify")[0] == 0
