"""Phone numbers, read with the phonenumbers library and stored in E.164 (``+4930123456``).

A number without a ``+`` prefix is read in its address's country (the customer's number in
the ship-to country, else the bill-to country). A number that is not valid there holds the
order on an ``address`` hold, or rejects it when the channel sets
``phone_invalid_action: "error"``. A missing number is completeness's business.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import phonenumbers

from switchyard.orders.validation.model import (
    Finding,
    OrderToValidate,
    ValidationContext,
    by_action,
)
from switchyard.orders.validation.workspace import Workspace


def to_e164(raw: str, region: str | None) -> str | None:
    """The number in E.164, or None when it is not a valid number (in ``region``)."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def check_phones(
    order: OrderToValidate, ctx: ValidationContext, work: Workspace
) -> Iterator[Finding]:
    action = order.channel.setting("phone_invalid_action", "hold")
    numbers: list[tuple[str, str, str | None, dict[str, Any] | None]] = []
    if isinstance(work.phone, str) and work.phone.strip():
        numbers.append(("customer.phone", work.phone, work.country(), None))
    for prefix, address in work.addresses():
        phone = address.get("phone")
        if isinstance(phone, str) and phone.strip():
            country = address.get("country_code")
            region = country if isinstance(country, str) and len(country) == 2 else None
            numbers.append((f"{prefix}.phone", phone, region, address))
    for at, raw, region, target in numbers:
        e164 = to_e164(raw.strip(), region)
        if e164 is None:
            where = f" in {region}" if region else " (no country: write it with +)"
            yield by_action(
                action, "address", "invalid_phone", at, f"'{raw}' is not a valid number{where}"
            )
        elif target is None:
            work.phone = e164
        else:
            target["phone"] = e164
