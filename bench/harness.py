"""Shared benchmark plumbing: a scratch PostgreSQL database, a server, SQL statement counts."""

from __future__ import annotations

import contextlib
import os
import platform
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
from sqlalchemy import Engine, create_engine, event, text

from switchyard.db.engine import make_engine
from switchyard.db.migrate import upgrade
from switchyard.db.uow import Database

PG_ADMIN = os.environ.get(
    "SWITCHYARD_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


@contextlib.contextmanager
def scratch_postgres(name: str, keep: bool = False) -> Iterator[str]:
    """A fresh PostgreSQL database, migrated, dropped afterwards unless ``keep``; yields
    its URL."""
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        if not keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def database_exists(name: str) -> bool:
    admin = create_engine(PG_ADMIN)
    with admin.connect() as conn:
        found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        exists = found.first() is not None
    admin.dispose()
    return exists


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# Benchmark servers run as an intake-heavy deployment is advised to (README): one request
# thread per process. SWITCHYARD_REQUEST_THREADS in the environment overrides it.
REQUEST_THREADS = os.environ.get("SWITCHYARD_REQUEST_THREADS", "1")


@contextlib.contextmanager
def server(url: str, workers: int, extra_env: dict[str, str] | None = None) -> Iterator[int]:
    """``switchyard serve`` in subprocesses against ``url``; yields the port."""
    port = free_port()
    env = {
        **os.environ,
        "SWITCHYARD_DATABASE_URL": url,
        "SWITCHYARD_REQUEST_THREADS": REQUEST_THREADS,
        **(extra_env or {}),
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "switchyard.api.serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
    )
    try:
        wait_until_serving(port, workers)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def wait_until_serving(port: int, workers: int, timeout: float = 30) -> None:
    """Until ``/health`` answers and every worker listens (each has its own socket on the
    port): connections opened while only the first one listened would all stay on it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            healthy = httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200
            if healthy and listening_sockets(port) >= workers:
                return
        time.sleep(0.1)
    raise RuntimeError(f"the server on port {port} did not start {workers} workers")


def listening_sockets(port: int) -> int:
    """Sockets listening on ``port`` (Linux: /proc/net/tcp, state 0A)."""
    with open("/proc/net/tcp") as table:
        rows = [line.split() for line in table.readlines()[1:]]
    return sum(1 for r in rows if int(r[1].split(":")[1], 16) == port and r[3] == "0A")


class StatementCounter:
    """Counts SQL statements sent on an engine (executemany counts once)."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, *args: object) -> None:
        self.count += 1

    @contextlib.contextmanager
    def measure(self) -> Iterator[list[int]]:
        before = self.count
        box = [0]
        yield box
        box[0] = self.count - before


def database(url: str) -> Database:
    return Database(make_engine(url))
