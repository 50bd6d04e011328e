"""Read a restricted-party list in the US Consolidated Screening List (CSL) CSV layout.

The CSL file published by trade.gov has a header row with (among others) ``_id``,
``source``, ``entity_number``, ``type``, ``programs``, ``name``, ``addresses``,
``alt_names``, ``citizenships`` and ``nationalities``. List-valued columns separate items
with ``;``; each address ends with its ISO country code (``..., Moscow, 115035, RU``).
Older files have no ``_id`` column. Only ``name`` is required; unknown columns are ignored.
Pure Python: no database, no web framework.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from switchyard.kernel.errors import FieldError, ValidationFailed

MAX_ROWS = 200_000
MAX_SKIPPED_REPORTED = 50
_COUNTRY = re.compile(r"^[A-Z]{2}$")
# "Name; and any successor, sub-unit, or subsidiary thereof" (State Department lists)
_SUCCESSOR = re.compile(r"^\s*and any successor", re.IGNORECASE)


@dataclass(slots=True)
class ParsedList:
    parties: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    skipped_count: int = 0

    def skip(self, line: int, reason: str) -> None:
        self.skipped_count += 1
        if len(self.skipped) < MAX_SKIPPED_REPORTED:
            self.skipped.append({"line": line, "reason": reason})


def _items(value: str | None) -> list[str]:
    """``a; b ;; c`` -> ``[a, b, c]``; ``[SDGT] [IRGC]`` -> ``[SDGT, IRGC]``."""
    if not value:
        return []
    value = value.replace("] [", ";").replace("[", "").replace("]", "")
    return [item.strip() for item in value.split(";") if item.strip()]


def _clean(value: str | None, limit: int) -> str:
    return (value or "").replace("\x00", "").strip()[:limit]


def _names(raw_name: str, raw_alts: str | None) -> tuple[str, list[str]]:
    parts = [p for p in _items(raw_name) if not _SUCCESSOR.match(p)]
    name = parts[0] if parts else ""
    alts = parts[1:] + [re.sub(r"^and\s+", "", a, flags=re.IGNORECASE) for a in _items(raw_alts)]
    unique = [a[:500] for a in dict.fromkeys(alts) if a and a != name]
    return name[:1000], unique


def _countries(row: dict[str, Any]) -> list[str]:
    found = [a.rsplit(",", 1)[-1].strip() for a in _items(row.get("addresses"))]
    for column in ("citizenships", "nationalities"):
        found += [c.strip() for c in re.split(r"[;,]", row.get(column) or "")]
    return sorted({c for c in found if _COUNTRY.match(c)})


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            "invalid_encoding",
            f"the file is not UTF-8 (byte {exc.start} is not valid)",
            [FieldError("body", "invalid_encoding", "save the CSV as UTF-8")],
        ) from exc


def parse_csl(content: bytes) -> ParsedList:
    """Every party of the file; rows without a name are skipped and reported."""
    reader = csv.DictReader(io.StringIO(_decode(content), newline=""))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if "name" not in header:
        raise ValidationFailed(
            "invalid_csl_header",
            "the first row must be the CSL header, with at least a 'name' column",
            [FieldError("body", "invalid_csl_header", ",".join(header)[:200])],
        )
    reader.fieldnames = header
    parsed = ParsedList()
    try:
        for row in reader:
            line = reader.line_num
            if len(parsed.parties) >= MAX_ROWS:
                raise ValidationFailed("too_many_rows", f"a list holds at most {MAX_ROWS} parties")
            name, alt_names = _names(_clean(row.get("name"), 4000), row.get("alt_names"))
            if not name:
                parsed.skip(line, "no name")
                continue
            parsed.parties.append(
                {
                    "source_id": _clean(
                        row.get("_id") or row.get("id") or row.get("entity_number"), 100
                    ),
                    "source": _clean(row.get("source"), 300),
                    "entity_type": _clean(row.get("type"), 40),
                    "name": name,
                    "alt_names": alt_names,
                    "programs": [p[:200] for p in _items(row.get("programs"))],
                    "countries": _countries(row),
                    "addresses": _clean(row.get("addresses"), 4000),
                }
            )
    except csv.Error as exc:
        raise ValidationFailed(
            "invalid_csv",
            f"the CSV cannot be read at line {reader.line_num}: {exc}",
            [FieldError("body", "invalid_csv", f"line {reader.line_num}")],
        ) from exc
    return parsed
