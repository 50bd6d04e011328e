"""returns, refunds and non-sellable stock (issue 16)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 22:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import switchyard.db.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _time(name: str, nullable: bool) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, switchyard.db.types.UTCDateTime(timezone=True), nullable=nullable)


def _amount(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, switchyard.db.types.Amount(), nullable=False)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "nonsellable_stock",
        sa.Column("sku_id", sa.String(length=40), nullable=False),
        sa.Column("location_id", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        _time("updated_at", False),
        sa.CheckConstraint(
            "quantity >= 0", name=op.f("ck_nonsellable_stock_quantity_not_negative")
        ),
        _fk("nonsellable_stock", "sku_id", "skus"),
        _fk("nonsellable_stock", "location_id", "locations"),
        sa.PrimaryKeyConstraint(
            "sku_id", "location_id", "status", name=op.f("pk_nonsellable_stock")
        ),
    )
    with op.batch_alter_table("nonsellable_stock", schema=None) as batch_op:
        batch_op.create_index("ix_nonsellable_stock_location_id", ["location_id"], unique=False)

    op.create_table(
        "nonsellable_movements",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("sku_id", sa.String(length=40), nullable=False),
        sa.Column("location_id", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("reference", sa.String(length=100), nullable=True),
        _time("occurred_at", False),
        sa.Column("actor_id", sa.String(length=40), nullable=False),
        _fk("nonsellable_movements", "sku_id", "skus"),
        _fk("nonsellable_movements", "location_id", "locations"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nonsellable_movements")),
    )
    with op.batch_alter_table("nonsellable_movements", schema=None) as batch_op:
        batch_op.create_index(
            "ix_nonsellable_movements_sku_location", ["sku_id", "location_id"], unique=False
        )

    op.create_table(
        "returns",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("order_id", sa.String(length=40), nullable=False),
        sa.Column("channel_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("location_id", sa.String(length=40), nullable=True),
        sa.Column("carrier", sa.String(length=40), nullable=True),
        sa.Column("tracking_number", sa.String(length=100), nullable=True),
        sa.Column("shipping_paid_by", sa.String(length=12), nullable=False),
        sa.Column("replacement_order_id", sa.String(length=40), nullable=True),
        sa.Column("note", sa.String(length=2000), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _time("created_at", False),
        _time("updated_at", False),
        _time("received_at", True),
        _fk("returns", "order_id", "orders"),
        _fk("returns", "channel_id", "channels"),
        _fk("returns", "location_id", "locations"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_returns")),
    )
    with op.batch_alter_table("returns", schema=None) as batch_op:
        batch_op.create_index("ix_returns_order_id", ["order_id"], unique=False)
        batch_op.create_index("ix_returns_status_id", ["status", "id"], unique=False)
        batch_op.create_index("ix_returns_tracking_number", ["tracking_number"], unique=False)

    op.create_table(
        "return_lines",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("return_id", sa.String(length=40), nullable=False),
        sa.Column("order_line_id", sa.String(length=40), nullable=False),
        sa.Column("sku_id", sa.String(length=40), nullable=False),
        sa.Column("sku", sa.String(length=100), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("restocked", sa.Integer(), nullable=False),
        sa.Column("damaged", sa.Integer(), nullable=False),
        sa.Column("return_to_vendor", sa.Integer(), nullable=False),
        sa.Column("destroyed", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_return_lines_quantity_positive")),
        sa.CheckConstraint(
            "received >= 0 AND received <= quantity",
            name=op.f("ck_return_lines_received_within_quantity"),
        ),
        sa.CheckConstraint(
            "restocked + damaged + return_to_vendor + destroyed <= received",
            name=op.f("ck_return_lines_dispositions_within_received"),
        ),
        _fk("return_lines", "return_id", "returns"),
        _fk("return_lines", "order_line_id", "order_lines"),
        _fk("return_lines", "sku_id", "skus"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_lines")),
    )
    with op.batch_alter_table("return_lines", schema=None) as batch_op:
        batch_op.create_index("ix_return_lines_return_id", ["return_id"], unique=False)
        batch_op.create_index("ix_return_lines_order_line_id", ["order_line_id"], unique=False)

    op.create_table(
        "refunds",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("order_id", sa.String(length=40), nullable=False),
        sa.Column("return_id", sa.String(length=40), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        _amount("goods"),
        _amount("shipping"),
        _amount("fee"),
        _amount("adjustment"),
        _amount("amount"),
        _amount("tax"),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("transactions", sa.JSON(), nullable=False),
        sa.Column("credit_notes", sa.JSON(), nullable=False),
        _time("created_at", False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_refunds_amount_positive")),
        _fk("refunds", "order_id", "orders"),
        _fk("refunds", "return_id", "returns"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refunds")),
    )
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.create_index("ix_refunds_order_id", ["order_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.drop_index("ix_refunds_order_id")
    op.drop_table("refunds")
    with op.batch_alter_table("return_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_return_lines_order_line_id")
        batch_op.drop_index("ix_return_lines_return_id")
    op.drop_table("return_lines")
    with op.batch_alter_table("returns", schema=None) as batch_op:
        batch_op.drop_index("ix_returns_tracking_number")
        batch_op.drop_index("ix_returns_status_id")
        batch_op.drop_index("ix_returns_order_id")
    op.drop_table("returns")
    with op.batch_alter_table("nonsellable_movements", schema=None) as batch_op:
        batch_op.drop_index("ix_nonsellable_movements_sku_location")
    op.drop_table("nonsellable_movements")
    with op.batch_alter_table("nonsellable_stock", schema=None) as batch_op:
        batch_op.drop_index("ix_nonsellable_stock_location_id")
    op.drop_table("nonsellable_stock")
