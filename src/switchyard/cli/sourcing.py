"""``switchyard sourcing``: compare profiles on real or planned orders, re-optimise.

simulate: replay orders (a JSON file of order bodies, or a channel's orders since a date)
against a profile without changing anything; reoptimize: re-source unreleased
fulfillments jointly (what ``POST /sourcing:reoptimize`` does).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from switchyard.cli.context import cli_actor, open_database
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.errors import SwitchyardError
from switchyard.placement.reoptimize import reoptimize as reoptimize_unreleased
from switchyard.sourcing.simulate import SimulationReport
from switchyard.sourcing.simulation import simulate_orders

app = typer.Typer(help=__doc__, no_args_is_help=True)
console = Console()
T = TypeVar("T")


def _run(use_case: Callable[[UnitOfWork], T], *, read_only: bool = False) -> T:
    db = open_database()
    try:
        return db.run(cli_actor(), use_case, read_only=read_only)
    except SwitchyardError as exc:
        console.print(f"[red]{exc.code}[/]: {exc.detail}")
        for error in exc.errors:
            console.print(f"  {error.field}: {error.message}")
        raise typer.Exit(2) from exc
    finally:
        db.engine.dispose()


def _since(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"'{text}' is not an ISO date or time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _bodies(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise typer.BadParameter(f"cannot read {path}: {exc}") from None
    if not isinstance(data, list) or not all(isinstance(o, dict) for o in data):
        raise typer.BadParameter(f"{path} must hold a JSON list of order bodies")
    return data


@app.command()
def simulate(
    profile: str = typer.Option(..., help="profile version id, or a channel (its profile now)"),
    orders: Path | None = typer.Option(None, help="JSON list of order bodies (POST /orders)"),
    since: str | None = typer.Option(None, help="the channel's stored orders since (ISO date)"),
    mode: str = typer.Option("sequential", help="sequential (as orders arrive) or batch"),
    strategy: str | None = typer.Option(None, help="override the profile's strategy"),
    target_days: int = typer.Option(3, help="days to delivery that count as on time"),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
) -> None:
    """Replay orders against a profile; nothing is reserved or written."""
    if (orders is None) == (since is None):
        raise typer.BadParameter("give exactly one of --orders and --since")
    if mode not in ("sequential", "batch"):
        raise typer.BadParameter("--mode is sequential or batch")
    bodies = _bodies(orders) if orders else None
    start = _since(since) if since else None
    report = _run(
        lambda uow: simulate_orders(
            uow,
            profile,
            bodies=bodies,
            since=start,
            mode=mode,  # type: ignore[arg-type]
            strategy=strategy,
            target_days=target_days,
        ),
        read_only=True,
    )
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2, default=str))
        return
    _print_report(report)


def _print_report(report: SimulationReport) -> None:
    summary = Table(title=f"Simulation: {report.strategy or 'no orders'}", show_header=False)
    rows = [
        ("orders", f"{report.orders:,}"),
        ("total cost", f"{report.total_cost:,.2f} {report.currency}"),
        ("shipments", f"{report.shipments:,}"),
        ("shipments per order", f"{report.shipments_per_order:.3f}"),
        ("split rate", f"{report.split_rate:.1%}"),
        ("average distance", f"{report.average_distance_km:,.0f} km"),
        ("on-time promise rate", f"{report.on_time_rate:.1%}"),
        ("shipped units", f"{report.shipped_units:,}"),
        ("unsourced units", f"{report.unsourced_units:,}"),
        ("capacity violations", str(report.capacity_violations)),
    ]
    for name, value in rows:
        summary.add_row(name, value)
    console.print(summary)
    load = Table(title="Load per location")
    for column in ("location", "shipments", "units", "capacity", "utilisation"):
        load.add_column(column, justify="left" if column == "location" else "right")
    for code, row in sorted(report.location_load.items(), key=lambda kv: -kv[1]["shipments"]):
        if row["shipments"]:
            use = row["utilisation"]
            load.add_row(
                code,
                str(row["shipments"]),
                str(row["units"]),
                "-" if row["capacity"] is None else str(row["capacity"]),
                "-" if use is None else f"{use:.0%}",
            )
    console.print(load)


@app.command()
def reoptimize(
    channel: str | None = typer.Option(None, help="only this channel's orders"),
    dry_run: bool = typer.Option(False, "--dry-run", help="report, change nothing"),
    time_limit: float = typer.Option(20.0, help="seconds for the solver per channel"),
    limit: int = typer.Option(2000, help="unreleased fulfillments considered"),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
) -> None:
    """Re-source unreleased fulfillments jointly; swap them when that is cheaper."""
    report = _run(
        lambda uow: reoptimize_unreleased(
            uow, channel_ref=channel, limit=limit, time_limit=time_limit, dry_run=dry_run
        )
    )
    if as_json:
        typer.echo(json.dumps(report, indent=2, default=str))
        return
    table = Table(title="Re-optimisation" + (" (dry run)" if dry_run else ""))
    for column in ("channel", "orders", "pinned", "changed", "before", "after", "gap", "method"):
        table.add_column(column, justify="left" if column == "channel" else "right")
    for g in report["channels"]:
        table.add_row(
            g["channel_id"],
            str(g["orders"]),
            str(g.get("pinned", 0)),
            str(len(g["changed"])),
            g.get("before", "0"),
            g.get("after", "0"),
            f"{g.get('gap', 0.0):.3%}",
            g.get("method", ""),
        )
    console.print(table)
