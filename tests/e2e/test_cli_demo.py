"""The demo loader and the API-key CLI, on a fresh SQLite file."""

from __future__ import annotations

from typer.testing import CliRunner

from switchyard.cli.main import app
from switchyard.config import Settings
from switchyard.db.engine import make_engine
from switchyard.db.uow import Database
from switchyard.inventory import verify as inventory_verify
from switchyard.kernel.events import Actor
from switchyard.orders.repository import OrderRepository


def test_demo_loads_a_consistent_retailer(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("SWITCHYARD_DATABASE_URL", url)
    runner = CliRunner()
    result = runner.invoke(app, ["demo", "--orders", "40"])
    assert result.exit_code == 0, result.output
    assert "10 locations" in result.output
    again = runner.invoke(app, ["demo"])
    assert "already loaded" in again.output

    db = Database(make_engine(Settings(database_url=url).database_url))
    orders = db.run(
        Actor.system("test"),
        lambda uow: uow.repo(OrderRepository).search(limit=100),
        read_only=True,
    )
    statuses = {o.status for o in orders}
    assert len(orders) >= 30
    assert {"delivered", "allocated"} <= statuses
    problems = db.run(Actor.system("test"), inventory_verify.verify, read_only=True)
    assert problems == []


def test_apikey_cli_prints_a_working_key(tmp_path, monkeypatch):
    monkeypatch.setenv("SWITCHYARD_DATABASE_URL", f"sqlite:///{tmp_path / 'keys.db'}")
    runner = CliRunner()
    result = runner.invoke(app, ["apikey", "create", "--name", "shop", "--scopes", "orders:read"])
    assert result.exit_code == 0, result.output
    key = result.output.strip().splitlines()[-1]
    assert key.startswith("sy_")
    listed = runner.invoke(app, ["apikey", "list"])
    assert "shop" in listed.output and key not in listed.output
    bad = runner.invoke(app, ["apikey", "create", "--name", "x", "--scopes", "orders:fly"])
    assert bad.exit_code != 0
