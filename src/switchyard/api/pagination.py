"""Cursor pagination: opaque cursors over a stable sort key, never offsets."""

from __future__ import annotations

import base64
import json
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

from switchyard.kernel.errors import FieldError, ValidationFailed

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> list[Any] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed(
            "invalid_cursor",
            "the cursor is not one this API returned",
            [FieldError("query.cursor", "invalid_cursor", "malformed cursor")],
        ) from exc
    if not isinstance(values, list):
        raise ValidationFailed(
            "invalid_cursor",
            "the cursor is not one this API returned",
            [FieldError("query.cursor", "invalid_cursor", "malformed cursor")],
        )
    return values


def page_of(items: list[T], limit: int, key: Any) -> Page[T]:
    """Build a page from up to ``limit + 1`` fetched rows; ``key(item)`` gives the cursor."""
    if len(items) > limit:
        items = items[:limit]
        return Page[T](items=items, next_cursor=encode_cursor(key(items[-1])))
    return Page[T](items=items)


Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="page size")]
Cursor = Annotated[str | None, Query(description="next_cursor from the previous page")]
