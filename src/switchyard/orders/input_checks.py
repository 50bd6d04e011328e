"""Input no database can store, caught before anything is written. Pure Python.

JSON allows strings with NUL characters or unpaired UTF-16 surrogates (``"\\ud800"``) and
Python's parser accepts ``NaN``; PostgreSQL refuses all three. Amounts are bounded so
that a total always fits the exact integer column (``db.types.Amount``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from switchyard.kernel.errors import FieldError, ValidationFailed

MAX_AMOUNT = Decimal(10) ** 12
MAX_ATTRIBUTES_BYTES = 16_384


_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
_NOT_FINITE = (float("inf"), float("-inf"))


def _bad_text(value: str) -> bool:
    return _BAD_TEXT.search(value) is not None


def _walk(value: Any, path: tuple[Any, ...]) -> Iterator[FieldError]:
    """Errors under ``value``; the path is joined only for an error (most input has none)."""
    if isinstance(value, str):
        if _bad_text(value):
            yield FieldError(
                _dotted(path), "invalid_text", "NUL characters and lone surrogates not allowed"
            )
    elif isinstance(value, float):
        if value != value or value in _NOT_FINITE:
            yield FieldError(_dotted(path), "not_finite", "numbers must be finite")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str) and _bad_text(key):
                yield FieldError(_dotted(path), "invalid_text", "a key has characters not allowed")
            if item is not None and not isinstance(item, int | Decimal):
                yield from _walk(item, (*path, key))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _walk(item, (*path, i))


def _dotted(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in path)


def require_storable(data: Mapping[str, Any], prefix: str = "") -> None:
    """Raise 422 ``invalid_text`` naming every field a database could not store."""
    errors = list(_walk(data, (prefix,) if prefix else ()))
    if errors:
        raise ValidationFailed("invalid_text", "some fields cannot be stored", errors)


def check_attributes(value: dict[str, Any]) -> dict[str, Any]:
    """Custom attributes: a JSON object of at most 16 KiB (a pydantic field validator)."""
    try:
        size = len(json.dumps(value, allow_nan=False, default=str).encode())
    except ValueError as exc:
        raise ValueError("attributes must be finite JSON values") from exc
    if size > MAX_ATTRIBUTES_BYTES:
        raise ValueError(f"attributes are limited to {MAX_ATTRIBUTES_BYTES} bytes of JSON")
    return value


def require_amounts_fit(amounts: Mapping[str, Decimal]) -> None:
    """Every computed amount (line totals, the order total) below ``MAX_AMOUNT``."""
    errors = [
        FieldError(at, "amount_too_large", f"amounts are limited to {MAX_AMOUNT:,}")
        for at, amount in amounts.items()
        if abs(amount) >= MAX_AMOUNT
    ]
    if errors:
        raise ValidationFailed("amount_too_large", "an amount is too large", errors)
