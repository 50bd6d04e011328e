"""An unexpected error answers problem+json 500 with a request id and keeps the connection.

Before ``api/last_resort.py`` the server dropped the keep-alive connection after a 500
("Exception in ASGI application"), so a client's next request on it failed with a reset.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from switchyard.api.app import create_app
from tests.conftest import serve_in_thread


def _boom() -> None:
    raise RuntimeError("a bug the tests put here")


@pytest.fixture(scope="module")
def buggy_url(settings, database) -> Iterator[str]:
    app = create_app(settings, database)
    app.add_api_route("/boom", _boom, methods=["GET"])
    yield from serve_in_thread(app)


def _exchange(
    sock: socket.socket, path: str, headers: str = ""
) -> tuple[str, dict[str, str], bytes]:
    """One HTTP/1.1 request on ``sock`` and its whole answer (status line, headers, body)."""
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: test\r\n{headers}\r\n".encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    fields = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    while len(body) < int(fields["content-length"]):
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection mid-answer"
        body += chunk
    return status, fields, body


def test_a_500_keeps_the_connection_and_names_the_request(buggy_url, caplog):
    host, port = buggy_url.removeprefix("http://").split(":")
    caplog.set_level(logging.ERROR, logger="switchyard.api.last_resort")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        status, fields, body = _exchange(sock, "/boom")
        assert status.startswith("HTTP/1.1 500")
        assert fields["content-type"] == "application/problem+json"
        problem: dict[str, Any] = httpx.Response(500, content=body).json()
        assert problem["code"] == "internal_error"
        assert problem["request_id"] == fields["x-request-id"]
        assert fields.get("connection", "").lower() != "close"
        # the same connection answers the next request
        status, fields, _ = _exchange(sock, "/health", "X-Request-Id: client-chosen-1\r\n")
        assert status.startswith("HTTP/1.1 200")
        assert fields["x-request-id"] == "client-chosen-1"
    logged = [r for r in caplog.records if problem["request_id"] in r.getMessage()]
    assert logged and logged[0].exc_info is not None


def test_every_answer_carries_a_request_id(client):
    r = client.get("/api/v1/orders/ord_missing")
    assert r.status_code == 404
    assert r.json()["request_id"] == r.headers["x-request-id"]
    r = client.get("/health", headers={"X-Request-Id": "not a token!"})
    assert r.headers["x-request-id"] != "not a token!" and len(r.headers["x-request-id"]) == 16
