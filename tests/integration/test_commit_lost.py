"""A connection lost during COMMIT: the change may or may not have been saved, so it is
reported (503 ``commit_outcome_unknown``) and the use case is never run again. (A
connection lost before the commit is retried: nothing was saved.)

PostgreSQL only: the server ends the backend at the moment the client sends COMMIT;
SQLite is a file in the same process, with no connection to lose.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection, event

from switchyard.db.uow import Database, UnitOfWork
from switchyard.inventory import service as inventory
from switchyard.kernel.errors import Unavailable
from tests.integration.test_inventory_fixtures import level
from tests.integration.test_reserve_at_commit import ACTOR, _shop


@pytest.fixture
def postgres(database: Database) -> Database:
    if database.dialect != "postgresql":
        pytest.skip("SQLite runs in the process: there is no connection to lose")
    return database


def _lose_at_commit(killer: Database, conn: Connection) -> None:
    """End ``conn``'s server backend when ``conn`` is about to send COMMIT."""
    pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()

    def kill(_: Any) -> None:
        with killer.engine.connect() as other:
            assert other.exec_driver_sql(f"SELECT pg_terminate_backend({pid}, 5000)").scalar()

    event.listen(conn, "commit", kill, once=True)


def test_a_use_case_whose_commit_is_lost_is_reported_not_run_again(postgres: Database) -> None:
    shop = _shop(postgres, 5)
    sku, loc = shop["sku"]["id"], shop["location"]["id"]
    calls: list[int] = []

    def receive(uow: UnitOfWork) -> None:
        calls.append(1)
        _lose_at_commit(postgres, uow.conn)
        inventory.receive(uow, sku, loc, 7)

    with pytest.raises(Unavailable) as lost:
        postgres.run(ACTOR, receive)
    assert lost.value.code == "commit_outcome_unknown"
    assert calls == [1], "run again after a lost commit: it could have acted twice"
    row = level(postgres, sku, loc)
    assert row is not None and row["on_hand"] == 5  # this time the server had not committed
    postgres.run(ACTOR, lambda uow: inventory.receive(uow, sku, loc, 1))  # the pool recovers
    assert level(postgres, sku, loc)["on_hand"] == 6  # type: ignore[index]
