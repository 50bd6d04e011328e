"""Pooled connections the server ended are replaced without failing a use case.

Connections are not pinged on checkout (a round trip per transaction); a use case that
finds its connection dead before committing runs again on a fresh one.
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, func, select, text

from switchyard.channels.service import create_channel
from switchyard.channels.tables import channels
from switchyard.db.uow import Database
from switchyard.kernel.events import Actor
from tests.helpers import ref

ACTOR = Actor.system("tests")


def _end_pooled_connections(database: Database) -> int:
    """Terminate every server process of the test database but the caller's own."""
    url = database.engine.url
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        ended = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = :db AND pid <> pg_backend_pid() "
                "AND backend_type = 'client backend'"
            ),
            {"db": url.database},
        ).scalar_one()
    admin.dispose()
    return int(ended)


def test_a_use_case_on_a_connection_the_server_ended_runs_again(database: Database) -> None:
    if database.dialect != "postgresql":
        pytest.skip("SQLite is in process: there is no server to end a connection")
    database.run(ACTOR, lambda uow: uow.conn.execute(select(1)).scalar())  # pool warm
    assert _end_pooled_connections(database) >= 1
    code = ref("lost")

    def create(uow):  # type: ignore[no-untyped-def]
        return create_channel(uow, {"code": code, "name": "n", "type": "web", "currency": "EUR"})

    created = database.run(ACTOR, create)
    stored = database.run(
        ACTOR,
        lambda uow: uow.conn.execute(
            select(func.count()).select_from(channels).where(channels.c.code == code)
        ).scalar_one(),
        read_only=True,
    )
    assert created["code"] == code and stored == 1
