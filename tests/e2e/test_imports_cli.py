"""``switchyard import orders``: the report and the exit status."""

from __future__ import annotations

from typer.testing import CliRunner

from switchyard.cli.main import app
from tests.e2e.skeleton import make_channel, make_location, make_sku, stock
from tests.helpers import ref


def test_cli_imports_a_csv_and_fails_on_a_rejected_order(
    client, database, settings, tmp_path, monkeypatch
):
    monkeypatch.setenv("SWITCHYARD_DATABASE_URL", settings.database_url)
    channel, loc = make_channel(client), make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, loc, 5)
    good, bad = ref("CLI"), ref("CLI")
    rows = [
        "external_id,email,ship_name,ship_line1,ship_city,ship_postal_code,ship_country_code,sku,quantity",
        f"{good},a@example.com,Anna,Invalidenstrasse 12,Berlin,10115,DE,{sku['sku']},1",
        f"{bad},b@example.com,Bo,Invalidenstrasse 12,Berlin,10115,DE,NO-SUCH-SKU,1",
    ]
    path = tmp_path / "orders.csv"
    path.write_text("\n".join(rows) + "\n")
    runner = CliRunner()
    result = runner.invoke(
        app, ["import", "orders", str(path), "--format", "csv", "--channel", channel["code"]]
    )
    assert result.exit_code == 1, result.output
    assert (
        "partially_placed" in result.output and bad in result.output and "line 3" in result.output
    )
    assert client.get("/api/v1/orders", params={"external_id": good}).json()["items"]
    ok = tmp_path / "ok.csv"
    ok.write_text("\n".join([*rows[:1], rows[1].replace(good, ref("CLI"))]) + "\n")
    result = runner.invoke(
        app, ["import", "orders", str(ok), "--format", "csv", "--channel", channel["code"]]
    )
    assert result.exit_code == 0, result.output
