from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, delete, insert, or_, select

from switchyard.db.crud import get_by_id_or_code, keyset_page, update_versioned
from switchyard.rules.tables import company_rules


class RuleRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, row: dict[str, Any]) -> None:
        self.conn.execute(insert(company_rules).values(**row))

    def get(self, ref: str) -> dict[str, Any] | None:
        return get_by_id_or_code(self.conn, company_rules, ref)

    def code_taken(self, code: str) -> bool:
        query = select(company_rules.c.id).where(company_rules.c.code == code)
        return self.conn.execute(query).first() is not None

    def page(
        self,
        *,
        channel_id: str | None,
        global_only: bool,
        kind: str | None,
        active: bool | None,
        after_id: str | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        where: list[ColumnElement[bool]] = []
        if global_only:
            where.append(company_rules.c.channel_id.is_(None))
        elif channel_id is not None:
            where.append(company_rules.c.channel_id == channel_id)
        if kind:
            where.append(company_rules.c.kind == kind)
        if active is not None:
            where.append(company_rules.c.active == active)
        return keyset_page(self.conn, company_rules, where=where, after_id=after_id, limit=limit)

    def active_for_channel(self, channel_id: str | None) -> list[dict[str, Any]]:
        """Active rules of the channel and the global ones, in creation order."""
        scope: ColumnElement[bool] = company_rules.c.channel_id.is_(None)
        if channel_id is not None:
            scope = or_(scope, company_rules.c.channel_id == channel_id)
        query = (
            select(company_rules)
            .where(company_rules.c.active.is_(True), scope)
            .order_by(company_rules.c.id)
        )
        return [dict(r) for r in self.conn.execute(query).mappings()]

    def update(self, rule_id: str, version: int, values: dict[str, Any]) -> bool:
        return update_versioned(self.conn, company_rules, rule_id, version, values)

    def delete(self, rule_id: str, version: int) -> bool:
        result = self.conn.execute(
            delete(company_rules).where(
                company_rules.c.id == rule_id, company_rules.c.version == version
            )
        )
        return result.rowcount == 1
