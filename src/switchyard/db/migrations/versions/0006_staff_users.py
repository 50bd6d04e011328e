"""staff users, roles and console sessions (issue 14)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 21:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import switchyard.db.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The roles a database starts with (switchyard.staff.domain.DEFAULT_ROLES at the time).
ROLES = [
    {
        "name": "admin",
        "description": "Everything, including settings and users",
        "scopes": ["admin"],
        "location_bound": False,
    },
    {
        "name": "customer_service",
        "description": (
            "Orders and customers on behalf of the customer: capture, amend, cancel, hold"
        ),
        "scopes": [
            "carriers:read",
            "catalog:read",
            "channels:read",
            "customers:read",
            "customers:write",
            "fulfillment:read",
            "inventory:read",
            "locations:read",
            "orders:read",
            "orders:write",
            "payments:read",
            "payments:write",
            "sourcing:read",
        ],
        "location_bound": False,
    },
    {
        "name": "store_associate",
        "description": (
            "Fulfilment and stock at their stores: accept, pick, pack, hand over pickups"
        ),
        "scopes": [
            "catalog:read",
            "customers:read",
            "fulfillment:write",
            "inventory:write",
            "locations:read",
            "orders:read",
        ],
        "location_bound": True,
    },
    {
        "name": "warehouse",
        "description": (
            "Fulfilment and stock at their warehouses: waves, pick, pack, ship, counts"
        ),
        "scopes": [
            "carriers:read",
            "catalog:read",
            "fulfillment:write",
            "inventory:write",
            "locations:read",
            "orders:read",
        ],
        "location_bound": True,
    },
    {
        "name": "merchandiser",
        "description": "Catalog, stock and planning across the network",
        "scopes": [
            "catalog:write",
            "channels:read",
            "inventory:write",
            "locations:read",
            "orders:read",
            "sourcing:read",
        ],
        "location_bound": False,
    },
    {
        "name": "viewer",
        "description": "Reads everything, changes nothing",
        "scopes": [
            "carriers:read",
            "catalog:read",
            "channels:read",
            "compliance:read",
            "customers:read",
            "fulfillment:read",
            "inventory:read",
            "locations:read",
            "orders:read",
            "payments:read",
            "rules:read",
            "sourcing:read",
        ],
        "location_bound": False,
    },
]


def upgrade() -> None:
    roles = op.create_table(
        "roles",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("location_bound", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_roles")),
    )
    op.bulk_insert(roles, ROLES)
    op.create_table(
        "users",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("location_ids", sa.JSON(), nullable=True),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("failed_sign_ins", sa.Integer(), nullable=False),
        sa.Column("locked_until", switchyard.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", switchyard.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "password_changed_at", switchyard.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("last_sign_in_at", switchyard.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("disabled_at", switchyard.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["role"], ["roles.name"], name=op.f("fk_users_role_roles")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=40), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", switchyard.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", switchyard.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", switchyard.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_sessions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
    )
    op.create_index("ix_user_sessions_user", "user_sessions", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_user_sessions_user", table_name="user_sessions")
    op.drop_table("user_sessions")
    op.drop_table("users")
    op.drop_table("roles")
