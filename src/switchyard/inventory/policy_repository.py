"""SQL for selling rules: backorder policies and channel protection quantities."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select

from switchyard.channels.tables import channel_locations, channels
from switchyard.db.crud import upsert
from switchyard.inventory.tables import (
    channel_inventory_settings,
    channel_protections,
    sku_inventory_policies,
)

P = channel_protections.c


class PolicyRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def channel_policy(self, channel_id: str | None) -> str | None:
        if channel_id is None:
            return None
        query = select(channels.c.backorder_policy).where(channels.c.id == channel_id)
        return self.conn.execute(query).scalar_one_or_none()

    def sku_policy(self, sku_id: str) -> str | None:
        query = select(sku_inventory_policies.c.backorder_policy).where(
            sku_inventory_policies.c.sku_id == sku_id
        )
        return self.conn.execute(query).scalar_one_or_none()

    def set_sku_policy(self, sku_id: str, policy: str | None, now: datetime) -> None:
        t = sku_inventory_policies
        if policy is None:
            self.conn.execute(delete(t).where(t.c.sku_id == sku_id))
            return
        row = {"sku_id": sku_id, "backorder_policy": policy, "updated_at": now}
        upsert(self.conn, t, row, ["sku_id"])

    def channel_location_ids(self, channel_id: str) -> list[str]:
        """The channel's locations; an empty list means every location."""
        query = select(channel_locations.c.location_id).where(
            channel_locations.c.channel_id == channel_id
        )
        return sorted(r[0] for r in self.conn.execute(query))

    def protections(self, channel_id: str, sku_ids: list[str] | None) -> dict[str | None, int]:
        """Protected units per SKU id for a channel; key None holds the channel default."""
        found: dict[str | None, int] = {}
        t = channel_inventory_settings
        default = self.conn.execute(
            select(t.c.protection).where(t.c.channel_id == channel_id)
        ).scalar_one_or_none()
        if default is not None:
            found[None] = default
        query = select(P.sku_id, P.quantity).where(P.channel_id == channel_id)
        if sku_ids is not None:
            query = query.where(P.sku_id.in_(sku_ids))
        found.update({r.sku_id: r.quantity for r in self.conn.execute(query)})
        return found

    def set_protection(
        self, channel_id: str, sku_id: str | None, quantity: int | None, now: datetime
    ) -> None:
        """Set (or with ``quantity`` None remove) a per-SKU or channel-wide protection."""
        if sku_id is None:
            t = channel_inventory_settings
            if quantity is None:
                self.conn.execute(delete(t).where(t.c.channel_id == channel_id))
            else:
                row = {"channel_id": channel_id, "protection": quantity, "updated_at": now}
                upsert(self.conn, t, row, ["channel_id"])
            return
        if quantity is None:
            self.conn.execute(
                delete(channel_protections).where(P.channel_id == channel_id, P.sku_id == sku_id)
            )
            return
        row = {"channel_id": channel_id, "sku_id": sku_id, "quantity": quantity, "updated_at": now}
        upsert(self.conn, channel_protections, row, ["channel_id", "sku_id"])

    def list_protections(self, channel_id: str) -> list[dict[str, Any]]:
        query = select(channel_protections).where(P.channel_id == channel_id).order_by(P.sku_id)
        return [dict(r) for r in self.conn.execute(query).mappings()]
