"""``switchyard sourcing simulate`` and ``reoptimize`` against a temporary SQLite database."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from switchyard.cli.context import open_database
from switchyard.cli.main import app
from tests.integration.test_sourcing_simulation import body, world

runner = CliRunner()


@pytest.fixture()
def cli_db(tmp_path, monkeypatch):
    monkeypatch.setenv("SWITCHYARD_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    db = open_database()
    yield db
    db.engine.dispose()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["sourcing", *args])
    return result.exit_code, result.output


def test_simulate_a_file_of_orders(cli_db, tmp_path):
    w = world(cli_db)
    path = tmp_path / "orders.json"
    path.write_text(
        json.dumps([body(w, "München", "80331", (1, 1)), body(w, "Hamburg", "20354", (0, 2))])
    )
    code, out = invoke("simulate", "--profile", w["channel"]["code"], "--orders", str(path))
    assert code == 0, out
    text = re.sub(r"\s+", " ", out)
    assert "orders │ 2" in text and "split rate │ 0.0%" in text
    assert w["locations"][1]["code"] in text  # the load table names Munich
    code, out = invoke(
        "simulate", "--profile", w["channel"]["id"], "--orders", str(path), "--json",
        "--strategy", "nearest",
    )  # fmt: skip
    assert code == 0, out
    report = json.loads(out)
    assert (report["orders"], report["strategy"], report["shipments"]) == (2, "nearest", 2)
    code, out = invoke("simulate", "--profile", w["channel"]["code"], "--since", "2020-01-01")
    assert code == 0 and "no orders" in out
    assert invoke("simulate", "--profile", "x")[0] == 2  # neither --orders nor --since
    path.write_text('[{"lines": [{"sku": "missing"}]}]')
    code, out = invoke("simulate", "--profile", w["channel"]["code"], "--orders", str(path))
    assert code == 2 and "invalid_orders" in out


def test_reoptimize_dry_run(cli_db):
    w = world(cli_db)
    code, out = invoke("reoptimize", "--channel", w["channel"]["code"], "--dry-run", "--json")
    assert code == 0, out
    assert json.loads(out) == {"dry_run": True, "orders": 0, "changed_orders": 0, "channels": []}
    code, out = invoke("reoptimize", "--channel", "nope")
    assert code == 2 and "unknown_channel" in out
