"""``switchyard``: serve, migrate, demo data, API keys, inventory checks."""

from __future__ import annotations

import typer
from rich.console import Console

from switchyard.cli import (
    apikeys,
    demo,
    imports,
    inventory,
    jeopardy,
    masterdata,
    notify,
    sourcing,
    users,
    worker,
)
from switchyard.cli.context import open_database
from switchyard.config import Settings

app = typer.Typer(help="Switchyard order management.", no_args_is_help=True)
app.add_typer(apikeys.app, name="apikey")
app.add_typer(masterdata.app, name="masterdata")
app.add_typer(inventory.app, name="inventory")
app.add_typer(sourcing.app, name="sourcing")
app.add_typer(jeopardy.app, name="jeopardy")
app.add_typer(users.app, name="user")
app.add_typer(notify.app, name="notify")
app.add_typer(imports.app, name="import")
app.command()(demo.demo)
app.command()(demo.run)
app.command()(worker.worker)
console = Console()


@app.command("housekeeping")
def housekeeping_once() -> None:
    """Run the periodic jobs once (expire cart holds, return uncollected pickups to stock)."""
    from switchyard.housekeeping import run_once

    for name, result in run_once(open_database()).items():
        console.print(f"{name}: {result}")


@app.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    settings = Settings.from_env()
    open_database(settings).engine.dispose()
    console.print(f"database at {settings.database_url} is up to date")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="address to listen on"),
    port: int = typer.Option(8000, help="port to listen on"),
    workers: int = typer.Option(1, help="server processes (use PostgreSQL for more than one)"),
) -> None:
    """Start the HTTP API (migrating first)."""
    from switchyard.api.serve import serve as serve_api

    open_database().engine.dispose()
    serve_api(host, port, workers)


def main() -> None:
    """Console entry point: domain errors print as one clear line instead of a traceback."""
    from switchyard.kernel.errors import SwitchyardError

    try:
        app(standalone_mode=True)
    except SwitchyardError as exc:
        console.print(f"[red]error[/] {exc.code}: {exc.detail}")
        for error in exc.errors:
            console.print(f"  {error.field or '-'}: {error.message} ({error.code})")
        raise SystemExit(2) from exc
