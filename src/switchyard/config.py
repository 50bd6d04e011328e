"""Settings from the environment (``SWITCHYARD_*``); nothing is read at import time."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "sqlite:///var/switchyard.db"


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    pool_size: int = 20
    max_body_bytes: int = 2 * 1024 * 1024
    idempotency_lock_seconds: int = 60
    auth_cache_seconds: float = 10.0
    # Master data read at order intake is cached per process this long (db/ttl_cache.py).
    master_data_ttl: float = 5.0
    # Threads per server process that run requests' database work. Python threads share
    # one interpreter lock: more of them overlap more database waits but fight for the
    # CPU. Measured on 2 cores (docs/benchmarks.md, order intake), 2 processes with 40
    # threads each placed 149 orders/s, with 4 each 205/s, with 1 each 257/s. One request
    # in flight per process, and a process per core, suits intake-heavy deployments; 4
    # keeps a slow request (a 1,000-order batch, a PDF) from holding up others.
    request_threads: int = 4
    # Customer notifications (docs/notifications.md): the SMTP server the worker hands
    # mail to (``make run`` starts a catch-all on localhost:8025), the From address when a
    # channel sets none, and where the customer's tracking page is served.
    smtp_host: str = "localhost"
    smtp_port: int = 8025
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    smtp_from: str = "Switchyard <orders@switchyard.localhost>"
    smtp_timeout: float = 30.0
    public_url: str = "http://127.0.0.1:8000"

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            database_url=env.get("SWITCHYARD_DATABASE_URL", DEFAULT_DATABASE_URL),
            pool_size=int(env.get("SWITCHYARD_POOL_SIZE", "20")),
            max_body_bytes=int(env.get("SWITCHYARD_MAX_BODY_BYTES", str(2 * 1024 * 1024))),
            master_data_ttl=float(env.get("SWITCHYARD_MASTER_DATA_TTL", "5")),
            request_threads=int(env.get("SWITCHYARD_REQUEST_THREADS", "4")),
            smtp_host=env.get("SWITCHYARD_SMTP_HOST", "localhost"),
            smtp_port=int(env.get("SWITCHYARD_SMTP_PORT", "8025")),
            smtp_user=env.get("SWITCHYARD_SMTP_USER") or None,
            smtp_password=env.get("SWITCHYARD_SMTP_PASSWORD") or None,
            smtp_starttls=_flag(env.get("SWITCHYARD_SMTP_STARTTLS")),
            smtp_ssl=_flag(env.get("SWITCHYARD_SMTP_SSL")),
            smtp_from=env.get("SWITCHYARD_SMTP_FROM", "Switchyard <orders@switchyard.localhost>"),
            smtp_timeout=float(env.get("SWITCHYARD_SMTP_TIMEOUT", "30")),
            public_url=env.get("SWITCHYARD_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
        )


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")
