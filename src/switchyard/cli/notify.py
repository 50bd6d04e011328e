"""``switchyard notify``: preview a notification, see what the local catch-all caught."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from switchyard.cli.context import open_database
from switchyard.config import Settings
from switchyard.kernel.events import Actor
from switchyard.notifications import catch_all
from switchyard.notifications.domain import TRIGGERS
from switchyard.notifications.service import preview as render_preview

app = typer.Typer(help="Customer notifications (emails).", no_args_is_help=True)
console = Console()


@app.command()
def preview(
    trigger: str = typer.Option(..., help=f"one of: {', '.join(TRIGGERS)}"),
    order: str = typer.Option(..., help="the order id (ord_...)"),
    fulfillment: str | None = typer.Option(None, help="for shipped, delivered, ready_for_pickup"),
    part: str = typer.Option("text", help="text, html or both"),
) -> None:
    """Render a trigger's message against a real order (nothing is sent)."""
    settings = Settings.from_env()
    db = open_database(settings)
    try:
        found = db.run(
            Actor.system("cli"),
            lambda uow: render_preview(uow, settings, trigger, order, fulfillment),
            read_only=True,
        )
    finally:
        db.engine.dispose()
    typer.echo(f"To: {found['recipient'] or '(no email)'}")
    typer.echo(f"From: {found['sender']}")
    typer.echo(f"Subject: {found['subject']}")
    typer.echo(f"Locale: {found['locale']} ({found['time_zone']})\n")
    if part in ("text", "both"):
        typer.echo(found["text"])
    if part in ("html", "both"):
        typer.echo(found["html"])


@app.command()
def outbox(
    directory: Path = typer.Option(catch_all.DEFAULT_DIR, help="where the catch-all writes"),
    limit: int = typer.Option(30, help="newest messages to list"),
) -> None:
    """List the messages the local catch-all SMTP server (``switchyard run``) caught."""
    caught = catch_all.outbox(directory, limit)
    if not caught:
        typer.echo(f"no messages in {directory}/ (switchyard run starts the catch-all)")
        return
    table = Table("date", "to", "subject", "file")
    for c in caught:
        table.add_row(c.date, c.to, c.subject, c.path.name)
    console.print(table)
    typer.echo(f"{len(list(directory.glob('*.eml')))} message(s) in {directory}/")


@app.command("catch-all")
def catch_all_server(
    host: str = typer.Option("localhost", help="address to listen on"),
    port: int = typer.Option(8025, help="port to listen on"),
    directory: Path = typer.Option(catch_all.DEFAULT_DIR, help="where to write .eml files"),
) -> None:
    """Run the local catch-all SMTP server until Ctrl-C (every message into a file)."""
    controller = catch_all.start(host, port, directory)
    typer.echo(f"catching mail on {host}:{port} into {directory}/; Ctrl-C to stop")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()
