"""Revoking an API key: refused at once by the server that revoked it, and by every other
server within its auth cache window (``auth_cache_seconds``), never later; both databases.

Each app below stands for a server process: each has its own cache of authenticated keys.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient

from switchyard.api.app import create_app
from switchyard.config import Settings
from tests.helpers import assert_problem, make_key


@contextmanager
def _server(db_url: str, database: Any, cache_seconds: float) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=db_url, auth_cache_seconds=cache_seconds), database)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def _as(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_a_revoked_key_stops_working_within_the_cache_window(db_url, database) -> None:
    admin, doomed = make_key(database, ["admin"]), make_key(database, ["catalog:read"])
    with (
        _server(db_url, database, 30.0) as here,
        _server(db_url, database, 30.0) as slow,
        _server(db_url, database, 0.5) as quick,
    ):
        for server in (here, slow, quick):
            assert server.get("/api/v1/products", headers=_as(doomed)).status_code == 200
        (row,) = [
            k
            for k in here.get("/api/v1/api-keys", headers=_as(admin)).json()
            if doomed.startswith(k["prefix"] + "_")
        ]
        assert here.delete(f"/api/v1/api-keys/{row['id']}", headers=_as(admin)).status_code == 204
        # the revoking server forgets its cache at once
        assert_problem(here.get("/api/v1/products", headers=_as(doomed)), 401, "invalid_api_key")
        # another server trusts what it cached, for its window and no longer
        assert slow.get("/api/v1/products", headers=_as(doomed)).status_code == 200
        time.sleep(0.6)
        assert_problem(quick.get("/api/v1/products", headers=_as(doomed)), 401, "invalid_api_key")
        # a key never seen by a server is checked against the database, not the cache
        other = make_key(database, ["catalog:read"])
        assert slow.get("/api/v1/products", headers=_as(other)).status_code == 200
        listed = {k["id"]: k for k in here.get("/api/v1/api-keys", headers=_as(admin)).json()}
        assert listed[row["id"]]["revoked_at"] is not None
