"""When a channel's new fulfillments are released to their locations (pure rules).

Channel setting ``settings.release``:

* ``"immediate"`` (the default): the worker releases them within seconds of creation;
* ``{"after_minutes": N}``: they wait N minutes first (a window for fraud review, payment
  capture or batch re-optimisation), then the worker releases them;
* ``"manual"``: a person or a system releases them (``POST /fulfillments/{id}/release``
  or a wave, ``POST /fulfillments:release``).

An order on hold, or waiting for a payment the channel requires, is never released.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from switchyard.kernel.errors import FieldError

MAX_MINUTES = 7 * 24 * 60


@dataclass(frozen=True, slots=True)
class ReleasePolicy:
    mode: str = "immediate"  # immediate | after | manual
    minutes: int = 0

    @property
    def automatic(self) -> bool:
        return self.mode != "manual"

    def due_before(self, now: datetime) -> datetime:
        """Fulfillments created before this instant are due for release now."""
        return now - timedelta(minutes=self.minutes)


def release_policy(settings: dict[str, Any] | None) -> ReleasePolicy:
    """The channel's policy (its settings were checked by ``release_errors``)."""
    value = (settings or {}).get("release", "immediate")
    if value == "manual":
        return ReleasePolicy("manual")
    if isinstance(value, dict):
        return ReleasePolicy("after", int(value["after_minutes"]))
    return ReleasePolicy()


def release_errors(settings: dict[str, Any]) -> list[FieldError]:
    """What is wrong with ``settings.release``, if anything."""
    if "release" not in settings:
        return []
    value = settings["release"]
    if value in ("immediate", "manual"):
        return []
    minutes = value.get("after_minutes") if isinstance(value, dict) else None
    if (
        isinstance(value, dict)
        and set(value) == {"after_minutes"}
        and isinstance(minutes, int)
        and not isinstance(minutes, bool)
        and 0 <= minutes <= MAX_MINUTES
    ):
        return []
    return [
        FieldError(
            "settings.release",
            "invalid_release",
            f'"immediate", "manual" or {{"after_minutes": 0..{MAX_MINUTES}}}',
        )
    ]
