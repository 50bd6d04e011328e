"""Handing claimed notifications to an SMTP server (smtplib), one connection per batch.

Every attempt's answer is kept: the server's code and reply for each message, or the
error that came before any answer (refused connection, timeout, dropped connection).
"""

from __future__ import annotations

import binascii
import contextlib
import smtplib
import socket
import ssl
import time
from collections.abc import Sequence
from email.header import Header
from email.utils import format_datetime, formataddr, parseaddr

from switchyard.config import Settings
from switchyard.kernel.clock import utcnow
from switchyard.notifications.claims import Claim
from switchyard.notifications.domain import AttemptResult

# No message is started later than this many SMTP timeouts before the claim's lease ends
# (connecting, MAIL/RCPT and DATA may each take one): then another worker may take over,
# and two must never send the same message at once.
LEASE_MARGIN_TIMEOUTS = 3


def _header(value: str) -> str:
    """A header value, RFC 2047-encoded when it is not ASCII."""
    return value if value.isascii() else Header(value, "utf-8").encode(linesep="\r\n")


def _address(value: str) -> str:
    name, address = parseaddr(value)
    return formataddr((name, address), "utf-8") if name else address


def _part(content_type: str, body: str) -> bytes:
    encoded = binascii.b2a_qp(body.replace("\r\n", "\n").encode("utf-8"), istext=True)
    head = (
        f'Content-Type: {content_type}; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    )
    return head.encode() + encoded.replace(b"\n", b"\r\n")


def build(claim: Claim) -> bytes:
    """The MIME message: multipart/alternative with the plain-text and the HTML part, both
    UTF-8 in quoted-printable (written directly: the ``email`` package's generator took
    more time per message than rendering it)."""
    boundary = f"=_switchyard_{claim.notification_id}"
    headers = [
        f"Subject: {_header(claim.subject)}",
        f"From: {_address(claim.sender)}",
        f"To: {claim.recipient}",
        *([f"Reply-To: {_address(claim.reply_to)}"] if claim.reply_to else []),
        f"Message-ID: {claim.message_id}",
        f"Date: {format_datetime(utcnow())}",
        f"X-Switchyard-Notification: {claim.notification_id} {claim.trigger}",
        "Auto-Submitted: auto-generated",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/alternative; boundary="{boundary}"',
    ]
    delimiter = f"\r\n--{boundary}\r\n".encode()
    return b"".join(
        [
            "\r\n".join(headers).encode() + b"\r\n",
            delimiter,
            _part("text/plain", claim.text),
            delimiter,
            _part("text/html", claim.html),
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def _reply(raw: bytes | str) -> str:
    return (raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw))[:500]


def _rset(conn: smtplib.SMTP) -> None:
    """Abandon the transaction; a server that hung up is found by the next message."""
    with contextlib.suppress(OSError, smtplib.SMTPException):
        conn.rset()


class SmtpSender:
    """Sends batches over one connection to the configured server."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.smtp_ssl:
            conn: smtplib.SMTP = smtplib.SMTP_SSL(
                s.smtp_host,
                s.smtp_port,
                timeout=s.smtp_timeout,
                context=ssl.create_default_context(),
            )
        else:
            conn = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout)
        try:
            # SMTP is a conversation of small writes: without this, delayed ACKs stall each
            # message for ~40 ms (measured: 29 instead of hundreds of messages/s)
            if conn.sock is not None:
                conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn.ehlo()
            if s.smtp_starttls and not s.smtp_ssl:
                conn.starttls(context=ssl.create_default_context())
                conn.ehlo()
            if s.smtp_user:
                conn.login(s.smtp_user, s.smtp_password or "")
        except BaseException:
            conn.close()
            raise
        return conn

    def send(self, claims: Sequence[Claim]) -> list[AttemptResult]:
        """One result per claim, in order. Never raises for what the server or network do."""
        if not claims:
            return []
        try:
            conn = self._connect()
        except smtplib.SMTPResponseException as exc:  # e.g. 421 or 554 in the greeting
            code = exc.smtp_code if exc.smtp_code >= 400 else None
            # a refusal to talk at all is never the message's fault: always retried
            result = AttemptResult(
                code if code is not None and code < 500 else None,
                _reply(exc.smtp_error),
                _error(exc),
            )
            return [result] * len(claims)
        except (OSError, smtplib.SMTPException) as exc:
            return [AttemptResult(None, None, _error(exc))] * len(claims)
        results: list[AttemptResult] = []
        broken: str | None = None
        try:
            for claim in claims:
                margin = LEASE_MARGIN_TIMEOUTS * self.settings.smtp_timeout
                if broken is None and time.time() > claim.lease_until.timestamp() - margin:
                    broken = "not attempted: the claim's lease was running out"
                if broken is not None:
                    results.append(AttemptResult(None, None, broken))
                    continue
                try:
                    results.append(self._one(conn, claim))
                except (OSError, smtplib.SMTPException) as exc:
                    broken = f"connection lost earlier in the batch ({_error(exc)})"
                    results.append(AttemptResult(None, None, _error(exc)))
                except Exception as exc:  # this message's fault: the batch goes on
                    results.append(AttemptResult(None, None, _error(exc)))
                    _rset(conn)
        finally:
            try:
                conn.quit()
            except (OSError, smtplib.SMTPException):
                conn.close()
        return results

    def _one(self, conn: smtplib.SMTP, claim: Claim) -> AttemptResult:
        sender = parseaddr(claim.sender)[1]
        options: list[str] = []
        if not (sender.isascii() and claim.recipient.isascii()):
            if not conn.has_extn("smtputf8"):
                return AttemptResult(
                    None,
                    None,
                    "the address is not ASCII and the server does not offer SMTPUTF8",
                    invalid_address=True,
                )
            options = ["SMTPUTF8"]
        try:
            code, reply = conn.mail(sender, options)
            if code != 250:
                _rset(conn)
                return AttemptResult(code, _reply(reply))
            code, reply = conn.rcpt(claim.recipient)
        except UnicodeError as exc:
            _rset(conn)
            return AttemptResult(None, None, _error(exc), invalid_address=True)
        finally:
            conn.command_encoding = "ascii"
        if code not in (250, 251):
            _rset(conn)
            return AttemptResult(code, _reply(reply))
        try:
            code, reply = conn.data(build(claim))
        except smtplib.SMTPDataError as exc:  # refused at DATA (before the content)
            _rset(conn)
            return AttemptResult(exc.smtp_code, _reply(exc.smtp_error))
        return AttemptResult(code, _reply(reply))
