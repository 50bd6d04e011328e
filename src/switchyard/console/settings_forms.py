"""What the settings pages share: reading a form into the API's request schema (so a
setting is checked by the same rules as over HTTP), JSON text areas, lists typed as text,
cursor pages and the flash messages after a change.

A form's field names are the API's field paths (``address.city``), so the errors a
schema or a use case names land beside the right input without a mapping.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError
from starlette.datastructures import ImmutableMultiDict

from switchyard.api.pagination import decode_cursor, encode_cursor
from switchyard.kernel.errors import FieldError, ValidationFailed

M = TypeVar("M", bound=BaseModel)
Fields = ImmutableMultiDict[str, Any]  # a form or the query string
PAGE_SIZE = 50
MAX_TEXT = 20_000

# ``?done=<key>``: the sentence shown after a change (never text taken from the URL).
DONE = {
    "user_created": "The user was created. They can sign in now.",
    "user_changed": "The user's role and details were saved.",
    "password_reset": "The password was reset: the account is unlocked and every session ended.",
    "user_disabled": "The account was disabled and its sessions ended.",
    "user_enabled": "The account was enabled.",
    "key_revoked": "The API key was revoked: it no longer works.",
    "saved": "Saved.",
    "activated": "This version is now the channel's active profile.",
    "created": "Created.",
    "deleted": "Deleted.",
    "retried": "The delivery is queued: a worker will send it again shortly.",
}


def flash(request: Request) -> str:
    return DONE.get(request.query_params.get("done", ""), "")


def text(form: Fields, name: str, limit: int = MAX_TEXT) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def optional(form: Fields, name: str, limit: int = MAX_TEXT) -> str | None:
    """The field's text, or None when left empty."""
    return text(form, name, limit) or None


def checked(form: Fields, name: str) -> bool:
    return form.get(name) in ("on", "true", "1", "yes")


def ticked(form: Fields, name: str) -> list[str]:
    """Every ticked box of a group of checkboxes sharing ``name``."""
    return [v.strip()[:200] for v in form.getlist(name) if isinstance(v, str) and v.strip()]


def words_list(form: Fields, name: str) -> list[str]:
    """A list typed as text: separated by commas, spaces or new lines."""
    raw = text(form, name).replace(",", " ").split()
    return list(dict.fromkeys(raw))[:500]


def json_value(form: Fields, name: str, *, default: Any = None) -> Any:
    """A JSON document typed in a text area; invalid JSON is a field error."""
    raw = text(form, name)
    if not raw:
        return default
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise ValidationFailed(
            "invalid_json",
            f"the {name.replace('_', ' ')} are not valid JSON",
            [FieldError(name, "invalid_json", f"not valid JSON: {exc}")],
        ) from exc


def pretty(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, default=str, ensure_ascii=False)


def number(form: Fields, name: str) -> int | float | str | None:
    """A number typed in a field: an int or float, or the text as typed (the schema then
    names the field), or None when empty."""
    raw = text(form, name, 40)
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        pass
    try:
        return float(raw.replace(",", "."))
    except ValueError:
        return raw


def version(form: Fields, name: str = "version") -> int | None:
    raw = text(form, name, 20)
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _path(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc)


def parse(model: type[M], values: Mapping[str, Any]) -> M:
    """The values through the API's schema; its complaints as field errors."""
    try:
        return model.model_validate(dict(values))
    except ValidationError as exc:
        errors = [
            FieldError(_path(e["loc"]), e["type"], str(e["msg"]).removeprefix("Value error, "))
            for e in exc.errors()
        ]
        raise ValidationFailed(
            "invalid_request", f"{len(errors)} field(s) are invalid", errors
        ) from exc


@dataclass(frozen=True)
class Listing:
    """One page of a list and the cursor of the next."""

    items: list[dict[str, Any]]
    next_cursor: str | None = None


def after_id(request: Request) -> str | None:
    values = decode_cursor(request.query_params.get("cursor") or None)
    return str(values[0]) if values else None


def listing(
    rows: list[dict[str, Any]],
    limit: int = PAGE_SIZE,
    key: Callable[[dict[str, Any]], str] = lambda r: str(r["id"]),
) -> Listing:
    """``rows``: up to ``limit + 1`` fetched rows (the extra one says there are more)."""
    if len(rows) > limit:
        rows = rows[:limit]
        return Listing(rows, encode_cursor([key(rows[-1])]))
    return Listing(rows)
