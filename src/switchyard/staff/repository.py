"""SQL for staff users, roles, sessions and the console's one-time stash."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from switchyard.staff.domain import Role, User
from switchyard.staff.tables import console_stash, roles, user_sessions, users


def _user(row: Any) -> User:
    locations = row["location_ids"]
    return User(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        role=row["role"],
        location_ids=tuple(locations) if locations is not None else None,
        time_zone=row["time_zone"],
        failed_sign_ins=row["failed_sign_ins"],
        locked_until=row["locked_until"],
        disabled_at=row["disabled_at"],
    )


def _role(row: Any) -> Role:
    return Role(row["name"], row["description"], tuple(row["scopes"]), row["location_bound"])


class RoleRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, name: str) -> Role | None:
        row = self.conn.execute(select(roles).where(roles.c.name == name)).mappings().first()
        return _role(row) if row else None

    def list(self) -> list[Role]:
        rows = self.conn.execute(select(roles).order_by(roles.c.name)).mappings()
        return [
            Role(r["name"], r["description"], tuple(r["scopes"]), r["location_bound"]) for r in rows
        ]


class UserRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, row: dict[str, Any]) -> None:
        self.conn.execute(insert(users).values(**row))

    def get(self, user_id: str) -> User | None:
        row = self.conn.execute(select(users).where(users.c.id == user_id)).mappings().first()
        return _user(row) if row else None

    def by_email(self, email: str) -> tuple[User, str] | None:
        """The user and their password hash."""
        row = self.conn.execute(select(users).where(users.c.email == email)).mappings().first()
        return (_user(row), row["password_hash"]) if row else None

    def page(self, *, after_email: str | None, limit: int) -> list[User]:
        """Up to ``limit + 1`` users by email after ``after_email`` (keyset on the unique
        email index)."""
        query = select(users)
        if after_email is not None:
            query = query.where(users.c.email > after_email)
        rows = self.conn.execute(query.order_by(users.c.email).limit(limit + 1)).mappings()
        return [_user(r) for r in rows]

    def list(self) -> list[User]:
        rows = self.conn.execute(select(users).order_by(users.c.email)).mappings()
        return [_user(r) for r in rows]

    def update(self, user_id: str, **values: Any) -> bool:
        result = self.conn.execute(update(users).where(users.c.id == user_id).values(**values))
        return result.rowcount == 1

    def count_failure(self, user_id: str) -> int:
        """One more wrong password, counted in the database (two tabs cannot lose one)."""
        row = self.conn.execute(
            update(users)
            .where(users.c.id == user_id)
            .values(failed_sign_ins=users.c.failed_sign_ins + 1)
            .returning(users.c.failed_sign_ins)
        ).one()
        return int(row[0])


class SessionRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, row: dict[str, Any]) -> None:
        self.conn.execute(insert(user_sessions).values(**row))

    def live(self, session_id: str) -> dict[str, Any] | None:
        row = (
            self.conn.execute(
                select(user_sessions).where(
                    user_sessions.c.id == session_id, user_sessions.c.ended_at.is_(None)
                )
            )
            .mappings()
            .first()
        )
        return dict(row) if row else None

    def touch(self, session_id: str, now: datetime) -> None:
        self.conn.execute(
            update(user_sessions).where(user_sessions.c.id == session_id).values(last_seen_at=now)
        )

    def end(self, session_id: str, now: datetime) -> None:
        self.conn.execute(
            update(user_sessions)
            .where(user_sessions.c.id == session_id, user_sessions.c.ended_at.is_(None))
            .values(ended_at=now)
        )

    def end_all(self, user_id: str, now: datetime) -> int:
        result = self.conn.execute(
            update(user_sessions)
            .where(user_sessions.c.user_id == user_id, user_sessions.c.ended_at.is_(None))
            .values(ended_at=now)
        )
        return result.rowcount


class StashRepository:
    """What a page shows once (``staff.stash``)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, row: dict[str, Any]) -> None:
        self.conn.execute(insert(console_stash).values(**row))

    def purge_expired(self, now: datetime) -> int:
        result = self.conn.execute(delete(console_stash).where(console_stash.c.expires_at <= now))
        return int(result.rowcount or 0)

    def take(
        self, stash_id: str, session_id: str, kind: str, now: datetime
    ) -> dict[str, Any] | None:
        """Delete the entry and return its payload, if it is this session's, of this kind
        and not expired; a second take of the same entry finds nothing."""
        c = console_stash.c
        stmt = (
            delete(console_stash)
            .where(c.id == stash_id, c.session_id == session_id, c.kind == kind, c.expires_at > now)
            .returning(c.payload)
        )
        row = self.conn.execute(stmt).first()
        return dict(row[0]) if row else None
