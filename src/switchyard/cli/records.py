"""Reading master-data records from JSON or CSV files for the import commands.

JSON: a list of objects or ``{"items": [...]}``. CSV: one record per row; a header such as
``address.city`` fills a nested field, a header with a colon (``price:web:EUR``) is kept
whole, and a cell starting with ``[`` or ``{`` is read as JSON.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import typer

Rows = list[dict[str, Any]]


def read_records(path: Path, fmt: str | None) -> Rows:
    """Records from a JSON or CSV file, as dicts shaped like the API's request bodies."""
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt == "json":
        data = json.loads(path.read_text(encoding="utf-8"))
        items = data.get("items") if isinstance(data, dict) else data
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise typer.BadParameter('JSON must be a list of objects or {"items": [...]}')
        return items
    if fmt != "csv":
        raise typer.BadParameter(f"unknown format '{fmt}': use json or csv")
    with path.open(newline="", encoding="utf-8-sig") as f:
        return [_from_row(row) for row in csv.DictReader(f)]


def _from_row(row: dict[str, str | None]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for header, cell in row.items():
        if not header or cell is None or not cell.strip():
            continue
        value: Any = cell.strip()
        if value[0] in "[{":
            value = json.loads(value)
        *parents, leaf = [header] if ":" in header else header.strip().split(".")
        target = record
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = value
    return record
