"""Reading the inventory forms: what a person typed, checked by the API's own request
models (the same bounds and lengths as ``/api/v1/inventory``), each problem in words
beside the field it is about."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from switchyard.kernel.errors import FieldError, ValidationFailed

M = TypeVar("M", bound=BaseModel)
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


def form_values(form: FormData, prefix: str) -> dict[str, str]:
    """The form's text fields of one action (named ``<prefix>_...``), trimmed."""
    return {
        key: value.strip()
        for key, value in form.multi_items()
        if key.startswith(prefix + "_") and isinstance(value, str)
    }


def _message(error: Mapping[str, Any]) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing":
        return "Required."
    if kind in ("int_parsing", "int_from_float", "int_type", "number_expected"):
        return "Enter a whole number, like 5."
    if kind == "greater_than_equal":
        return f"Enter {ctx.get('ge')} or more."
    if kind == "less_than_equal":
        return f"Enter {ctx.get('le'):,} or less."
    if kind == "string_too_short":
        return "Required."
    if kind == "string_too_long":
        return f"At most {ctx.get('max_length')} characters."
    return str(error.get("msg", "Not valid."))


def _check(count: int) -> str:
    return (
        "check the field marked below" if count == 1 else f"check the {count} fields marked below"
    )


def _unstorable(value: Any, path: str) -> list[FieldError]:
    """Text no database can store (the API's request guard refuses it in JSON bodies)."""
    if isinstance(value, str):
        bad = _BAD_TEXT.search(value) is not None
        return [FieldError(path, "invalid_text", "Remove the control characters.")] if bad else []
    if isinstance(value, dict):
        return [e for k, v in value.items() for e in _unstorable(v, f"{path}.{k}".lstrip("."))]
    if isinstance(value, list):
        return [e for i, v in enumerate(value) for e in _unstorable(v, f"{path}.{i}")]
    return []


def parse(model: type[M], data: dict[str, Any]) -> M:
    """``data`` (blank values left out) as ``model``, or ``ValidationFailed`` naming each
    field by its API path (``quantity``, ``lines.0.quantity``) as the API would."""
    body = {k: v for k, v in data.items() if v not in (None, "")}
    unstorable = _unstorable(body, "")
    if unstorable:
        raise ValidationFailed("invalid_text", _check(len(unstorable)), unstorable)
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        errors = [
            FieldError(".".join(str(p) for p in e["loc"]), e["type"], _message(e))
            for e in exc.errors()
        ]
        raise ValidationFailed("invalid_request", _check(len(errors)), errors) from exc


def day_start(raw: str, tz: str, field: str) -> datetime | None:
    """A date typed in a form (``2026-12-24``) as the start of that day in the viewer's
    zone; None when blank."""
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationFailed(
            "invalid_request",
            _check(1),
            [FieldError(field, "invalid_date", "Enter a date, like 2026-12-24.")],
        ) from exc
    return datetime.combine(day, time(0), ZoneInfo(tz))
