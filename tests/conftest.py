"""Test fixtures: every integration test runs once on SQLite and once on PostgreSQL.

PostgreSQL tests use a fresh database per run, built by the migrations. They skip with a
notice when no PostgreSQL is reachable, unless CI=true, where that is a failure.
"""

from __future__ import annotations

import os
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text

from switchyard.api.app import create_app
from switchyard.auth.domain import SCOPES
from switchyard.config import Settings
from switchyard.db.engine import make_engine
from switchyard.db.migrate import upgrade
from switchyard.db.uow import Database
from tests.helpers import make_key

PG_ADMIN_URL = os.environ.get(
    "SWITCHYARD_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS_SEEN = Path(__file__).parent.parent / "var" / "test-backends.txt"

# Property tests run a small budget in `make test`; HYPOTHESIS_PROFILE=nightly runs more
# (tests/integration/test_inventory_ledger_properties.py reads the profile it names).
hypothesis_settings.register_profile("nightly", max_examples=300, stateful_step_count=40)
# `make mutate` runs the property tests once per mutant: a smaller budget keeps it to hours.
hypothesis_settings.register_profile("mutation", max_examples=6, stateful_step_count=10)
if os.environ.get("HYPOTHESIS_PROFILE"):
    hypothesis_settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])


def _pg_reachable() -> bool:
    try:
        engine = create_engine(PG_ADMIN_URL)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


def _record_backend(name: str) -> None:
    BACKENDS_SEEN.parent.mkdir(exist_ok=True)
    with BACKENDS_SEEN.open("a") as f:
        f.write(name + "\n")


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    if not _pg_reachable():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but PostgreSQL is not reachable at {PG_ADMIN_URL}")
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL}: PostgreSQL tests skipped")
    return PG_ADMIN_URL


def _fresh_pg_database(admin_url: str) -> tuple[str, str]:
    name = f"switchyard_test_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, admin_url.rsplit("/", 1)[0] + "/" + name


def _drop_pg_database(admin_url: str, name: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    yield from fresh_db_url(request, tmp_path_factory)


def fresh_db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A new empty database of the backend ``request.param`` names, dropped afterwards."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "switchyard.db"
        _record_backend("sqlite")
        yield f"sqlite:///{path}"
        return
    admin_url = request.getfixturevalue("pg_admin_url")
    name, url = _fresh_pg_database(admin_url)
    _record_backend("postgresql")
    try:
        yield url
    finally:
        _drop_pg_database(admin_url, name)


def migrated(db_url: str) -> Iterator[Database]:
    """The database at ``db_url``, migrated to head; its engine closed afterwards."""
    engine = make_engine(db_url, pool_size=10)
    upgrade(engine)
    yield Database(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def database(db_url: str) -> Iterator[Database]:
    yield from migrated(db_url)


@pytest.fixture(scope="session")
def settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, auth_cache_seconds=0.0)


@pytest.fixture(scope="session")
def app(settings: Settings, database: Database) -> Any:
    return create_app(settings, database)


@pytest.fixture(scope="session")
def admin_key(database: Database) -> str:
    return make_key(database, sorted(SCOPES))


@pytest.fixture(scope="session")
def client(app: Any, admin_key: str) -> Iterator[TestClient]:
    """An HTTP client authenticated with an admin key."""
    with TestClient(app, raise_server_exceptions=False) as c:
        c.headers["Authorization"] = f"Bearer {admin_key}"
        yield c


@pytest.fixture(scope="session")
def anon(app: Any) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_url(app: Any) -> Iterator[str]:
    """The app served by a real uvicorn on loopback, for tests that need real concurrency."""
    yield from serve_in_thread(app)


def serve_in_thread(app: Any) -> Iterator[str]:
    """Serve ``app`` with a real uvicorn on a free loopback port until the generator closes."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/health").status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    yield url
    server.should_exit = True
    thread.join(timeout=10)
