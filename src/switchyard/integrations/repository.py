"""All SQL of integrations: partners, inbound messages, their bytes and results."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from switchyard.integrations.tables import (
    inbound_message_chunks,
    inbound_message_orders,
    inbound_messages,
    integration_partners,
)

P, M, C, R = (
    integration_partners.c,
    inbound_messages.c,
    inbound_message_chunks.c,
    inbound_message_orders.c,
)


class IntegrationRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- partners ----------------------------------------------------------------------
    def insert_partner(self, row: dict[str, Any]) -> None:
        self.conn.execute(insert(integration_partners).values(**row))

    def partner(self, ref: str) -> dict[str, Any] | None:
        query = select(integration_partners).where((P.id == ref) | (P.code == ref))
        found = self.conn.execute(query).mappings().first()
        return dict(found) if found else None

    def partner_by_sender(self, format_: str, sender: str) -> dict[str, Any] | None:
        query = select(integration_partners).where(P.format == format_, P.sender_id == sender)
        found = self.conn.execute(query.order_by(P.id).limit(1)).mappings().first()
        return dict(found) if found else None

    def partners(self) -> list[dict[str, Any]]:
        query = select(integration_partners).order_by(P.code)
        return [dict(r) for r in self.conn.execute(query).mappings()]

    # -- messages ----------------------------------------------------------------------
    def message_by_checksum(self, format_: str, checksum: str) -> dict[str, Any] | None:
        query = select(inbound_messages).where(M.format == format_, M.checksum == checksum)
        found = self.conn.execute(query).mappings().first()
        return dict(found) if found else None

    def insert_message(self, row: dict[str, Any]) -> None:
        self.conn.execute(insert(inbound_messages).values(**row))

    def insert_chunk(self, message_id: str, seq: int, data: bytes) -> None:
        self.conn.execute(
            insert(inbound_message_chunks).values(message_id=message_id, seq=seq, data=data)
        )

    def chunk(self, message_id: str, seq: int) -> bytes | None:
        query = select(C.data).where(C.message_id == message_id, C.seq == seq)
        found = self.conn.execute(query).scalar()
        return bytes(found) if found is not None else None

    def message(self, message_id: str) -> dict[str, Any] | None:
        found = self.conn.execute(select(inbound_messages).where(M.id == message_id))
        row = found.mappings().first()
        return dict(row) if row else None

    def messages(self, limit: int, before: str | None, status: str | None) -> list[dict[str, Any]]:
        query = select(inbound_messages).order_by(M.id.desc()).limit(limit)
        if before:
            query = query.where(M.id < before)
        if status:
            query = query.where(M.status == status)
        return [dict(r) for r in self.conn.execute(query).mappings()]

    def update_message(self, message_id: str, **values: Any) -> None:
        self.conn.execute(update(inbound_messages).where(M.id == message_id).values(**values))

    # -- per-order results -------------------------------------------------------------
    def insert_result(self, row: dict[str, Any]) -> None:
        self.conn.execute(insert(inbound_message_orders).values(**row))

    def results(self, message_id: str) -> list[dict[str, Any]]:
        query = select(inbound_message_orders).where(R.message_id == message_id)
        return [dict(r) for r in self.conn.execute(query.order_by(R.seq)).mappings()]

    def settled_seqs(self, message_id: str) -> set[int]:
        """Orders of the message that are placed (or were found placed): kept on reprocess."""
        query = select(R.seq).where(R.message_id == message_id, R.status != "rejected")
        return {int(s) for s in self.conn.execute(query).scalars()}

    def forget_rejections(self, message_id: str) -> None:
        self.conn.execute(
            delete(inbound_message_orders).where(R.message_id == message_id, R.status == "rejected")
        )

    def count_results(self, message_id: str) -> dict[str, int]:
        counts = {"placed": 0, "duplicate": 0, "rejected": 0}
        for status in self.conn.execute(
            select(R.status).where(R.message_id == message_id)
        ).scalars():
            counts[str(status)] = counts.get(str(status), 0) + 1
        return counts

    def delete_results(self, message_id: str, seqs: Sequence[int]) -> None:
        if seqs:
            self.conn.execute(
                delete(inbound_message_orders).where(
                    R.message_id == message_id, R.seq.in_(list(seqs))
                )
            )
