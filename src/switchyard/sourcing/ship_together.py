"""Lines an order asks to ship together (``attributes.ship_together``), as engine kits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def kits_of(
    attributes: dict[str, Any], lines: Sequence[tuple[str, str, str, int]]
) -> tuple[tuple[str, ...], ...]:
    """``attributes.ship_together``: groups of SKU codes (or line numbers) that must ship
    together; groups are cut to the lines being sourced and may not overlap."""
    groups = attributes.get("ship_together") if attributes else None
    if not isinstance(groups, list):
        return ()
    taken: set[str] = set()
    kits = []
    for group in groups:
        if not isinstance(group, list):
            continue
        wanted = {str(g) for g in group}
        ids = [
            line_id
            for line_id, code, line_no, _ in lines
            if (code in wanted or line_no in wanted) and line_id not in taken
        ]
        if len(ids) > 1:
            kits.append(tuple(ids))
            taken.update(ids)
    return tuple(kits)
