"""Templates to messages: Jinja2 (autoescape on for HTML) with an HTML and a plain-text
part per trigger and locale, dates and money with babel in the customer's locale and time
zone, and the CSS inlined (css-inline) so mail clients render it.

Templates live in ``notifications/templates/<locale>/<trigger>.html`` and ``.txt`` (the
subject is the ``subject`` block of the text part). A directory named by
``SWITCHYARD_NOTIFICATION_TEMPLATES`` is searched first, so a deployment overrides any of
them, per locale, by putting a file of the same name there.

No database here: ``render`` takes the view ``content.py`` built.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import css_inline
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, select_autoescape

from switchyard.notifications.domain import DEFAULT_LOCALE, LOCALES

OVERRIDES_ENV = "SWITCHYARD_NOTIFICATION_TEMPLATES"
DEFAULT_COLOR = "#1f4e79"


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str
    html: str


@cache
def environment(overrides: str | None) -> Environment:
    loaders: list[Any] = [PackageLoader("switchyard.notifications", "templates")]
    if overrides:
        loaders.insert(0, FileSystemLoader(overrides))
    return Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@cache
def _inliner() -> css_inline.CSSInliner:
    return css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)


class Formats:
    """Dates, times and money in one locale and time zone."""

    def __init__(self, locale: str, time_zone: str) -> None:
        self.locale = locale
        self.zone = ZoneInfo(time_zone)

    def money(self, amount: Decimal | str | int | None, currency: str) -> str:
        if amount is None:
            return ""
        return str(format_currency(Decimal(str(amount)), currency, locale=self.locale))

    def day(self, value: date | datetime | str | None) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, str):
            value = date.fromisoformat(value[:10])
        if isinstance(value, datetime):
            value = value.astimezone(self.zone).date()
        return str(format_date(value, format="long", locale=self.locale))

    def when(self, value: datetime | str | None) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return str(format_datetime(value, format="medium", tzinfo=self.zone, locale=self.locale))


def render(trigger: str, locale: str, time_zone: str, view: dict[str, Any]) -> Rendered:
    """The message for ``trigger`` in ``locale``; ``view`` as ``content.view`` builds it."""
    env = environment(os.environ.get(OVERRIDES_ENV) or None)
    lang = locale if locale in LOCALES else DEFAULT_LOCALE
    fmt = Formats(lang, time_zone)
    brand = view.get("brand") or {}
    context = {
        **view,
        "money": fmt.money,
        "day": fmt.day,
        "when": fmt.when,
        "color": brand.get("color") or DEFAULT_COLOR,
        "locale": lang,
    }
    text_template = env.get_template(f"{lang}/{trigger}.txt")
    subject = "".join(text_template.blocks["subject"](text_template.new_context(context)))
    text = text_template.render(context)
    html = env.get_template(f"{lang}/{trigger}.html").render(context)
    return Rendered(" ".join(subject.split()), text, _inliner().inline(html))
