"""Master data that placing an order reads, through the per-process cache.

Channels, SKUs and list prices may be up to ``master_data_ttl`` seconds old here when
another process changed them (``switchyard.db.ttl_cache``). Callers get copies.
"""

from __future__ import annotations

import copy
from typing import Any

from switchyard.catalog.repository import SkuRepository
from switchyard.channels.repository import ChannelRepository
from switchyard.db.ttl_cache import TTLCache
from switchyard.db.uow import UnitOfWork

_channels = TTLCache("orders.channel")
_skus = TTLCache("orders.sku_by_code")
_prices = TTLCache("orders.price")


def channel(uow: UnitOfWork, ref: str) -> dict[str, Any] | None:
    """The channel by id or code, or None."""
    found = _channels.get(uow.conn, ref, lambda: uow.repo(ChannelRepository).get(ref))
    if found is None:
        return None
    # Copy what a caller could change in place: the nested settings, not the plain values.
    return {k: copy.deepcopy(v) if isinstance(v, dict | list) else v for k, v in found.items()}


def skus_by_codes(uow: UnitOfWork, codes: list[str]) -> dict[str, dict[str, Any]]:
    """SKU rows keyed by SKU code, for the codes that exist (as ``SkuRepository.by_codes``)."""

    def load(missing: list[str]) -> dict[str, dict[str, Any]]:
        return uow.repo(SkuRepository).by_codes(missing)

    found = _skus.get_many(uow.conn, codes, load)
    return {code: dict(row) for code, row in found.items()}


def prices_for(
    uow: UnitOfWork, sku_ids: list[str], channel_id: str, currency: str
) -> dict[str, Any]:
    """The channel's price of each SKU in ``currency`` (as ``SkuRepository.prices_for``)."""

    def load(missing: list[tuple[str, str, str]]) -> dict[tuple[str, str, str], Any]:
        found = uow.repo(SkuRepository).prices_for([k[0] for k in missing], channel_id, currency)
        return {(sku_id, channel_id, currency): amount for sku_id, amount in found.items()}

    keys = [(sku_id, channel_id, currency) for sku_id in sku_ids]
    return {k[0]: v for k, v in _prices.get_many(uow.conn, keys, load).items()}
