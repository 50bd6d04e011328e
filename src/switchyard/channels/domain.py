"""Sales channels: where orders come from, and the rules that differ between them."""

from __future__ import annotations

from typing import Any

from switchyard.channels.jeopardy_policy import jeopardy_errors
from switchyard.channels.notification_policy import notification_errors
from switchyard.channels.release_policy import release_errors
from switchyard.channels.return_policy import return_errors
from switchyard.channels.seller import check_seller
from switchyard.kernel.errors import FieldError, ValidationFailed

CHANNEL_TYPES = frozenset(
    {"web", "pos", "call_center", "marketplace", "edi", "field_sales", "b2b", "app", "social"}
)
BACKORDER_POLICIES = frozenset({"deny", "backorder", "preorder"})


def validate_channel(values: dict[str, Any]) -> dict[str, Any]:
    """Check the fields a channel create or update sets; raise listing every problem.

    Gives the values to store: ``settings.seller`` in canonical form (``channels.seller``).
    """
    errors = []
    if "type" in values and values["type"] not in CHANNEL_TYPES:
        errors.append(
            FieldError("type", "invalid_choice", f"one of: {', '.join(sorted(CHANNEL_TYPES))}")
        )
    policy = values.get("backorder_policy")
    if policy is not None and policy not in BACKORDER_POLICIES:
        errors.append(
            FieldError(
                "backorder_policy",
                "invalid_choice",
                f"one of: {', '.join(sorted(BACKORDER_POLICIES))}",
            )
        )
    currency = values.get("currency")
    if currency is not None and not (
        isinstance(currency, str)
        and len(currency) == 3
        and currency.isalpha()
        and currency.isupper()
    ):
        errors.append(FieldError("currency", "invalid_currency", "an ISO 4217 code such as EUR"))
    settings = values.get("settings")
    if isinstance(settings, dict):
        errors += release_errors(settings)
        errors += jeopardy_errors(settings)
        errors += notification_errors(settings)
        errors += return_errors(settings)
        if settings.get("seller") is not None:
            seller, problems = check_seller(settings["seller"])
            errors += problems
            values = {**values, "settings": {**settings, "seller": seller}}
        elif "seller" in settings:  # null: the channel has no seller of its own
            values = {**values, "settings": {k: v for k, v in settings.items() if k != "seller"}}
    if errors:
        raise ValidationFailed("invalid_channel", "the channel is not valid", errors)
    return values
