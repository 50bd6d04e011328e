"""SQL for availability reads: a few set-based queries per request, never one per SKU."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from switchyard.catalog.tables import kit_components
from switchyard.inventory import availability_queries as q

# ``stock_and_supply`` rows: kind, then these keys for stock or for supply rows
_STOCK = ("sku_id", "location_id", *q.STOCK_COLUMNS, "available")
_SUPPLY = ("sku_id", "location_id", *q.SUPPLY_COLUMNS)
_SPLIT = 1 + len(_STOCK)  # where the supply columns start


class AvailabilityRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _rows(self, statement: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
        # zip over plain rows: half the cost of dict(RowMapping) per row
        result = self.conn.execute(statement, params)
        keys = tuple(result.keys())
        return [dict(zip(keys, r, strict=True)) for r in result.all()]

    def skus(self, refs: Sequence[str]) -> list[dict[str, Any]]:
        """SKU rows for ids or SKU codes."""
        return self._rows(q.skus_by_ref(), {"refs": list(refs)})

    def components(self, kit_ids: Sequence[str]) -> dict[str, dict[str, int]]:
        if not kit_ids:
            return {}
        k = kit_components.c
        found: dict[str, dict[str, int]] = {}
        for row in self.conn.execute(select(kit_components).where(k.kit_sku_id.in_(kit_ids))):
            found.setdefault(row.kit_sku_id, {})[row.component_sku_id] = row.quantity
        return found

    def balances(
        self,
        sku_ids: Sequence[str],
        channel_id: str | None,
        location_ids: Sequence[str] | None,
        now: datetime,
    ) -> list[dict[str, Any]]:
        """Balances in scope with their availability (expired holds count as free)."""
        statement = q.balances(channel_id is not None, location_ids is not None)
        params = {"sku_ids": list(sku_ids), "now": now, "channel_id": channel_id}
        return self._rows(statement, {**params, "location_ids": list(location_ids or [])})

    def incoming(
        self, sku_ids: Sequence[str], channel_id: str | None, location_ids: Sequence[str] | None
    ) -> list[dict[str, Any]]:
        """Expected supply in scope: open purchase order lines and transfers in transit."""
        statement = q.incoming(channel_id is not None, location_ids is not None)
        params = {"sku_ids": list(sku_ids), "channel_id": channel_id}
        return self._rows(statement, {**params, "location_ids": list(location_ids or [])})

    def stock_and_supply(
        self,
        sku_ids: Sequence[str],
        supply_sku_ids: Sequence[str],
        channel_id: str | None,
        location_ids: Sequence[str] | None,
        now: datetime,
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """``balances(sku_ids, ...)`` and ``incoming(supply_sku_ids, ...)`` in one statement;
        balances in SKU and location id order, sorted here: cheaper than in PostgreSQL, and
        generated ids (prefix, then digits and capitals) sort alike in every collation."""
        statement = q.stock_and_supply(channel_id is not None, location_ids is not None)
        params = {
            "sku_ids": list(sku_ids),
            "supply_sku_ids": list(supply_sku_ids),
            "now": now,
            "channel_id": channel_id,
            "location_ids": list(location_ids or []),
        }
        stock: list[dict[str, Any]] = []
        supply: list[dict[str, Any]] = []
        for row in self.conn.execute(statement, params).all():
            if row[0] == "stock":
                stock.append(dict(zip(_STOCK, row[1:_SPLIT], strict=True)))
            else:
                supply.append(dict(zip(_SUPPLY, row[1:3] + row[_SPLIT:], strict=True)))
        stock.sort(key=lambda r: (r["sku_id"], r["location_id"]))
        return stock, supply

    def protections(self, channel_id: str, sku_ids: Sequence[str]) -> dict[str | None, int]:
        """Protected units: per SKU id, and the channel default under key None (one query)."""
        rows = self.conn.execute(
            q.protections(), {"channel_id": channel_id, "sku_ids": list(sku_ids)}
        )
        return {r[0]: r[1] for r in rows}

    def feed_page(
        self, channel_id: str, after_id: str | None, limit: int, now: datetime
    ) -> list[dict[str, Any]]:
        """Up to ``limit + 1`` active SKUs after ``after_id`` with the channel's figures."""
        params = {"channel_id": channel_id, "after_id": after_id, "limit": limit + 1, "now": now}
        return self._rows(q.feed_page(after_id is not None), params)

    def kit_balances(
        self, kit_ids: Sequence[str], channel_id: str | None, now: datetime
    ) -> list[dict[str, Any]]:
        params = {"kit_ids": list(kit_ids), "channel_id": channel_id, "now": now}
        return self._rows(q.kit_balances(channel_id is not None), params)
