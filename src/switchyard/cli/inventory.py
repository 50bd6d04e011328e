"""``switchyard inventory``: the stock ledger from the command line.

verify (exit code 1 when the ledger disagrees with itself), expire-holds, receive,
adjust, count, transfer, receive-transfer, sync (CSV or JSON file), levels, availability.
SKUs and locations are given by id or code; every command runs the API's use cases.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from switchyard.cli.context import cli_actor, open_database
from switchyard.db.uow import UnitOfWork
from switchyard.inventory import operations, refs, transfers
from switchyard.inventory import service as inventory
from switchyard.inventory.availability import availability
from switchyard.inventory.snapshot import DEFAULT_MAX_REMOVAL_RATIO
from switchyard.inventory.sync import sync_stock
from switchyard.inventory.verify import verify as verify_ledger
from switchyard.kernel.errors import SwitchyardError

app = typer.Typer(help=__doc__, no_args_is_help=True)
console = Console()
T = TypeVar("T")
# Per-SKU changes a dry run prints (the API answers up to snapshot.CHANGES_SHOWN).
CLI_CHANGES_SHOWN = 50


def _run(use_case: Callable[[UnitOfWork], T], *, read_only: bool = False) -> T:
    """Run a use case; a refused one prints its problem and exits with code 2."""
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


def _lines(specs: list[str]) -> list[tuple[str, int]]:
    """``SKU:QTY`` arguments."""
    lines = []
    for spec in specs:
        sku, sep, qty = spec.rpartition(":")
        if not sep or not qty.lstrip("-").isdigit():
            raise typer.BadParameter(f"'{spec}' is not SKU:QUANTITY")
        lines.append((sku, int(qty)))
    return lines


@app.command()
def verify() -> None:
    """Check balances against movements and reservations; exit 1 on any difference."""
    found = _run(verify_ledger, read_only=True)
    if not found:
        console.print("[green]ledger is consistent[/]")
        return
    table = Table("check", "sku", "where", "expected", "actual")
    for d in found:
        where = d.get("location_id") or d.get("supply_line_id") or ""
        table.add_row(d["check"], d["sku_id"], where, str(d["expected"]), str(d["actual"]))
    console.print(table)
    console.print(f"[red]{len(found)} difference(s)[/]")
    raise typer.Exit(1)


@app.command("expire-holds")
def expire_holds(limit: int = typer.Option(1000, help="most holds to release in one go")) -> None:
    """Release reservations whose expiry has passed."""
    count = _run(lambda uow: inventory.expire_holds(uow, limit=limit))
    console.print(f"released {count} expired reservation(s)")


@app.command()
def receive(sku: str, location: str, quantity: int, reference: str = typer.Option(None)) -> None:
    """Book a receipt of QUANTITY units."""

    def use_case(uow: UnitOfWork) -> Any:
        pair = refs.sku_id(uow, sku), refs.location_id(uow, location)
        return inventory.receive(uow, *pair, quantity, reference)

    level = _run(use_case)
    console.print(
        f"on hand {level.on_hand}, reserved {level.reserved}, available {level.available}"
    )


@app.command()
def adjust(
    sku: str,
    location: str,
    quantity: int = typer.Argument(..., help="signed change (put -- before a negative one)"),
    reason: str = typer.Option(..., help="why: damaged, found, ..."),
) -> None:
    """Add or remove units for a reason."""

    def use_case(uow: UnitOfWork) -> Any:
        pair = refs.sku_id(uow, sku), refs.location_id(uow, location)
        return operations.adjust(uow, *pair, quantity, reason)

    level = _run(use_case)
    console.print(f"on hand {level.on_hand}, available {level.available}")


@app.command()
def count(sku: str, location: str, counted: int) -> None:
    """Record a cycle count: on hand becomes COUNTED, the difference is logged."""

    def use_case(uow: UnitOfWork) -> Any:
        pair = refs.sku_id(uow, sku), refs.location_id(uow, location)
        return operations.cycle_count(uow, *pair, counted)

    level, diff = _run(use_case)
    console.print(f"on hand {level.on_hand} (difference {diff:+d})")


@app.command()
def transfer(
    source: str,
    target: str,
    lines: list[str] = typer.Argument(..., help="SKU:QUANTITY ..."),
    eta: datetime = typer.Option(None, help="expected arrival (ISO 8601, with offset)"),
) -> None:
    """Ship stock from SOURCE to TARGET (in transit until received)."""
    specs = _lines(lines)

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        ids = refs.sku_ids(uow, [s for s, _ in specs], "lines.{i}.sku")
        pairs = list(zip(ids, [q for _, q in specs], strict=True))
        src, dst = refs.location_id(uow, source), refs.location_id(uow, target)
        return transfers.create_transfer(uow, src, dst, pairs, eta=eta)

    console.print(f"transfer {_run(use_case)['id']} in transit")


@app.command("receive-transfer")
def receive_transfer(transfer_id: str) -> None:
    """Receive everything still in transit on a transfer."""
    row = _run(lambda uow: transfers.receive_transfer(uow, transfer_id))
    console.print(f"transfer {row['id']} {row['status']}")


def _read_items(path: Path) -> list[tuple[str, int]]:
    """CSV with ``sku,quantity`` columns, or JSON: a list of {"sku", "quantity"}."""
    if path.suffix.lower() == ".json":
        rows = json.loads(path.read_text())
    else:
        with path.open(newline="") as f:
            rows = list(csv.DictReader(f))
    try:
        return [(str(r["sku"]), int(r["quantity"])) for r in rows]
    except (KeyError, ValueError, TypeError) as exc:
        raise typer.BadParameter(f"{path}: every row needs sku and an integer quantity") from exc


@app.command()
def sync(
    location: str,
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV or JSON"),
    mode: str = typer.Option("full", help="full snapshot or delta"),
    scope: str = typer.Option(
        None,
        help="full mode, required: 'location' (SKUs the file omits become 0) or 'listed' "
        "(only the SKUs in the file change)",
    ),
    as_of: datetime = typer.Option(None, help="when the snapshot was taken (with offset)"),
    reference: str = typer.Option(None, help="your document number, on every movement"),
    dry_run: bool = typer.Option(False, "--dry-run", help="show what would change, change nothing"),
    force: bool = typer.Option(False, "--force", help="apply even if it removes too much stock"),
    max_removal_ratio: float = typer.Option(
        DEFAULT_MAX_REMOVAL_RATIO,
        help="refuse a full snapshot taking away more than this share of the location's "
        "on-hand units or SKUs in stock (without --force)",
    ),
) -> None:
    """Apply a stock snapshot (or deltas) from a WMS/ERP/POS export file."""
    items = _read_items(file)

    def use_case(uow: UnitOfWork) -> Any:
        ids = refs.sku_ids(uow, [s for s, _ in items], "items.{i}.sku")
        rows = list(zip(ids, [q for _, q in items], strict=True))
        return sync_stock(
            uow,
            refs.location_id(uow, location),
            rows,
            mode=mode,
            scope=scope,
            as_of=as_of,
            reference=reference,
            dry_run=dry_run,
            force=force,
            max_removal_ratio=max_removal_ratio,
        )

    result = _run(use_case, read_only=dry_run)
    if dry_run:
        table = Table("sku", "before", "after", title="Stock sync (dry run: nothing changed)")
        for change in result.changes[:CLI_CHANGES_SHOWN]:
            table.add_row(change.sku, str(change.before), str(change.after))
        console.print(table)
        more = result.changed - min(len(result.changes), CLI_CHANGES_SHOWN)
        if more > 0:
            console.print(f"... and {more} more")
    console.print(
        ("dry run, nothing changed: " if dry_run else "")
        + f"{result.rows} rows: {result.changed} changed ({result.created} new), "
        f"{result.unchanged} unchanged, +{result.units_added}/-{result.units_removed} units"
    )


@app.command("availability")
def show_availability(
    skus: list[str] = typer.Argument(..., help="SKU ids or codes"),
    channel: str = typer.Option(None, help="channel id or code"),
) -> None:
    """Available to promise per SKU and location."""

    def use_case(uow: UnitOfWork) -> list[dict[str, Any]]:
        chan = refs.channel_id(uow, channel) if channel else None
        return availability(uow, skus, channel_id=chan)

    table = Table("sku", "location", "on hand", "reserved", "available")
    for item in _run(use_case, read_only=True):
        for loc in item["locations"]:
            table.add_row(
                item["sku"],
                loc["location_code"],
                str(loc.get("on_hand", "")),
                str(loc.get("reserved", "")),
                str(loc["available"]),
            )
        table.add_row(item["sku"], "[bold]total[/]", "", "", f"[bold]{item['available']}[/]")
    console.print(table)
