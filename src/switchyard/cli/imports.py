"""``switchyard import orders FILE``: a CSV, X12, EDIFACT or Shopify file into orders."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from switchyard.cli.context import open_database
from switchyard.integrations import pipeline
from switchyard.kernel.events import Actor

app = typer.Typer(help="Import orders from other systems.", no_args_is_help=True)
console = Console()


@app.command("orders")
def orders(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    format: str = typer.Option(..., "--format", help="csv, x12, edifact or shopify"),
    channel: str | None = typer.Option(None, "--channel", help="channel code (else the partner's)"),
    partner: str | None = typer.Option(None, "--partner", help="partner code"),
    atomic: bool = typer.Option(False, "--atomic", help="reject the whole file on any error"),
) -> None:
    """Store the file, place each order through the normal use case and print a report;
    exit status 1 when any order (or the file) was rejected."""
    db = open_database()
    try:
        with Progress(
            TextColumn("[bold]importing"), BarColumn(), MofNCompleteColumn(), console=console
        ) as bar:
            task = bar.add_task("orders", total=None)
            result = pipeline.import_message(
                db,
                Actor.system("cli"),
                format_=format,
                source="cli",
                open_raw=lambda: file.open("rb"),
                filename=file.name,
                partner=partner,
                channel=channel,
                atomic=atomic,
                on_order=lambda n: bar.update(task, completed=n),
            )
    finally:
        db.engine.dispose()
    counts = result["counts"]
    note = (
        " (the same file was imported before: nothing placed again)" if result["duplicate"] else ""
    )
    console.print(f"import {result['id']}: {result['status']}{note} {counts}")
    for problem in result["errors"]:
        console.print(f"[red]{problem['field']}[/red]: {problem['message']}")
    rejected = [o for o in result["orders"] if o["status"] == "rejected"]
    if rejected:
        table = Table("order", "where", "error")
        for o in rejected:
            for e in o["errors"]:
                table.add_row(str(o["external_id"]), e["field"], e["message"])
        console.print(table)
    if result["status"] != "placed":
        raise typer.Exit(1)
