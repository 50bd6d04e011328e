"""The contract tests run on a database of their own, per module and backend.

Fuzzing leaves what it made behind (webhook endpoints for made-up hosts, orders, rules)
and other tests would trip over it; and the stateful phase, though derandomized, only
repeats itself when it starts from the same state.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from switchyard.api.app import create_app
from switchyard.auth.domain import SCOPES
from switchyard.config import Settings
from switchyard.db.uow import Database
from tests.conftest import fresh_db_url, migrated
from tests.helpers import make_key


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    yield from fresh_db_url(request, tmp_path_factory)


@pytest.fixture(scope="module")
def database(db_url: str) -> Iterator[Database]:
    yield from migrated(db_url)


@pytest.fixture(scope="module")
def app(db_url: str, database: Database) -> Any:
    return create_app(Settings(database_url=db_url, auth_cache_seconds=0.0), database)


@pytest.fixture(scope="module")
def admin_key(database: Database) -> str:
    return make_key(database, sorted(SCOPES))


@pytest.fixture(scope="module")
def client(app: Any, admin_key: str) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        c.headers["Authorization"] = f"Bearer {admin_key}"
        yield c
