"""console follow-ups: the SKU history index, customers' email opt-out, the one-time
stash of settings pages (issues 14 and 15)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 22:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import switchyard.db.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _time(name: str, nullable: bool) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, switchyard.db.types.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("stock_movements", schema=None) as batch_op:
        batch_op.drop_index("ix_stock_movements_sku_location")
        batch_op.create_index(
            "ix_stock_movements_sku_location_id", ["sku_id", "location_id", "id"], unique=False
        )

    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("email_opt_out", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    op.create_table(
        "console_stash",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=100), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        _time("created_at", False),
        _time("expires_at", False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["user_sessions.id"],
            name=op.f("fk_console_stash_session_id_user_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_stash")),
    )
    with op.batch_alter_table("console_stash", schema=None) as batch_op:
        batch_op.create_index("ix_console_stash_expires_at", ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("console_stash", schema=None) as batch_op:
        batch_op.drop_index("ix_console_stash_expires_at")
    op.drop_table("console_stash")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("email_opt_out")
    with op.batch_alter_table("stock_movements", schema=None) as batch_op:
        batch_op.drop_index("ix_stock_movements_sku_location_id")
        batch_op.create_index(
            "ix_stock_movements_sku_location", ["sku_id", "location_id"], unique=False
        )
