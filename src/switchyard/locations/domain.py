"""Locations: warehouses, stores, 3PLs and drop-ship suppliers that hold or ship stock."""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from switchyard.kernel.errors import FieldError, ValidationFailed

LOCATION_TYPES = frozenset({"warehouse", "store", "3pl", "dropship"})
CAPABILITIES = frozenset({"ship", "pickup", "ship_from_store", "returns"})
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def validate_location(values: dict[str, Any]) -> None:
    """Check the fields a location create or update sets; raise listing every problem."""
    errors: list[FieldError] = []
    if "type" in values and values["type"] not in LOCATION_TYPES:
        errors.append(
            FieldError("type", "invalid_choice", f"one of: {', '.join(sorted(LOCATION_TYPES))}")
        )
    for cap in values.get("capabilities") or []:
        if cap not in CAPABILITIES:
            errors.append(
                FieldError(
                    "capabilities",
                    "invalid_choice",
                    f"'{cap}' is not one of {sorted(CAPABILITIES)}",
                )
            )
    tz = values.get("timezone")
    if tz is not None:
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            errors.append(
                FieldError("timezone", "invalid_timezone", f"'{tz}' is not an IANA time zone")
            )
    cutoff = values.get("cutoff_time")
    if cutoff is not None and not _HHMM.match(cutoff):
        errors.append(FieldError("cutoff_time", "invalid_time", "HH:MM, 24-hour local time"))
    days = values.get("processing_days")
    if days is not None and (not days or any(d not in range(1, 8) for d in days)):
        errors.append(
            FieldError("processing_days", "invalid_weekdays", "ISO weekdays 1 (Mon) to 7 (Sun)")
        )
    lat, lon = values.get("latitude"), values.get("longitude")
    if lat is not None and not -90 <= lat <= 90:
        errors.append(FieldError("latitude", "out_of_range", "between -90 and 90"))
    if lon is not None and not -180 <= lon <= 180:
        errors.append(FieldError("longitude", "out_of_range", "between -180 and 180"))
    capacity = values.get("daily_capacity")
    if capacity is not None and capacity < 0:
        errors.append(FieldError("daily_capacity", "out_of_range", "zero or more"))
    if errors:
        raise ValidationFailed("invalid_location", "the location is not valid", errors)
