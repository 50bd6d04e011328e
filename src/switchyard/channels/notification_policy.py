"""Which customer notifications a channel sends, and how they look (pure rules).

Channel setting ``settings.notifications`` (every key optional; see
docs/notifications.md):

* ``enabled`` (default true): false sends none of the channel's notifications;
* ``triggers``: ``{"<trigger>": false}`` turns one off (each is on by default):
  ``confirmation``, ``changed``, ``delay``, ``ready_for_pickup``, ``shipped``,
  ``delivered``, ``cancelled``;
* ``locale`` (``en`` or ``de``): the language when the order names none
  (``attributes.locale``); else the destination country's, else English;
* ``time_zone`` (an IANA name): for dates and times when the order names none;
* branding: ``brand_name``, ``logo_url`` (https), ``color`` (``#rrggbb``), ``sender``
  (the From address), ``reply_to``, ``footer`` (plain text under every message).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import available_timezones

from switchyard.kernel.errors import FieldError
from switchyard.notifications.domain import LOCALES, TRIGGERS

_TEXT = {"brand_name": 100, "footer": 1000}
_ADDRESSES = ("sender", "reply_to")
KEYS = frozenset(
    {"enabled", "triggers", "locale", "time_zone", "logo_url", "color", *_TEXT, *_ADDRESSES}
)
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
# "Name <a@b.example>" or "a@b.example"
_ADDRESS = re.compile(r"^(?:[^<>@\r\n]{0,100}<)?[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+>?$")


@dataclass(frozen=True, slots=True)
class NotificationPolicy:
    enabled: bool = True
    triggers: dict[str, bool] = field(default_factory=dict)
    locale: str | None = None
    time_zone: str | None = None
    brand_name: str | None = None
    logo_url: str | None = None
    color: str | None = None
    sender: str | None = None
    reply_to: str | None = None
    footer: str | None = None

    def sends(self, trigger: str) -> bool:
        return self.enabled and self.triggers.get(trigger, True)


DEFAULT = NotificationPolicy()


def notification_policy(settings: dict[str, Any] | None) -> NotificationPolicy:
    """The channel's policy (its settings were checked by ``notification_errors``)."""
    value = (settings or {}).get("notifications")
    if not isinstance(value, dict):
        return DEFAULT
    return NotificationPolicy(**{k: v for k, v in value.items() if k in KEYS})


def _error(key: str, message: str) -> FieldError:
    return FieldError(f"settings.notifications.{key}", "invalid_notifications", message)


def notification_errors(settings: dict[str, Any]) -> list[FieldError]:
    """What is wrong with ``settings.notifications``, if anything (one error per key)."""
    if "notifications" not in settings:
        return []
    value = settings["notifications"]
    if not isinstance(value, dict):
        return [FieldError("settings.notifications", "invalid_notifications", "an object")]
    errors = [
        FieldError(f"settings.notifications.{k}", "unknown_setting", ", ".join(sorted(KEYS)))
        for k in sorted(set(value) - KEYS)
    ]
    if "enabled" in value and not isinstance(value["enabled"], bool):
        errors.append(_error("enabled", "a boolean"))
    triggers = value.get("triggers", {})
    if not isinstance(triggers, dict):
        errors.append(_error("triggers", "an object of trigger: true|false"))
    else:
        for name, on in sorted(triggers.items()):
            if name not in TRIGGERS:
                errors.append(
                    FieldError(
                        f"settings.notifications.triggers.{name}",
                        "unknown_trigger",
                        ", ".join(TRIGGERS),
                    )
                )
            elif not isinstance(on, bool):
                errors.append(_error(f"triggers.{name}", "a boolean"))
    if "locale" in value and value["locale"] not in LOCALES:
        errors.append(_error("locale", f"one of: {', '.join(LOCALES)}"))
    if "time_zone" in value and (
        not isinstance(value["time_zone"], str) or value["time_zone"] not in available_timezones()
    ):
        errors.append(_error("time_zone", "an IANA time zone such as Europe/Berlin"))
    for key, limit in _TEXT.items():
        if key in value and not (isinstance(value[key], str) and len(value[key]) <= limit):
            errors.append(_error(key, f"text, at most {limit} characters"))
    for key in _ADDRESSES:
        if key in value and not (
            isinstance(value[key], str) and len(value[key]) <= 320 and _ADDRESS.match(value[key])
        ):
            errors.append(_error(key, "an email address, optionally 'Name <address>'"))
    if "logo_url" in value and not (
        isinstance(value["logo_url"], str)
        and value["logo_url"].startswith("https://")
        and len(value["logo_url"]) <= 2000
    ):
        errors.append(_error("logo_url", "an https:// URL"))
    if "color" in value and not (isinstance(value["color"], str) and _COLOR.match(value["color"])):
        errors.append(_error("color", "a colour as #rrggbb"))
    return errors
