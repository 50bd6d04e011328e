"""``switchyard demo`` and ``switchyard run``: demo data and a one-command local server."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import typer
import uvicorn
from aiosmtpd.controller import Controller
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from switchyard.auth.service import authenticate, create_api_key
from switchyard.cli.context import open_database
from switchyard.config import Settings
from switchyard.db.uow import Database
from switchyard.demo import loader
from switchyard.demo.users import PASSWORD as DEMO_PASSWORD
from switchyard.demo.users import ensure_demo_users
from switchyard.kernel.events import Actor
from switchyard.notifications import catch_all

console = Console()
KEY_FILE = Path("var/admin-api-key")


def load_demo(db: Database, orders: int) -> None:
    with Progress(
        TextColumn("{task.description:>10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as bar:

        def progress(label: str, total: int) -> Iterator[int]:
            task = bar.add_task(label, total=total)
            for i in range(total):
                yield i
                bar.advance(task)

        counts = loader.load(db, progress, orders_count=orders)
    summary = ", ".join(f"{v} {k}" for k, v in counts.items())
    console.print(f"demo loaded: {summary}", soft_wrap=True)


def demo(orders: int = typer.Option(300, help="how many demo orders to place")) -> None:
    """Load the demo retailer: channels with their sellers, ~10 locations, a few hundred
    SKUs and kits, stock, carriers, pick slots, compliance lists and orders."""
    db = open_database()
    if loader.already_loaded(db):
        console.print("the demo data is already loaded")
    else:
        load_demo(db, orders)
    for email, role in ensure_demo_users(db):
        console.print(f"console user {email} ({role}), password {DEMO_PASSWORD}")


def _admin_key(db: Database) -> str:
    """The local admin key kept in var/ (created on first run; recreated if revoked)."""
    actor = Actor.system("make run")
    if KEY_FILE.exists():
        raw = KEY_FILE.read_text().strip()
        if db.run(actor, lambda uow: authenticate(uow, raw), read_only=True) is not None:
            return raw
    _, raw = db.run(actor, lambda uow: create_api_key(uow, "local admin (make run)", ["admin"]))
    KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
    KEY_FILE.write_text(raw + "\n")
    os.chmod(KEY_FILE, 0o600)
    return raw


def _catch_all(settings: Settings) -> Controller | None:
    """The local catch-all SMTP server, unless SMTP points elsewhere (SWITCHYARD_SMTP_HOST)."""
    if "SWITCHYARD_SMTP_HOST" in os.environ:
        where = f"{settings.smtp_host}:{settings.smtp_port}"
        typer.echo(f"  mail      to {where} (SWITCHYARD_SMTP_*)\n")
        return None
    try:
        controller = catch_all.start(settings.smtp_host, settings.smtp_port, catch_all.DEFAULT_DIR)
    except (OSError, RuntimeError) as exc:
        typer.echo(f"  mail      catch-all not started on port {settings.smtp_port}: {exc}\n")
        return None
    typer.echo(
        f"  mail      caught on {settings.smtp_host}:{settings.smtp_port} into "
        f"{catch_all.DEFAULT_DIR}/ (nothing leaves this machine): switchyard notify outbox\n"
    )
    return controller


def run(
    host: str = typer.Option("127.0.0.1", help="address to listen on"),
    port: int = typer.Option(8000, help="port to listen on"),
) -> None:
    """Migrate, load the demo on first run, print the URL and an admin key, and serve, with
    a worker process beside the server (webhooks from the outbox, housekeeping)."""
    settings = Settings.from_env()
    db = open_database(settings)
    if not loader.already_loaded(db):
        load_demo(db, 300)
    key = _admin_key(db)
    staff = ensure_demo_users(db)
    db.engine.dispose()
    url = f"http://{host}:{port}"
    console.print(f"\n[bold green]Switchyard[/] on {settings.database_url}")
    # plain echo, not Rich: a terminal-width wrap would break the key and the command
    typer.echo(f"  console   {url}/console")
    typer.echo(f"  sign in   {staff[0][0]} / {DEMO_PASSWORD}   (every demo user has this password)")
    for email, role in staff[1:]:
        typer.echo(f"            {email:<30} {role}")
    typer.echo(f"  API       {url}/api/v1   (API docs: {url}/docs)")
    typer.echo(f"  admin key {key}")
    typer.echo(f"  shell     export PORT={port} KEY={key}   (the README's curl flow uses them)")
    typer.echo(f"  try       curl -H 'Authorization: Bearer {key}' '{url}/api/v1/orders?limit=2'")
    typer.echo("  worker    webhooks, emails and housekeeping run in a worker process beside it")
    catcher = _catch_all(settings)
    worker = subprocess.Popen(
        [sys.executable, "-c", "from switchyard.cli.main import main; main()", "worker"],
        env={**os.environ, "SWITCHYARD_PUBLIC_URL": os.environ.get("SWITCHYARD_PUBLIC_URL", url)},
    )
    try:
        uvicorn.run("switchyard.api.asgi:app", host=host, port=port, log_level="info")
    finally:
        if catcher is not None:
            catcher.stop()
        worker.terminate()  # SIGTERM: in-flight deliveries finish
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
