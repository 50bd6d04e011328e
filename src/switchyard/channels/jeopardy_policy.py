"""How a channel watches its orders' promises (pure rules).

Channel setting ``settings.jeopardy`` (every key optional; see docs/architecture.md,
"Jeopardy"):

* ``enabled`` (default true): the channel's open fulfillments are checked;
* ``acknowledge_hours`` (default 4, 1..720): a fulfillment released this long ago that
  its location has not accepted is ``not_acknowledged``;
* ``first_scan_hours`` (default 24, 1..720): a parcel shipped with tracking this long ago
  that the carrier never scanned is ``no_carrier_scan``;
* ``pick_window_minutes`` (default 120, 0..1440): units must be picked this long after
  the location's cut-off on the ship-by day (``not_picked_by_deadline``);
* ``auto_resource`` (default false): a fulfillment nobody has started picking that is at
  risk of missing its ship date is cancelled and sourced at another location, if one can
  still deliver by the promised date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from switchyard.kernel.errors import FieldError

MAX_HOURS = 720
MAX_PICK_WINDOW = 1440
_HOURS = ("acknowledge_hours", "first_scan_hours")
_FLAGS = ("enabled", "auto_resource")
KEYS = frozenset({*_HOURS, *_FLAGS, "pick_window_minutes"})


@dataclass(frozen=True, slots=True)
class JeopardyPolicy:
    enabled: bool = True
    acknowledge_hours: int = 4
    first_scan_hours: int = 24
    pick_window_minutes: int = 120
    auto_resource: bool = False

    @property
    def acknowledge_within(self) -> timedelta:
        return timedelta(hours=self.acknowledge_hours)

    @property
    def first_scan_within(self) -> timedelta:
        return timedelta(hours=self.first_scan_hours)

    @property
    def pick_window(self) -> timedelta:
        return timedelta(minutes=self.pick_window_minutes)


DEFAULT = JeopardyPolicy()


def jeopardy_policy(settings: dict[str, Any] | None) -> JeopardyPolicy:
    """The channel's policy (its settings were checked by ``jeopardy_errors``)."""
    value = (settings or {}).get("jeopardy")
    if not isinstance(value, dict):
        return DEFAULT
    return JeopardyPolicy(**{k: v for k, v in value.items() if k in KEYS})


def _is_int(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def jeopardy_errors(settings: dict[str, Any]) -> list[FieldError]:
    """What is wrong with ``settings.jeopardy``, if anything (one error per key)."""
    if "jeopardy" not in settings:
        return []
    value = settings["jeopardy"]
    if not isinstance(value, dict):
        return [FieldError("settings.jeopardy", "invalid_jeopardy", "an object")]
    errors = [
        FieldError(f"settings.jeopardy.{k}", "unknown_setting", ", ".join(sorted(KEYS)))
        for k in sorted(set(value) - KEYS)
    ]
    for key in _FLAGS:
        if key in value and not isinstance(value[key], bool):
            errors.append(FieldError(f"settings.jeopardy.{key}", "invalid_jeopardy", "a boolean"))
    for key in _HOURS:
        if key in value and not _is_int(value[key], 1, MAX_HOURS):
            errors.append(
                FieldError(f"settings.jeopardy.{key}", "invalid_jeopardy", f"hours, 1..{MAX_HOURS}")
            )
    window = value.get("pick_window_minutes", 0)
    if not _is_int(window, 0, MAX_PICK_WINDOW):
        errors.append(
            FieldError(
                "settings.jeopardy.pick_window_minutes",
                "invalid_jeopardy",
                f"minutes, 0..{MAX_PICK_WINDOW}",
            )
        )
    return errors
