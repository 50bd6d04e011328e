from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, insert, select

from switchyard.channels.tables import channel_locations, channels
from switchyard.db.crud import get_by_id_or_code, keyset_page, update_versioned


class ChannelRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, row: dict[str, Any]) -> None:
        self.conn.execute(insert(channels).values(**row))

    def get(self, ref: str) -> dict[str, Any] | None:
        return get_by_id_or_code(self.conn, channels, ref)

    def code_taken(self, code: str) -> bool:
        return (
            self.conn.execute(select(channels.c.id).where(channels.c.code == code)).first()
            is not None
        )

    def page(self, *, type_: str | None, after_id: str | None, limit: int) -> list[dict[str, Any]]:
        where = [channels.c.type == type_] if type_ else []
        return keyset_page(self.conn, channels, where=where, after_id=after_id, limit=limit)

    def update(self, channel_id: str, version: int, values: dict[str, Any]) -> bool:
        return update_versioned(self.conn, channels, channel_id, version, values)

    def location_ids(self, channel_id: str) -> list[str]:
        rows = self.conn.execute(
            select(channel_locations.c.location_id)
            .where(channel_locations.c.channel_id == channel_id)
            .order_by(channel_locations.c.location_id)
        )
        return [r[0] for r in rows]

    def set_location_ids(self, channel_id: str, location_ids: list[str]) -> None:
        self.conn.execute(
            delete(channel_locations).where(channel_locations.c.channel_id == channel_id)
        )
        if location_ids:
            self.conn.execute(
                insert(channel_locations),
                [{"channel_id": channel_id, "location_id": loc} for loc in location_ids],
            )
