"""A real SMTP server on loopback (aiosmtpd) for notification tests, and a worker aimed
at it. The server keeps every message it accepts, parsed; ``answers`` makes it refuse
the next messages with given replies (``"421 ..."``, ``"550 ..."``), ``refuse`` refuses
recipients."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from dataclasses import replace
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any, cast

import pytest
from aiosmtpd.controller import Controller

from switchyard.config import Settings
from switchyard.db.uow import Database
from switchyard.notifications.domain import RetryPolicy
from switchyard.notifications.worker import NotificationWorker, NotifierSettings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.answers: list[str] = []  # replies to the next DATA commands, instead of 250
        self.refuse: dict[str, str] = {}  # recipient -> reply to its RCPT
        self.delay = 0.0  # seconds before answering DATA (a slow server)
        self.lock = threading.Lock()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            if self.answers:
                return self.answers.pop(0)
            parsed = cast(EmailMessage, message_from_bytes(envelope.content, policy=default))
            parsed["X-Envelope-To"] = ",".join(envelope.rcpt_tos)
            self.messages.append(parsed)
        return "250 OK: queued"

    def to(self, recipient: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if m["To"] == recipient]


class SmtpServer:
    """An aiosmtpd server that can be stopped (the port then refuses) and started again."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self, *, smtputf8: bool = True) -> None:
        self.controller = Controller(
            self.inbox, hostname="127.0.0.1", port=self.port, enable_SMTPUTF8=smtputf8
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture()
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


def mail_settings(database: Database, port: int) -> Settings:
    return Settings(
        database_url=str(database.engine.url),
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_timeout=5.0,
        smtp_from="Switchyard Test <shop@example.com>",
        public_url="https://shop.example.com",
    )


def mail_worker(
    database: Database, port: int, channel_ids: list[str], **over: Any
) -> NotificationWorker:
    """A worker for these channels only (the session's databases hold other tests' mail),
    retrying at once so a test needs no clock."""
    notifier = NotifierSettings(
        channel_ids=tuple(channel_ids), retry=RetryPolicy(backoff_base=0.0, jitter=0.0)
    )
    return NotificationWorker(database, mail_settings(database, port), replace(notifier, **over))


def parts(message: EmailMessage) -> tuple[str, str]:
    """(plain text, HTML) of a multipart/alternative message."""
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None, message
    return text.get_content(), html.get_content()
