"""What an order and each of its shipments cost: the lines an invoice is made of.

Goods are charged at the order line's unit price for the quantity shipped, less that
quantity's part of the line discount. The order's shipping charge, and the taxes when the
order carries them, are shared between shipments by value (``domain.share_of``): the
shipment that completes the order takes the rest, so the parts add up to the order.
Pure functions of the order, no storage.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from switchyard.invoicing.domain import share_of
from switchyard.invoicing.taxes import (
    Charge,
    InvoiceLine,
    price_lines,
    price_lines_with_tax,
    prices_include_tax,
    rate_for,
    round_money,
)
from switchyard.orders.domain import Order, OrderLine

ZERO = Decimal(0)
SHIPPING = "Shipping"


def destination_country(order: Order, fallback: str | None = None) -> str | None:
    """Where the goods go: the shipping address, else ``fallback`` (the pickup store's)."""
    country = (order.shipping_address or {}).get("country_code")
    return str(country) if country else fallback


def is_final(order: Order) -> bool:
    """Nothing of the order is left to ship."""
    return all(ln.unshipped == 0 for ln in order.lines)


def _discount(line: OrderLine, quantity: int, currency: str) -> Decimal:
    """The part of the line discount for ``quantity`` just shipped (line counts it shipped)."""
    if not line.discount:
        return ZERO

    def upto(shipped: int) -> Decimal:
        return round_money(line.discount * shipped / line.quantity, currency)

    return upto(line.qty_shipped) - upto(line.qty_shipped - quantity)


def shipment_charges(
    order: Order,
    items: list[tuple[str, int]],
    names: dict[str, str],
    shipping_before: Decimal,
) -> list[Charge]:
    """Charges for shipping ``items`` (order line id, quantity) of ``order``, in line order.

    ``order`` already counts this shipment as shipped.
    """
    charges = []
    for line_id, quantity in sorted(items, key=lambda item: order.line(item[0]).line_no):
        line = order.line(line_id)
        charges.append(
            Charge(
                line.id,
                line.sku,
                names.get(line.sku_id, line.sku),
                quantity,
                line.unit_price,
                _discount(line, quantity, order.currency),
            )
        )
    value = sum((c.amount(order.currency) for c in charges), ZERO)
    share = share_of(
        order.shipping_charge,
        shipping_before,
        value,
        order.subtotal,
        final=is_final(order),
        currency=order.currency,
    )
    if share > 0:
        charges.append(Charge(None, None, SHIPPING, 1, share))
    return charges


def effective_rate(order: Order) -> Decimal:
    """The rate the order's own taxes amount to, in percent (four decimals)."""
    base = order.subtotal + order.shipping_charge
    if base <= 0:
        return ZERO
    return (order.taxes * 100 / base).quantize(Decimal("0.0001"))


def price_shipment(
    order: Order,
    charges: list[Charge],
    settings: dict[str, Any],
    country: str | None,
    taxes_before: Decimal,
) -> list[InvoiceLine]:
    """Invoice lines for a shipment's charges.

    An order that carries ``taxes`` (its channel worked them out) is invoiced with those,
    shared like shipping; otherwise the channel's rate for the destination applies.
    """
    if order.taxes > 0:
        value = sum((c.amount(order.currency) for c in charges), ZERO)
        tax = share_of(
            order.taxes,
            taxes_before,
            value,
            order.subtotal + order.shipping_charge,
            final=is_final(order),
            currency=order.currency,
        )
        return price_lines_with_tax(charges, tax, effective_rate(order), currency=order.currency)
    return price_lines(
        charges,
        rate_for(country, settings),
        include_tax=prices_include_tax(settings),
        currency=order.currency,
    )


@dataclass(frozen=True, slots=True)
class OrderTax:
    """The tax the invoices of a whole order charge (open lines and shipping).

    ``basis`` is ``order`` when the order carries its own ``taxes`` (``rate`` is then
    their effective rate), else ``channel_rate``: the channel's rate for ``country``.
    ``included``: the prices already contain it, so it does not add to the total.
    ``total`` is what the invoices add up to, tax included (what payments cover).
    """

    amount: Decimal
    rate: Decimal
    basis: Literal["order", "channel_rate"]
    country: str | None
    included: bool
    total: Decimal


def order_tax(order: Order, settings: dict[str, Any], country: str | None) -> OrderTax:
    """The order's tax priced as its invoices price it (``price_shipment``), as if it were
    invoiced in one shipment: split shipments round per line, so may differ by cents."""
    if order.taxes > 0:
        return OrderTax(order.taxes, effective_rate(order), "order", country, False, order.total)
    charges = [
        Charge(
            ln.id,
            ln.sku,
            ln.sku,
            ln.open_quantity,
            ln.unit_price,
            ln.unit_price * ln.open_quantity - ln.amount,
        )
        for ln in order.lines
        if ln.open_quantity > 0
    ]
    if order.shipping_charge > 0:
        charges.append(Charge(None, None, SHIPPING, 1, order.shipping_charge))
    lines = price_shipment(order, charges, settings, country, ZERO)
    return OrderTax(
        sum((ln.tax for ln in lines), ZERO),
        rate_for(country, settings),
        "channel_rate",
        country,
        prices_include_tax(settings),
        sum((ln.gross for ln in lines), ZERO),
    )


def payable_total(order: Order, settings: dict[str, Any], country: str | None) -> Decimal:
    """Gross amount of the whole order (open lines and shipping), tax included."""
    return order_tax(order, settings, country).total
