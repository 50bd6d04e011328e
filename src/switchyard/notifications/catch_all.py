"""A local catch-all SMTP server (aiosmtpd) for development and the demo: it accepts every
message and writes it to a directory as an ``.eml`` file, so nothing leaves the machine.

``switchyard run`` starts one on localhost:8025 beside the worker; ``switchyard notify
outbox`` lists what it caught.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes
from email.policy import default
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from switchyard.kernel.clock import utcnow

DEFAULT_DIR = Path("var/mail")
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


class Catcher:
    """aiosmtpd handler: every message into ``directory``, named by time and Message-ID."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw: bytes = envelope.original_content or envelope.content
        parsed = message_from_bytes(raw, policy=default)
        ident = _UNSAFE.sub("_", str(parsed.get("Message-ID", "")).strip("<>"))[:80]
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
        (self.directory / f"{stamp}-{ident or 'message'}.eml").write_bytes(raw)
        return "250 OK: caught"


def start(host: str = "localhost", port: int = 8025, directory: Path = DEFAULT_DIR) -> Controller:
    """Start the server on a background thread; ``.stop()`` the answer to end it."""
    controller = Controller(Catcher(directory), hostname=host, port=port, enable_SMTPUTF8=True)
    controller.start()
    return controller


@dataclass(frozen=True, slots=True)
class Caught:
    path: Path
    date: str
    to: str
    subject: str
    message_id: str


def outbox(directory: Path = DEFAULT_DIR, limit: int = 50) -> list[Caught]:
    """The newest ``limit`` messages caught, newest first."""
    if not directory.is_dir():
        return []
    found = []
    for path in sorted(directory.glob("*.eml"), reverse=True)[:limit]:
        parsed = message_from_bytes(path.read_bytes(), policy=default)
        found.append(
            Caught(
                path=path,
                date=str(parsed.get("Date", "")),
                to=str(parsed.get("To", "")),
                subject=str(parsed.get("Subject", "")),
                message_id=str(parsed.get("Message-ID", "")),
            )
        )
    return found
