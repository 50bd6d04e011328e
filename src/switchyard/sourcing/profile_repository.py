"""SQL for sourcing profiles: versions per channel and which one each channel uses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from switchyard.channels.tables import channels
from switchyard.db.crud import insert_for, keyset_page
from switchyard.sourcing.tables import sourcing_active_profiles, sourcing_profiles

P = sourcing_profiles.c
A = sourcing_active_profiles.c


class ProfileRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add_profile(self, row: dict[str, Any]) -> None:
        self.conn.execute(insert(sourcing_profiles).values(**row))

    def get_profile(self, profile_id: str, *, lock: bool = False) -> dict[str, Any] | None:
        query = select(sourcing_profiles).where(P.id == profile_id)
        if lock:
            query = query.with_for_update()
        row = self.conn.execute(query).mappings().first()
        return dict(row) if row else None

    def next_version(self, channel_id: str) -> int:
        found = self.conn.execute(
            select(func.max(P.version)).where(P.channel_id == channel_id)
        ).scalar()
        return int(found or 0) + 1

    def page_profiles(
        self, *, channel_id: str | None, status: str | None, after_id: str | None, limit: int
    ) -> list[dict[str, Any]]:
        where = []
        if channel_id is not None:
            where.append(P.channel_id == channel_id)
        if status is not None:
            where.append(P.status == status)
        return keyset_page(
            self.conn, sourcing_profiles, where=where, after_id=after_id, limit=limit
        )

    def update_draft(self, profile_id: str, revision: int, values: dict[str, Any]) -> bool:
        """Change a draft only if nobody changed it since ``revision``."""
        result = self.conn.execute(
            update(sourcing_profiles)
            .where(P.id == profile_id, P.revision == revision, P.status == "draft")
            .values(**values, revision=revision + 1)
        )
        return result.rowcount == 1

    def set_status(self, profile_id: str, status: str, values: dict[str, Any]) -> None:
        self.conn.execute(
            update(sourcing_profiles)
            .where(P.id == profile_id)
            .values(status=status, revision=P.revision + 1, **values)
        )

    def active_profile(self, channel_id: str) -> dict[str, Any] | None:
        row = (
            self.conn.execute(
                select(sourcing_profiles)
                .join(sourcing_active_profiles, A.profile_id == P.id)
                .where(A.channel_id == channel_id)
            )
            .mappings()
            .first()
        )
        return dict(row) if row else None

    def channel_profile(self, channel_id: str) -> tuple[str, dict[str, Any] | None] | None:
        """The channel's currency and its active profile version (None: the default), in
        one query; None if the channel does not exist."""
        query = (
            select(channels.c.currency, sourcing_profiles)
            .select_from(channels)
            .outerjoin(sourcing_active_profiles, A.channel_id == channels.c.id)
            .outerjoin(sourcing_profiles, P.id == A.profile_id)
            .where(channels.c.id == channel_id)
        )
        row = self.conn.execute(query).mappings().first()
        if row is None:
            return None
        profile = {c.name: row[c.name] for c in sourcing_profiles.c}
        return row["currency"], profile if profile["id"] is not None else None

    def active_profile_id(self, channel_id: str, *, lock: bool = False) -> str | None:
        query = select(A.profile_id).where(A.channel_id == channel_id)
        if lock:
            query = query.with_for_update()
        return self.conn.execute(query).scalar()

    def claim_active(self, channel_id: str, profile_id: str, at: datetime) -> bool:
        """Name the channel's first active profile; False if another did so meanwhile."""
        maker = insert_for(self.conn)
        stmt = maker(sourcing_active_profiles).values(
            channel_id=channel_id, profile_id=profile_id, activated_at=at
        )
        claimed = stmt.on_conflict_do_nothing().returning(A.channel_id)
        return self.conn.execute(claimed).first() is not None

    def switch_active(self, channel_id: str, old: str, new: str, at: datetime) -> bool:
        result = self.conn.execute(
            update(sourcing_active_profiles)
            .where(A.channel_id == channel_id, A.profile_id == old)
            .values(profile_id=new, activated_at=at)
        )
        return result.rowcount == 1
