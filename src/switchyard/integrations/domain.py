"""The import pipeline's rules: what a parsed message yields, statuses, positions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from switchyard.kernel.errors import FieldError

FORMATS = ("csv", "x12", "edifact", "shopify")
RECEIVED, PARSED, PLACED, PARTIALLY_PLACED, REJECTED = (
    "received",
    "parsed",
    "placed",
    "partially_placed",
    "rejected",
)
STATUSES = (RECEIVED, PARSED, PLACED, PARTIALLY_PLACED, REJECTED)
ORDER_PLACED, ORDER_DUPLICATE, ORDER_REJECTED = "placed", "duplicate", "rejected"
CHUNK_SIZE = 1 << 20


@dataclass(slots=True)
class MappedOrder:
    """One order read from a message: the ``OrderCreate`` body (without ``channel`` when
    the message does not name one), where it was found, and how to position errors that
    name a field of the body (``lines.2.sku`` -> the row or segment it came from)."""

    seq: int
    external_id: str | None
    body: dict[str, Any]
    position: str
    errors: list[FieldError] = field(default_factory=list)
    line_positions: list[str] = field(default_factory=list)
    field_positions: dict[str, str] = field(default_factory=dict)

    def locate(self, path: str) -> str:
        """Where a field path of the body came from (the first match wins)."""
        parts = path.split(".")
        if len(parts) >= 2 and parts[0] == "lines" and parts[1].isdigit():
            index = int(parts[1])
            if index < len(self.line_positions):
                rest = ".".join(parts[2:])
                where = self.line_positions[index]
                column = self.field_positions.get(f"lines.{rest}") if rest else None
                return f"{where}, {column}" if column else where
        for key in (path, parts[0]):
            if key in self.field_positions:
                return self.field_positions[key]
        return self.position

    def positioned(self, errors: Iterable[FieldError]) -> list[FieldError]:
        return [
            FieldError(field=f"{self.locate(e.field)}: {e.field}", code=e.code, message=e.message)
            for e in errors
        ]


@dataclass(slots=True)
class Parsed:
    """What a parser made of a message: its orders, the errors that stop it as a whole
    (an envelope, a header), the acknowledgement to send back, and the sender's id."""

    orders: list[MappedOrder] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)
    warnings: list[FieldError] = field(default_factory=list)
    acknowledgement: str | None = None
    sender: str | None = None


def final_status(orders: int, placed: int, rejected: int, message_errors: bool) -> str:
    """placed: every order placed (or found placed before, ``placed`` counts both);
    rejected: none, or the message as a whole; partially_placed: some of them."""
    if message_errors or orders == 0 or placed == 0:
        return REJECTED
    return PLACED if rejected == 0 else PARTIALLY_PLACED


def error(where: str, code: str, message: str) -> FieldError:
    return FieldError(field=where, code=code, message=message)
