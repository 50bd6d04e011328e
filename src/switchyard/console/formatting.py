"""How the console writes money, times and errors for a person: money with babel in the
channel's locale, times in the viewer's time zone, error codes in words."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.numbers import format_currency, format_decimal
from fastapi import Request
from jinja2 import Environment

from switchyard.kernel.errors import SwitchyardError

if TYPE_CHECKING:
    from switchyard.staff.service import StaffSession

TZ_COOKIE = "sy_tz"  # the browser's zone (console.js sets it), used before the profile's
DEFAULT_LOCALE = "en_GB"


def _zone(name: str | None) -> ZoneInfo | None:
    if not name or len(name) > 64:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def time_zone(request: Request, staff: StaffSession | None) -> str:
    for name in (request.cookies.get(TZ_COOKIE), staff.user.time_zone if staff else None):
        if _zone(name) is not None:
            assert name is not None
            return name
    return "UTC"


def when(value: datetime | str | None, tz: str, style: str = "datetime") -> str:
    """``2026-12-04 21:07`` in the viewer's zone (``style``: datetime, date, time)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    zone = _zone(tz) or ZoneInfo("UTC")
    local = value.astimezone(zone) if value.tzinfo else value
    if style == "date":
        return f"{local:%a %d %b %Y}"
    if style == "time":
        return f"{local:%H:%M}"
    return f"{local:%d %b %Y, %H:%M}"


def day(value: date | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    return f"{value:%a %d %b %Y}"


def money(
    amount: Decimal | str | int | float | None, currency: str | None, locale: str | None = None
) -> str:
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except ArithmeticError:
        return str(amount)
    try:
        return format_currency(
            value, currency or "EUR", locale=(locale or DEFAULT_LOCALE).replace("-", "_")
        )
    except (ValueError, LookupError):
        return f"{value} {currency or ''}".strip()


def number(value: Any, locale: str | None = None) -> str:
    if value is None:
        return ""
    try:
        return format_decimal(value, locale=(locale or DEFAULT_LOCALE).replace("-", "_"))
    except (ValueError, LookupError, ArithmeticError):
        return str(value)


def words(code: str) -> str:
    """``insufficient_stock`` → ``Insufficient stock``."""
    text = code.replace("_", " ").replace(".", " ").strip()
    return text[:1].upper() + text[1:]


def error_sentence(exc: SwitchyardError) -> str:
    """The API's detail as a sentence (it already speaks in words)."""
    detail = exc.detail.strip() or words(exc.code)
    detail = detail[:1].upper() + detail[1:]
    return detail if detail.endswith((".", "?", "!")) else detail + "."


def install(env: Environment) -> None:
    env.filters["money"] = money
    env.filters["number"] = number
    env.filters["words"] = words
    env.filters["day"] = day
    env.globals["when"] = when
