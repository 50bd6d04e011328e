"""Money as a Decimal amount with an ISO 4217 currency; never a float."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from switchyard.kernel.errors import ValidationFailed

# Amounts are stored with four decimal places: enough for every ISO 4217 minor unit.
SCALE = Decimal("0.0001")


def quantize(amount: Decimal) -> Decimal:
    return amount.quantize(SCALE, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise ValidationFailed("invalid_currency", f"'{self.currency}' is not a currency code")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __mul__(self, factor: int) -> Money:
        return Money(self.amount * factor, self.currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValidationFailed(
                "currency_mismatch", f"cannot add {other.currency} to {self.currency}"
            )

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)


# ISO 4217 minor units that differ from the usual two decimals.
_MINOR_UNITS = {
    **dict.fromkeys(
        [
            "BIF",
            "CLP",
            "DJF",
            "GNF",
            "ISK",
            "JPY",
            "KMF",
            "KRW",
            "PYG",
            "RWF",
            "UGX",
            "UYI",
            "VND",
            "VUV",
            "XAF",
            "XOF",
            "XPF",
        ],
        0,
    ),
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
}


def minor_units(currency: str) -> int:
    return _MINOR_UNITS.get(currency, 2)


def format_amount(amount: Decimal, currency: str) -> str:
    """The amount as a string with the currency's usual decimals (more only if it has them)."""
    digits = minor_units(currency)
    rounded = amount.quantize(Decimal(1).scaleb(-digits)) if digits else amount.quantize(Decimal(1))
    return str(rounded) if rounded == amount else str(amount.normalize())
