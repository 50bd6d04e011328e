"""What rules hand on to later rules within one validation: the normalised contact data."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from switchyard.orders.validation.model import Finding, OrderToValidate, ValidationContext

ADDRESS_KEYS = (
    "name",
    "company",
    "line1",
    "line2",
    "city",
    "region",
    "postal_code",
    "country_code",
    "phone",
)


def _copy(address: Any) -> dict[str, Any] | None:
    return dict(address) if address else None


@dataclass(slots=True)
class Workspace:
    """Starts as the order's own addresses; the address and phone rules normalise them."""

    shipping_address: dict[str, Any] | None
    billing_address: dict[str, Any] | None
    phone: str | None = None

    @classmethod
    def start(cls, order: OrderToValidate) -> Workspace:
        return cls(
            _copy(order.shipping_address), _copy(order.billing_address), order.customer.phone
        )

    def addresses(self) -> list[tuple[str, dict[str, Any]]]:
        """``(field prefix, address)`` for the addresses the order has."""
        found = [
            ("shipping_address", self.shipping_address),
            ("billing_address", self.billing_address),
        ]
        return [(prefix, a) for prefix, a in found if a]

    def country(self) -> str | None:
        """The country phone numbers are read in: ship-to first, then bill-to."""
        for _, address in self.addresses():
            code = address.get("country_code")
            if isinstance(code, str) and len(code) == 2:
                return code.upper()
        return None


@dataclass(frozen=True, slots=True)
class Rule:
    """A pluggable check with a stable code. ``hold_type`` holds the order if it crashes."""

    code: str
    check: Callable[[OrderToValidate, ValidationContext, Workspace], Iterable[Finding]]
    hold_type: str = "manual"
