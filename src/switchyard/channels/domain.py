"""Sales channels: where orders come from, and the rules that differ between them."""

from __future__ import annotations

from switchyard.channels.release_policy import release_errors
from switchyard.kernel.errors import FieldError, ValidationFailed

CHANNEL_TYPES = frozenset(
    {"web", "pos", "call_center", "marketplace", "edi", "field_sales", "b2b", "app", "social"}
)
BACKORDER_POLICIES = frozenset({"deny", "backorder", "preorder"})


def validate_channel(values: dict[str, object]) -> None:
    """Check the fields a channel create or update sets; raise listing every problem."""
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
    if errors:
        raise ValidationFailed("invalid_channel", "the channel is not valid", errors)
