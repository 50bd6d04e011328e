"""``switchyard``: serve, migrate, demo data, API keys, inventory checks."""

from __future__ import annotations

import typer
import uvicorn
from rich.console import Console

from switchyard.cli import apikeys
from switchyard.cli.context import open_database
from switchyard.config import Settings

app = typer.Typer(help="Switchyard order management.", no_args_is_help=True)
app.add_typer(apikeys.app, name="apikey")
console = Console()


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
    open_database().engine.dispose()
    uvicorn.run("switchyard.api.asgi:app", host=host, port=port, workers=workers, log_level="info")
