"""Catalog and price: each SKU exists, is active and sellable on the channel, at its price.

* **error** ``unknown_sku``, ``inactive_sku``, ``sku_not_sellable``;
* **error** ``no_list_price``: the line has no price and the channel's price list none either;
* **hold** (``price``) ``price_mismatch``: the unit price differs from the channel's list
  price by more than ``price_tolerance_pct`` percent (channel setting, default 1);
* **hold** (``price``) ``price_unverified``: a price was given but the channel has no list
  price to compare it with.

Channels whose prices legitimately differ from the list (marketplaces with their own
pricing) set ``price_check: false``.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from switchyard.orders.validation.model import (
    Finding,
    OrderToValidate,
    ValidationContext,
    error,
    hold,
)
from switchyard.orders.validation.workspace import Workspace

DEFAULT_TOLERANCE_PCT = Decimal(1)


def deviation_pct(price: Decimal, list_price: Decimal) -> Decimal:
    """How far ``price`` is from ``list_price``, in percent of the list price."""
    if list_price == 0:
        return Decimal(0) if price == 0 else Decimal(100)
    return abs(price - list_price) / list_price * 100


def check_catalog(
    order: OrderToValidate, ctx: ValidationContext, work: Workspace
) -> Iterator[Finding]:
    check_prices = bool(order.channel.setting("price_check", True))
    tolerance = Decimal(str(order.channel.setting("price_tolerance_pct", DEFAULT_TOLERANCE_PCT)))
    for i, line in enumerate(order.lines):
        if not line.sku:
            continue  # completeness reports it
        at = f"lines.{i}"
        item = ctx.catalog.get(line.sku)
        if item is None:
            yield error("unknown_sku", f"{at}.sku", f"'{line.sku}' is not in the catalog")
            continue
        if not item.active:
            yield error("inactive_sku", f"{at}.sku", f"'{line.sku}' is no longer sold")
            continue
        if not item.sellable:
            yield error(
                "sku_not_sellable",
                f"{at}.sku",
                f"'{line.sku}' is not sold on channel {order.channel.code}",
            )
            continue
        if line.unit_price is None:
            if item.list_price is None:
                yield error(
                    "no_list_price",
                    f"{at}.unit_price",
                    f"no {order.currency} price for '{line.sku}' on {order.channel.code}",
                )
            continue
        if not check_prices:
            continue
        if item.list_price is None:
            yield hold(
                "price",
                "price_unverified",
                f"{at}.unit_price",
                f"no {order.currency} list price for '{line.sku}' to check against",
            )
            continue
        off = deviation_pct(line.unit_price, item.list_price)
        if off > tolerance:
            yield hold(
                "price",
                "price_mismatch",
                f"{at}.unit_price",
                f"{line.unit_price} is {off:.1f}% off the list price {item.list_price}",
                list_price=str(item.list_price),
                unit_price=str(line.unit_price),
                tolerance_pct=str(tolerance),
            )
