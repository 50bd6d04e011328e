from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from switchyard.catalog.tables import prices, skus


class SkuRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def by_codes(self, codes: list[str]) -> dict[str, dict[str, Any]]:
        """SKU rows keyed by SKU code, for the codes that exist."""
        rows = self.conn.execute(select(skus).where(skus.c.sku.in_(set(codes)))).mappings()
        return {r["sku"]: dict(r) for r in rows}

    def prices_for(self, sku_ids: list[str], channel_id: str, currency: str) -> dict[str, Any]:
        """The channel's price of each SKU in ``currency`` (SKUs without one are absent)."""
        rows = self.conn.execute(
            select(prices.c.sku_id, prices.c.amount).where(
                prices.c.sku_id.in_(set(sku_ids)),
                prices.c.channel_id == channel_id,
                prices.c.currency == currency,
            )
        )
        return {r.sku_id: r.amount for r in rows}
