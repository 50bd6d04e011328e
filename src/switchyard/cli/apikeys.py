from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from switchyard.auth.repository import ApiKeyRepository
from switchyard.auth.service import create_api_key, revoke_api_key
from switchyard.cli.context import cli_actor, open_database

app = typer.Typer(help="API keys: create, list, revoke.", no_args_is_help=True)
console = Console()


@app.command("create")
def create(
    name: str = typer.Option(..., "--name", help="who or what uses the key"),
    scopes: str = typer.Option(
        "admin", "--scopes", help="comma-separated, e.g. orders:read,orders:write"
    ),
    locations: str = typer.Option(
        "", "--locations", help="comma-separated location codes the key is restricted to"
    ),
) -> None:
    """Create an API key and print it (it is shown this once)."""
    db = open_database()
    scope_list = [s.strip() for s in scopes.split(",") if s.strip()]
    loc_list = [s.strip() for s in locations.split(",") if s.strip()] or None
    row, raw = db.run(cli_actor(), lambda uow: create_api_key(uow, name, scope_list, loc_list))
    console.print(f"[bold]{row['name']}[/] ({row['id']}) scopes: {', '.join(row['scopes'])}")
    typer.echo(raw)


@app.command("list")
def list_keys() -> None:
    """List API keys (never their secrets)."""
    db = open_database()
    rows = db.run(cli_actor(), lambda uow: uow.repo(ApiKeyRepository).list(), read_only=True)
    table = Table("id", "name", "prefix", "scopes", "locations", "revoked")
    for r in rows:
        table.add_row(
            r["id"],
            r["name"],
            r["prefix"],
            ", ".join(r["scopes"]),
            ", ".join(r["location_ids"] or []) or "all",
            r["revoked_at"].isoformat() if r["revoked_at"] else "",
        )
    console.print(table)


@app.command("revoke")
def revoke(key_id: str) -> None:
    """Revoke a key by id."""
    db = open_database()
    db.run(cli_actor(), lambda uow: revoke_api_key(uow, key_id))
    console.print(f"revoked {key_id}")
