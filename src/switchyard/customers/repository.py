from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select

from switchyard.customers.tables import customers


class CustomerRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def by_email(self, email: str) -> dict[str, Any] | None:
        row = (
            self.conn.execute(select(customers).where(customers.c.email == email.strip().lower()))
            .mappings()
            .first()
        )
        return dict(row) if row else None

    def add(self, row: dict[str, Any]) -> None:
        self.conn.execute(insert(customers).values(**row))
