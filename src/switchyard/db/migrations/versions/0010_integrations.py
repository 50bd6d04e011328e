"""integrations: partners, inbound messages, their raw bytes and per-order results (issue 17)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 22:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import switchyard.db.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _time(name: str, nullable: bool) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, switchyard.db.types.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "integration_partners",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("sender_id", sa.String(length=64), nullable=True),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        _time("created_at", False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integration_partners")),
        sa.UniqueConstraint("code", name=op.f("uq_integration_partners_code")),
    )
    with op.batch_alter_table("integration_partners", schema=None) as batch_op:
        batch_op.create_index(
            "ix_integration_partners_format_sender_id", ["format", "sender_id"], unique=False
        )

    op.create_table(
        "inbound_messages",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("partner_id", sa.String(length=40), nullable=True),
        sa.Column("channel", sa.String(length=64), nullable=True),
        sa.Column("filename", sa.String(length=300), nullable=True),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("atomic", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("acknowledgement", sa.Text(), nullable=True),
        _time("received_at", False),
        _time("updated_at", False),
        _time("processed_at", True),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["integration_partners.id"],
            name=op.f("fk_inbound_messages_partner_id_integration_partners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_messages")),
        sa.UniqueConstraint("format", "checksum", name=op.f("uq_inbound_messages_format_checksum")),
    )

    op.create_table(
        "inbound_message_chunks",
        sa.Column("message_id", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["inbound_messages.id"],
            name=op.f("fk_inbound_message_chunks_message_id_inbound_messages"),
        ),
        sa.PrimaryKeyConstraint("message_id", "seq", name=op.f("pk_inbound_message_chunks")),
    )

    op.create_table(
        "inbound_message_orders",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("message_id", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column("position", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("order_id", sa.String(length=40), nullable=True),
        sa.Column("errors", sa.JSON(), nullable=False),
        _time("created_at", False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["inbound_messages.id"],
            name=op.f("fk_inbound_message_orders_message_id_inbound_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_message_orders")),
        sa.UniqueConstraint(
            "message_id", "seq", name=op.f("uq_inbound_message_orders_message_id_seq")
        ),
    )


def downgrade() -> None:
    op.drop_table("inbound_message_orders")
    op.drop_table("inbound_message_chunks")
    op.drop_table("inbound_messages")
    with op.batch_alter_table("integration_partners", schema=None) as batch_op:
        batch_op.drop_index("ix_integration_partners_format_sender_id")
    op.drop_table("integration_partners")
