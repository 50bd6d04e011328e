from sqlalchemy import JSON, Boolean, Column, ForeignKey, Index, Integer, String, Table

from switchyard.db.metadata import metadata
from switchyard.db.types import UTCDateTime

roles = Table(
    "roles",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("description", String(200), nullable=False),
    Column("scopes", JSON, nullable=False),
    Column("location_bound", Boolean, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("role", String(40), ForeignKey("roles.name"), nullable=False),
    Column("location_ids", JSON, nullable=True),
    Column("password_hash", String(200), nullable=False),
    Column("time_zone", String(64), nullable=False),
    Column("failed_sign_ins", Integer, nullable=False),
    Column("locked_until", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("password_changed_at", UTCDateTime, nullable=False),
    Column("last_sign_in_at", UTCDateTime, nullable=True),
    Column("disabled_at", UTCDateTime, nullable=True),
)

user_sessions = Table(
    "user_sessions",
    metadata,
    Column("id", String(64), primary_key=True),  # sha256 of the cookie's token
    Column("user_id", String(40), ForeignKey("users.id"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=True),
    Column("user_agent", String(300), nullable=True),
    Index("ix_user_sessions_user", "user_id"),
)

# What a settings page shows once after its POST (a new API key, a webhook's secret): kept
# here between the 303 and the page it leads to, readable only by the session that made
# it, deleted when shown and worthless after ``expires_at``.
console_stash = Table(
    "console_stash",
    metadata,
    Column("id", String(64), primary_key=True),  # sha256 of the random id in the URL
    Column(
        "session_id",
        String(64),
        ForeignKey("user_sessions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("kind", String(100), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Index("ix_console_stash_expires_at", "expires_at"),
)
