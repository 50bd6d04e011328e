"""What a channel accepts back, and on which terms (pure rules).

Channel setting ``settings.returns`` (every key optional)::

    {"window_days": 30,                      # days from delivery; 0: no returns at all
     "non_returnable_skus": ["GIFT-CARD"],   # SKU codes never taken back
     "restocking_fee_percent": "10",         # off the refund of restocked goods, 0..100
     "approval_required": false,             # true: a request waits for staff to authorise
     "return_shipping_paid_by": {"changed_mind": "customer"},  # reason -> customer|merchant
     "blind_returns_in_store": false}        # stores may take goods back without an order

Without the setting a channel takes returns for 30 days, without approval, with no fee,
and the merchant pays the return label.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from switchyard.kernel.errors import FieldError

REASONS = (
    "damaged",
    "defective",
    "wrong_item",
    "not_as_described",
    "too_small",
    "too_large",
    "changed_mind",
    "other",
)
PAYERS = ("customer", "merchant")
MAX_WINDOW_DAYS = 730
_KEYS = {
    "window_days",
    "non_returnable_skus",
    "restocking_fee_percent",
    "approval_required",
    "return_shipping_paid_by",
    "blind_returns_in_store",
}


@dataclass(frozen=True, slots=True)
class ReturnPolicy:
    window_days: int = 30
    non_returnable_skus: frozenset[str] = frozenset()
    restocking_fee_percent: Decimal = Decimal(0)
    approval_required: bool = False
    return_shipping_paid_by: dict[str, str] = field(default_factory=dict)
    blind_returns_in_store: bool = False

    def shipping_payer(self, reason: str) -> str:
        return self.return_shipping_paid_by.get(reason, "merchant")

    def returnable(self, sku: str) -> bool:
        return sku not in self.non_returnable_skus


def return_policy(settings: dict[str, Any] | None) -> ReturnPolicy:
    """The channel's policy (its settings were checked by ``return_errors``)."""
    value = (settings or {}).get("returns")
    if not isinstance(value, dict):
        return ReturnPolicy()
    return ReturnPolicy(
        window_days=int(value.get("window_days", 30)),
        non_returnable_skus=frozenset(value.get("non_returnable_skus") or ()),
        restocking_fee_percent=Decimal(str(value.get("restocking_fee_percent", "0"))),
        approval_required=bool(value.get("approval_required", False)),
        return_shipping_paid_by=dict(value.get("return_shipping_paid_by") or {}),
        blind_returns_in_store=bool(value.get("blind_returns_in_store", False)),
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def return_errors(settings: dict[str, Any]) -> list[FieldError]:
    """What is wrong with ``settings.returns``, if anything."""
    if "returns" not in settings:
        return []
    value = settings["returns"]
    at = "settings.returns"
    if not isinstance(value, dict):
        return [FieldError(at, "invalid_returns", "an object, see docs/returns.md")]
    errors = [FieldError(f"{at}.{k}", "unknown_field", "not a return setting") for k in value]
    errors = [e for e in errors if e.field.rsplit(".", 1)[1] not in _KEYS]
    days = value.get("window_days", 30)
    if not (_is_int(days) and 0 <= days <= MAX_WINDOW_DAYS):
        errors.append(
            FieldError(f"{at}.window_days", "out_of_range", f"whole days, 0..{MAX_WINDOW_DAYS}")
        )
    skus = value.get("non_returnable_skus", [])
    if not (isinstance(skus, list) and all(isinstance(s, str) and s for s in skus)):
        errors.append(
            FieldError(f"{at}.non_returnable_skus", "invalid_list", "a list of SKU codes")
        )
    fee = value.get("restocking_fee_percent", "0")
    try:
        ok = not isinstance(fee, bool) and 0 <= Decimal(str(fee)) <= 100
    except InvalidOperation:
        ok = False
    if not ok:
        errors.append(
            FieldError(f"{at}.restocking_fee_percent", "out_of_range", "a percentage, 0..100")
        )
    for key in ("approval_required", "blind_returns_in_store"):
        if key in value and not isinstance(value[key], bool):
            errors.append(FieldError(f"{at}.{key}", "invalid_boolean", "true or false"))
    payers = value.get("return_shipping_paid_by", {})
    if not isinstance(payers, dict):
        errors.append(
            FieldError(f"{at}.return_shipping_paid_by", "invalid_payers", "reason -> payer")
        )
    else:
        for reason, payer in payers.items():
            if reason not in REASONS:
                errors.append(
                    FieldError(
                        f"{at}.return_shipping_paid_by.{reason}",
                        "unknown_reason",
                        f"one of: {', '.join(REASONS)}",
                    )
                )
            elif payer not in PAYERS:
                errors.append(
                    FieldError(
                        f"{at}.return_shipping_paid_by.{reason}",
                        "invalid_payer",
                        "customer or merchant",
                    )
                )
    return errors
