"""Tax rates and the pricing of invoice lines: net, tax and gross per line.

Each line is rounded half-even to the currency's minor unit on its own, then lines are
summed, so the totals always equal the sum of the printed lines. Channel settings:

* ``tax_rates``: ``{"DE": "19", "AT": "20"}``, percent per destination country;
* ``default_tax_rate``: percent for countries not listed anywhere (default 0: exports);
* ``prices_include_tax``: whether unit prices and shipping are gross (default true, the
  usual for consumers in Europe; B2B channels typically set false).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from switchyard.kernel.errors import Conflict, FieldError
from switchyard.kernel.money import minor_units

# Standard VAT rates (percent) used when a channel does not configure the country.
STANDARD_RATES: dict[str, Decimal] = {
    code: Decimal(rate)
    for code, rate in {
        "AT": "20",
        "BE": "21",
        "BG": "20",
        "CH": "8.1",
        "CY": "19",
        "CZ": "21",
        "DE": "19",
        "DK": "25",
        "EE": "24",
        "ES": "21",
        "FI": "25.5",
        "FR": "20",
        "GB": "20",
        "GR": "24",
        "HR": "25",
        "HU": "27",
        "IE": "23",
        "IT": "22",
        "LT": "21",
        "LU": "17",
        "LV": "21",
        "MT": "18",
        "NL": "21",
        "NO": "25",
        "PL": "23",
        "PT": "23",
        "RO": "21",
        "SE": "25",
        "SI": "22",
        "SK": "23",
    }.items()
}


@dataclass(frozen=True, slots=True)
class Charge:
    """Something to invoice before tax is worked out: goods of an order line, or shipping."""

    order_line_id: str | None
    sku: str | None
    description: str
    quantity: int
    unit_price: Decimal
    discount: Decimal = Decimal(0)

    def amount(self, currency: str) -> Decimal:
        return round_money(self.unit_price * self.quantity - self.discount, currency)


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    line_no: int
    order_line_id: str | None
    sku: str | None
    description: str
    quantity: int
    unit_price: Decimal
    discount: Decimal
    net: Decimal
    tax_rate: Decimal
    tax: Decimal
    gross: Decimal


def round_money(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUND_HALF_EVEN)


def _percent(value: Any, field: str) -> Decimal:
    try:
        rate = Decimal(str(value))
    except (InvalidOperation, ValueError):
        rate = Decimal(-1)
    if not rate.is_finite() or not 0 <= rate < 100 or isinstance(value, bool):
        raise Conflict(
            "invalid_channel_settings",
            f"the channel's {field} must be a percentage from 0 to 100",
            [FieldError(field, "invalid_tax_rate", f"'{value}' is not a percentage")],
        )
    return rate


def rate_for(country: str | None, settings: dict[str, Any]) -> Decimal:
    """The tax rate in percent for goods shipped to ``country`` on a channel."""
    configured = settings.get("tax_rates") or {}
    if not isinstance(configured, dict):
        raise Conflict(
            "invalid_channel_settings",
            "the channel's settings.tax_rates must map country codes to percentages",
            [FieldError("settings.tax_rates", "invalid_tax_rates", "expected an object")],
        )
    if country and country in configured:
        return _percent(configured[country], f"settings.tax_rates.{country}")
    if country and country in STANDARD_RATES:
        return STANDARD_RATES[country]
    return _percent(settings.get("default_tax_rate", 0), "settings.default_tax_rate")


def prices_include_tax(settings: dict[str, Any]) -> bool:
    return bool(settings.get("prices_include_tax", True))


def price_line(
    line_no: int, charge: Charge, rate: Decimal, *, include_tax: bool, currency: str
) -> InvoiceLine:
    """Net, tax and gross of one line, each rounded half-even to the minor unit."""
    amount = charge.amount(currency)
    if include_tax:  # amount is gross
        tax = round_money(amount * rate / (100 + rate), currency)
        return _line(line_no, charge, amount - tax, rate, tax)
    return _line(line_no, charge, amount, rate, round_money(amount * rate / 100, currency))


def _line(line_no: int, c: Charge, net: Decimal, rate: Decimal, tax: Decimal) -> InvoiceLine:
    return InvoiceLine(
        line_no,
        c.order_line_id,
        c.sku,
        c.description,
        c.quantity,
        c.unit_price,
        c.discount,
        net,
        rate,
        tax,
        net + tax,
    )


def price_lines(
    charges: list[Charge], rate: Decimal, *, include_tax: bool, currency: str
) -> list[InvoiceLine]:
    return [
        price_line(i, c, rate, include_tax=include_tax, currency=currency)
        for i, c in enumerate(charges, start=1)
    ]


def price_lines_with_tax(
    charges: list[Charge], tax: Decimal, rate: Decimal, *, currency: str
) -> list[InvoiceLine]:
    """Net lines carrying a tax amount given by the order, spread over them by net value.

    For orders whose channel computed the tax (``taxes`` sent with the order): ``rate``
    is the order's effective rate, shown for information; the amounts come from ``tax``.
    """
    nets = [c.amount(currency) for c in charges]
    total = sum(nets, Decimal(0))
    lines = []
    left = tax
    for i, (charge, net) in enumerate(zip(charges, nets, strict=True), start=1):
        if i == len(charges):
            share = left
        elif total:
            share = round_money(tax * net / total, currency)
        else:
            share = Decimal(0)
        left -= share
        lines.append(_line(i, charge, net, rate, share))
    return lines


def breakdown(lines: list[InvoiceLine]) -> list[dict[str, Decimal]]:
    """Net, tax and gross summed per tax rate, lowest rate first."""
    by_rate: dict[Decimal, dict[str, Decimal]] = {}
    for ln in lines:
        entry = by_rate.setdefault(
            ln.tax_rate,
            {"rate": ln.tax_rate, "net": Decimal(0), "tax": Decimal(0), "gross": Decimal(0)},
        )
        entry["net"] += ln.net
        entry["tax"] += ln.tax
        entry["gross"] += ln.gross
    return [by_rate[r] for r in sorted(by_rate)]
