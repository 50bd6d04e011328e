"""SQL for webhook endpoints and the delivery log as the API reads and changes them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from switchyard.db.crud import keyset_page, update_versioned
from switchyard.webhooks.domain import DELIVERING, PENDING
from switchyard.webhooks.tables import webhook_attempts, webhook_deliveries, webhook_endpoints


class EndpointRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, row: dict[str, Any]) -> None:
        self.conn.execute(insert(webhook_endpoints).values(**row))

    def get(self, endpoint_id: str) -> dict[str, Any] | None:
        query = select(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id)
        row = self.conn.execute(query).mappings().first()
        return dict(row) if row else None

    def page(
        self, *, enabled: bool | None, after_id: str | None, limit: int
    ) -> list[dict[str, Any]]:
        where = [] if enabled is None else [webhook_endpoints.c.enabled == enabled]
        return keyset_page(
            self.conn, webhook_endpoints, where=where, after_id=after_id, limit=limit
        )

    def update(self, endpoint_id: str, version: int, values: dict[str, Any]) -> bool:
        return update_versioned(self.conn, webhook_endpoints, endpoint_id, version, values)

    def delete(self, endpoint_id: str, version: int) -> bool:
        """Delete the endpoint and, by cascade, its deliveries and their attempts."""
        result = self.conn.execute(
            delete(webhook_endpoints).where(
                webhook_endpoints.c.id == endpoint_id, webhook_endpoints.c.version == version
            )
        )
        return result.rowcount == 1

    def enabled(self) -> list[dict[str, Any]]:
        """What the relay needs to match events against every enabled endpoint."""
        e = webhook_endpoints
        query = select(e.c.id, e.c.event_types, e.c.channel_ids, e.c.created_at).where(
            e.c.enabled.is_(True)
        )
        return [dict(r) for r in self.conn.execute(query.order_by(e.c.id)).mappings()]

    def disable_gone(self, endpoint_id: str, now: datetime) -> bool:
        """Disable an endpoint that answered 410 Gone (once, whoever sees it first)."""
        e = webhook_endpoints
        result = self.conn.execute(
            update(e)
            .where(e.c.id == endpoint_id, e.c.enabled.is_(True))
            .values(enabled=False, disabled_reason="gone", version=e.c.version + 1, updated_at=now)
        )
        return result.rowcount == 1


class DeliveryRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, delivery_id: str) -> dict[str, Any] | None:
        query = select(webhook_deliveries).where(webhook_deliveries.c.id == delivery_id)
        row = self.conn.execute(query).mappings().first()
        return dict(row) if row else None

    def page(
        self,
        *,
        endpoint_id: str | None,
        status: str | None,
        event_type: str | None,
        order_id: str | None,
        after_id: str | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        d = webhook_deliveries
        where = []
        if endpoint_id:
            where.append(d.c.endpoint_id == endpoint_id)
        if status:
            where.append(d.c.status == status)
        if event_type:
            where.append(d.c.event_type == event_type)
        if order_id:
            where.append(d.c.order_id == order_id)
        return keyset_page(self.conn, d, where=where, after_id=after_id, limit=limit)

    def attempts(self, delivery_id: str) -> list[dict[str, Any]]:
        a = webhook_attempts
        query = select(a).where(a.c.delivery_id == delivery_id).order_by(a.c.number)
        return [dict(r) for r in self.conn.execute(query).mappings()]

    def reset_for_retry(self, delivery_id: str, now: datetime) -> bool:
        """Queue a delivery again now, with a fresh retry window, unless it is in flight."""
        d = webhook_deliveries
        result = self.conn.execute(
            update(d)
            .where(d.c.id == delivery_id, d.c.status != DELIVERING)
            .values(
                status=PENDING,
                next_attempt_at=now,
                retry_from=now,
                claim_token=None,
                lease_expires_at=None,
                completed_at=None,
                updated_at=now,
            )
        )
        return result.rowcount == 1
