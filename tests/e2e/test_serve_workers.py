"""``switchyard serve --workers N``: connections spread over every worker, a dead worker
is replaced, and stopping the supervisor stops them all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pids(port: int, connections: int) -> list[int]:
    """The worker pid behind each of ``connections`` new keep-alive connections."""
    pids = []
    for _ in range(connections):
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            pids.append(int(client.get("/").text))
    return pids


def _wait_until_serving(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            _pids(port, 1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError("server did not start")


def _supervisor(port: int) -> subprocess.Popen[bytes]:
    """``switchyard.api.serve`` with 2 workers of the app that answers with its pid."""
    return subprocess.Popen(
        [sys.executable, "-m", "switchyard.api.serve", "--app", "tests.e2e.pid_app:app",
         "--port", str(port), "--workers", "2", "--log-level", "warning"],
        cwd=ROOT,
    )  # fmt: skip


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_workers_share_connections_restart_and_stop_together():
    port = _free_port()
    proc = _supervisor(port)
    try:
        _wait_until_serving(port)
        workers = set(_pids(port, 40))
        # the kernel spreads connections by hash: 40 all on one of 2 workers is ~1e-12
        assert len(workers) == 2
        victim = min(workers)
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 20
        now_serving: set[int] = set()
        while time.monotonic() < deadline:
            try:  # connections queued at the killed worker are reset
                now_serving = set(_pids(port, 20))
            except httpx.HTTPError:
                continue
            if len(now_serving) == 2 and victim not in now_serving:
                break
            time.sleep(0.2)
        assert victim not in now_serving and len(now_serving) == 2
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(p) for p in now_serving):
        time.sleep(0.1)
    assert not any(_alive(p) for p in now_serving)


def test_workers_exit_when_the_supervisor_is_killed():
    """A supervisor killed with SIGKILL cannot stop its workers: they notice and leave."""
    port = _free_port()
    proc = _supervisor(port)
    try:
        _wait_until_serving(port)
        workers = set(_pids(port, 40))
        assert len(workers) == 2
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.1)
    assert not any(_alive(p) for p in workers)
