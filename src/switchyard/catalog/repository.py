"""All catalog SQL: products, SKUs, kit components and prices."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, delete, insert, or_, select, text

from switchyard.catalog.tables import kit_components, prices, products, skus
from switchyard.channels.tables import channels
from switchyard.db.crud import (
    get_by_id_or_code,
    insert_ignoring_duplicates,
    keyset_page,
    update_versioned,
)

# Any constant works: it names the one lock that serialises edits of kit structures.
KIT_GRAPH_LOCK = 0x5C47A106


class ProductRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add_many(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.conn.execute(insert(products), rows)

    def get(self, product_id: str) -> dict[str, Any] | None:
        row = self.conn.execute(select(products).where(products.c.id == product_id)).mappings()
        found = row.first()
        return dict(found) if found else None

    def names(self, ids: list[str]) -> dict[str, str]:
        """The name of each of these products that exists, keyed by id."""
        query = select(products.c.id, products.c.name).where(products.c.id.in_(set(ids)))
        return {r.id: r.name for r in self.conn.execute(query)}

    def page(self, *, q: str | None, after_id: str | None, limit: int) -> list[dict[str, Any]]:
        where = [products.c.name.icontains(q, autoescape=True)] if q else []
        return keyset_page(self.conn, products, where=where, after_id=after_id, limit=limit)

    def update(self, product_id: str, version: int, values: dict[str, Any]) -> bool:
        return update_versioned(self.conn, products, product_id, version, values)


class SkuRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def by_codes(self, codes: list[str]) -> dict[str, dict[str, Any]]:
        """SKU rows keyed by SKU code, for the codes that exist."""
        rows = self.conn.execute(select(skus).where(skus.c.sku.in_(set(codes)))).mappings()
        return {r["sku"]: dict(r) for r in rows}

    def by_refs(self, refs: list[str]) -> dict[str, dict[str, Any]]:
        """SKU rows keyed by each given reference (an id or a SKU code) that exists."""
        unique = set(refs)
        query = select(skus).where(or_(skus.c.id.in_(unique), skus.c.sku.in_(unique)))
        found: dict[str, dict[str, Any]] = {}
        for r in self.conn.execute(query).mappings():
            for key in (r["id"], r["sku"]):
                if key in unique:
                    found[key] = dict(r)
        return found

    def get(self, ref: str) -> dict[str, Any] | None:
        return get_by_id_or_code(self.conn, skus, ref, "sku")

    def page(
        self,
        *,
        product_id: str | None,
        active: bool | None,
        q: str | None,
        barcode: str | None,
        after_id: str | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        where = []
        if product_id:
            where.append(skus.c.product_id == product_id)
        if active is not None:
            where.append(skus.c.active == active)
        if barcode:
            where.append(skus.c.barcode == barcode)
        if q:
            where.append(
                or_(
                    skus.c.sku.icontains(q, autoescape=True),
                    skus.c.name.icontains(q, autoescape=True),
                )
            )
        return keyset_page(self.conn, skus, where=where, after_id=after_id, limit=limit)

    def insert_new(self, rows: list[dict[str, Any]]) -> set[str]:
        """Insert the rows whose SKU code is free; returns the codes actually inserted."""
        if not rows:
            return set()
        stmt = insert_ignoring_duplicates(self.conn, skus).returning(skus.c.sku)
        return {r.sku for r in self.conn.execute(stmt, rows)}

    def update(self, sku_id: str, version: int, values: dict[str, Any]) -> bool:
        return update_versioned(self.conn, skus, sku_id, version, values)

    def lock_kit_graph(self) -> None:
        """Serialise kit edits, so two concurrent edits cannot close a loop between them.

        SQLite needs nothing: its write transactions already run one at a time.
        """
        if self.conn.dialect.name == "postgresql":
            self.conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": KIT_GRAPH_LOCK})

    def components_of(self, kit_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        """Each kit's components (sku_id, sku, quantity), in SKU code order."""
        if not kit_ids:
            return {}
        query = (
            select(
                kit_components.c.kit_sku_id,
                kit_components.c.component_sku_id.label("sku_id"),
                skus.c.sku,
                kit_components.c.quantity,
            )
            .join(skus, skus.c.id == kit_components.c.component_sku_id)
            .where(kit_components.c.kit_sku_id.in_(set(kit_ids)))
            .order_by(kit_components.c.kit_sku_id, skus.c.sku)
        )
        found: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in self.conn.execute(query).mappings():
            found[r["kit_sku_id"]].append(
                {"sku_id": r["sku_id"], "sku": r["sku"], "quantity": r["quantity"]}
            )
        return dict(found)

    def children_of(self, sku_ids: set[str]) -> dict[str, list[str]]:
        query = select(kit_components.c.kit_sku_id, kit_components.c.component_sku_id).where(
            kit_components.c.kit_sku_id.in_(sku_ids)
        )
        found: dict[str, list[str]] = defaultdict(list)
        for kit_id, component_id in self.conn.execute(query):
            found[kit_id].append(component_id)
        return dict(found)

    def replace_components(self, kit_id: str, components: list[dict[str, Any]]) -> None:
        self.conn.execute(delete(kit_components).where(kit_components.c.kit_sku_id == kit_id))
        if components:
            rows = [{"kit_sku_id": kit_id, **c} for c in components]
            self.conn.execute(insert(kit_components), rows)

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

    def prices_of(self, sku_id: str) -> list[dict[str, Any]]:
        """Every price of one SKU with its channel's code, by channel code and currency."""
        query = (
            select(
                prices.c.channel_id,
                channels.c.code.label("channel_code"),
                prices.c.currency,
                prices.c.amount,
            )
            .join(channels, channels.c.id == prices.c.channel_id)
            .where(prices.c.sku_id == sku_id)
            .order_by(channels.c.code, prices.c.currency)
        )
        return [dict(r) for r in self.conn.execute(query).mappings()]

    def channel_ids(self, refs: list[str]) -> dict[str, str]:
        """Channel ids keyed by each given reference (an id or a code) that exists."""
        unique = set(refs)
        query = select(channels.c.id, channels.c.code).where(
            or_(channels.c.id.in_(unique), channels.c.code.in_(unique))
        )
        found = {}
        for r in self.conn.execute(query):
            found.update({key: r.id for key in (r.id, r.code) if key in unique})
        return found

    def add_prices(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.conn.execute(insert(prices), rows)

    def replace_prices(self, sku_id: str, rows: list[dict[str, Any]]) -> None:
        self.conn.execute(delete(prices).where(prices.c.sku_id == sku_id))
        self.add_prices(rows)
