"""``switchyard jeopardy``: orders at risk of missing their promise.

check: run the worker's jeopardy check now (what is due, or every open fulfillment of the
orders named); list: the at-risk exception view (what ``GET /exceptions/at-risk`` shows).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from switchyard.channels.repository import ChannelRepository
from switchyard.cli.context import cli_actor, open_database
from switchyard.db.uow import UnitOfWork
from switchyard.jeopardy.rules import REASONS
from switchyard.jeopardy.service import BATCH, at_risk_queue, check_due, check_orders
from switchyard.kernel.errors import SwitchyardError

app = typer.Typer(help=__doc__, no_args_is_help=True)
console = Console()
T = TypeVar("T")


def _run(use_case: Callable[[UnitOfWork], T], *, read_only: bool = False) -> T:
    db = open_database()
    try:
        return db.run(cli_actor(), use_case, read_only=read_only)
    except SwitchyardError as exc:
        console.print(f"[red]{exc.code}[/]: {exc.detail}")
        raise typer.Exit(2) from exc
    finally:
        db.engine.dispose()


def _moment(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"'{text}' is not an ISO date or time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@app.command()
def check(
    order: list[str] = typer.Option([], help="check these orders' open fulfillments (ids)"),
    at: str | None = typer.Option(None, help="assess as at this time (ISO 8601) [now]"),
    limit: int = typer.Option(BATCH, help="fulfillments checked at most (without --order)"),
) -> None:
    """Check open fulfillments against their promises; flag, clear, re-source."""
    now = _moment(at)

    def use_case(uow: UnitOfWork) -> dict[str, int]:
        if order:
            return check_orders(uow, order, now=now).as_dict()
        return check_due(uow, now=now, limit=limit)

    for name, count in _run(use_case).items():
        console.print(f"{name}: {count}")


@app.command("list")
def list_at_risk(
    reason: str | None = typer.Option(None, help=f"only this reason: {', '.join(REASONS)}"),
    channel: str | None = typer.Option(None, help="only this channel (code or id)"),
    limit: int = typer.Option(50, help="orders shown"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Orders at risk, the longest at risk first, with their reasons."""
    if reason is not None and reason not in REASONS:
        raise typer.BadParameter(f"--reason is one of {', '.join(REASONS)}")

    def use_case(uow: UnitOfWork) -> list[dict[str, Any]]:
        channel_id = None
        if channel is not None:
            found = uow.repo(ChannelRepository).get(channel)
            if found is None:
                raise typer.BadParameter(f"no channel {channel}")
            channel_id = found["id"]
        return at_risk_queue(uow, reason=reason, channel_id=channel_id, limit=limit)[:limit]

    items = _run(use_case, read_only=True)
    if as_json:
        typer.echo(json.dumps(items, indent=2, default=str))
        return
    table = Table(title=f"Orders at risk ({len(items)})")
    for column in ("order", "external id", "status", "at risk since", "reasons"):
        table.add_column(column)
    for item in items:
        reasons = ", ".join(sorted({r["reason"] for r in item["risks"]}))
        since = item["at_risk_since"].strftime("%Y-%m-%d %H:%M UTC")
        table.add_row(item["order_id"], item["external_id"], item["status"], since, reasons)
    console.print(table)
