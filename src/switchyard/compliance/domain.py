"""Compliance rules for what may be stored: embargo entries and screening settings."""

from __future__ import annotations

from typing import Any

from switchyard.kernel.errors import FieldError, ValidationFailed
from switchyard.orders.validation.address import known_country
from switchyard.orders.validation.model import ACTIONS

DEFAULT_SETTINGS: dict[str, Any] = {"screening_threshold": 90.0, "hold_unscreenable_names": True}
# Below this, nearly every name resembles some listed name and every order would be held.
MIN_THRESHOLD = 50


def validate_embargo(values: dict[str, Any]) -> None:
    errors = []
    code = values.get("country_code")
    if code is not None and not known_country(code):
        errors.append(
            FieldError("country_code", "unknown_country", f"'{code}' is not an ISO country")
        )
    action = values.get("action")
    if action is not None and action not in ACTIONS:
        errors.append(FieldError("action", "invalid_choice", "error or hold"))
    if errors:
        raise ValidationFailed("invalid_embargo", "the embargo is not valid", errors)


def validate_settings(values: dict[str, Any]) -> None:
    threshold = values.get("screening_threshold")
    if threshold is not None and not MIN_THRESHOLD <= threshold <= 100:
        raise ValidationFailed(
            "invalid_compliance_settings",
            "the compliance settings are not valid",
            [FieldError("screening_threshold", "out_of_range", f"between {MIN_THRESHOLD} and 100")],
        )
