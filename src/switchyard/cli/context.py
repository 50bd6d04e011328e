"""What every command needs: settings, a migrated database, an actor for the CLI."""

from __future__ import annotations

import getpass

from switchyard.config import Settings
from switchyard.db.engine import make_engine
from switchyard.db.migrate import upgrade
from switchyard.db.uow import Database
from switchyard.kernel.events import Actor


def ensure_sqlite_dir(url: str) -> None:
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        from pathlib import Path

        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def open_database(settings: Settings | None = None, *, migrate: bool = True) -> Database:
    settings = settings or Settings.from_env()
    ensure_sqlite_dir(settings.database_url)
    engine = make_engine(settings.database_url, pool_size=settings.pool_size)
    if migrate:
        upgrade(engine)
    return Database(engine)


def cli_actor() -> Actor:
    try:
        user = getpass.getuser()
    except Exception:
        user = "cli"
    return Actor("user", f"cli:{user}", f"{user} (CLI)")
