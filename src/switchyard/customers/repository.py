"""All customer SQL: customers and their address books."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, bindparam, insert, or_, select
from sqlalchemy.exc import IntegrityError

from switchyard.customers.tables import customer_addresses, customers
from switchyard.db import pending_writes
from switchyard.db.crud import insert_ignoring_duplicates, keyset_page, update_versioned

_BY_EMAIL = select(customers).where(customers.c.email == bindparam("email"))


class EmailTaken(Exception):
    """Another customer already has the email."""


class CustomerRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def by_email(self, email: str) -> dict[str, Any] | None:
        row = self.conn.execute(_BY_EMAIL, {"email": email.strip().lower()}).mappings().first()
        return dict(row) if row else None

    def get(self, customer_id: str) -> dict[str, Any] | None:
        query = select(customers).where(customers.c.id == customer_id)
        row = self.conn.execute(query).mappings().first()
        return dict(row) if row else None

    def opted_out(self, customer_ids: list[str]) -> set[str]:
        """Those of the customers who want no non-essential emails."""
        query = select(customers.c.id).where(
            customers.c.id.in_(customer_ids), customers.c.email_opt_out.is_(True)
        )
        return set(self.conn.execute(query).scalars())

    def add(self, row: dict[str, Any]) -> None:
        self.conn.execute(insert(customers).values(**row))

    def add_if_new_email(self, row: dict[str, Any]) -> bool:
        """Insert unless a customer with the email exists (or is being inserted right now).

        On PostgreSQL a concurrent insert of the same email makes this wait for the other
        transaction; if that commits, nothing is inserted and the caller can read its row.
        RETURNING, not rowcount, says whether a row went in (psycopg's rowcount is unreliable
        for INSERT ... ON CONFLICT).
        """
        stmt = insert_ignoring_duplicates(self.conn, customers).returning(customers.c.id)
        return self.conn.execute(stmt, row).first() is not None

    def add_new_email(self, row: dict[str, Any], if_taken: Callable[[], None]) -> None:
        """Insert the customer; if its email is taken meanwhile, nothing of the unit of work
        is written and ``if_taken`` is called (it raises). On PostgreSQL the row goes with
        the unit of work's other inserts (``pending_writes``), and so may the call."""
        pending_writes.insert(self.conn, customers, [row], if_ignored=if_taken)

    def page(
        self,
        *,
        email: str | None,
        q: str | None,
        after_id: str | None,
        limit: int,
        among: Select[Any] | None = None,
    ) -> list[dict[str, Any]]:
        """``among``: only the customers whose ids this query selects."""
        where: list[ColumnElement[bool]] = [] if among is None else [customers.c.id.in_(among)]
        if email:
            where.append(customers.c.email == email.strip().lower())
        if q:
            where.append(
                or_(
                    customers.c.name.icontains(q, autoescape=True),
                    customers.c.email.icontains(q, autoescape=True),
                    customers.c.phone.icontains(q, autoescape=True),
                )
            )
        return keyset_page(self.conn, customers, where=where, after_id=after_id, limit=limit)

    def update(self, customer_id: str, version: int, values: dict[str, Any]) -> bool:
        """Versioned update; raises EmailTaken if a concurrent writer took the new email."""
        try:
            return update_versioned(self.conn, customers, customer_id, version, values)
        except IntegrityError as exc:
            raise EmailTaken(values.get("email")) from exc


class AddressRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add_if_new(self, row: dict[str, Any]) -> bool:
        """Insert unless the customer already has an address with the same fingerprint."""
        stmt = insert_ignoring_duplicates(self.conn, customer_addresses).returning(
            customer_addresses.c.id
        )
        return self.conn.execute(stmt, row).first() is not None

    def by_fingerprint(self, customer_id: str, fingerprint: str) -> dict[str, Any] | None:
        query = select(customer_addresses).where(
            customer_addresses.c.customer_id == customer_id,
            customer_addresses.c.fingerprint == fingerprint,
        )
        row = self.conn.execute(query).mappings().first()
        return dict(row) if row else None

    def page(self, customer_id: str, *, after_id: str | None, limit: int) -> list[dict[str, Any]]:
        where = [customer_addresses.c.customer_id == customer_id]
        return keyset_page(
            self.conn, customer_addresses, where=where, after_id=after_id, limit=limit
        )
