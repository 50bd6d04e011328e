"""The tax an order's invoices will charge, for the order's own answer.

An order without ``taxes`` of its own is invoiced at its channel's rate for the
destination, so its answer showed ``taxes: "0.00"`` beside invoices charging VAT. The
estimate prices the order the way its invoices will (``charges.order_tax``) and says on
what basis. The channel comes from the master-data cache (``orders.master_data``), so
right after a change of its tax settings the estimate may be ``master_data_ttl`` old.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from switchyard.db.uow import UnitOfWork
from switchyard.invoicing.charges import destination_country, order_tax
from switchyard.invoicing.read_model import percent
from switchyard.kernel.errors import Conflict
from switchyard.kernel.money import format_amount
from switchyard.locations.repository import LocationRepository
from switchyard.orders import master_data
from switchyard.orders.domain import Order


def estimated_taxes(uow: UnitOfWork, orders: Iterable[Order]) -> dict[str, dict[str, Any] | None]:
    """Per order id, the tax its invoices will charge (see ``estimated_tax``); each
    pickup store is read once."""
    stores: dict[str, str | None] = {}

    def store_country(location_id: str) -> str | None:
        if location_id not in stores:
            row = uow.repo(LocationRepository).get(location_id) or {}
            stores[location_id] = (row.get("address") or {}).get("country_code")
        return stores[location_id]

    found: dict[str, dict[str, Any] | None] = {}
    for order in orders:
        fallback = store_country(order.pickup_location_id) if order.pickup_location_id else None
        found[order.id] = _estimate(uow, order, fallback)
    return found


def estimated_tax(uow: UnitOfWork, order: Order) -> dict[str, Any] | None:
    """``amount``, ``rate`` (percent), ``basis`` (``order``: the taxes it carries;
    ``channel_rate``: the channel's rate for ``country``), ``included_in_prices`` and
    ``total`` (what its invoices add up to); None while the channel's tax settings cannot
    be used (shipping then answers 409 ``invalid_channel_settings``)."""
    return estimated_taxes(uow, [order])[order.id]


def _estimate(uow: UnitOfWork, order: Order, store_country: str | None) -> dict[str, Any] | None:
    channel = master_data.channel(uow, order.channel_id) or {}
    country = destination_country(order, store_country)
    try:
        tax = order_tax(order, channel.get("settings") or {}, country)
    except Conflict:
        return None
    return {
        "amount": format_amount(tax.amount, order.currency),
        "rate": percent(tax.rate),
        "basis": tax.basis,
        "country": tax.country,
        "included_in_prices": tax.included,
        "total": format_amount(tax.total, order.currency),
    }
