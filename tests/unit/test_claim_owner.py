"""A claim's owner names this process exactly, and a process that has exited (or is a
zombie) is recognised as gone, whatever its command name holds."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from switchyard.api import claim_owner

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]


def _wait_for(check, what: str) -> None:
    deadline = time.monotonic() + 10
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


def test_current_names_host_pid_and_start():
    stat = Path(f"/proc/{os.getpid()}/stat").read_text()
    start = stat.rpartition(")")[2].split()[19]
    assert claim_owner.current() == f"{socket.gethostname()}/{os.getpid()}/{start}"


def test_a_zombie_is_gone():
    child = subprocess.Popen(["sleep", "0.2"])
    try:
        start = claim_owner._start_time(child.pid)
        assert start is not None
        owner = f"{socket.gethostname()}/{child.pid}/{start}"
        assert claim_owner.is_gone(owner) is False
        _wait_for(lambda: _state(child.pid) == "Z", "the child to exit (not reaped)")
        assert claim_owner._start_time(child.pid) is None
        assert claim_owner.is_gone(owner) is True
    finally:
        child.wait()
    assert claim_owner.is_gone(owner) is True  # reaped: no /proc entry at all


def test_command_names_with_parentheses_and_spaces(tmp_path):
    odd = tmp_path / "a) b ) c"
    shutil.copy(shutil.which("sleep") or "/bin/sleep", odd)
    child = subprocess.Popen([str(odd), "5"])
    try:
        _wait_for(lambda: ")" in Path(f"/proc/{child.pid}/comm").read_text(), "exec")
        stat = Path(f"/proc/{child.pid}/stat").read_text()
        expected = stat.rpartition(")")[2].split()[19]
        assert claim_owner._start_time(child.pid) == expected
        assert claim_owner.is_gone(f"{socket.gethostname()}/{child.pid}/{expected}") is False
    finally:
        child.kill()
        child.wait()


@pytest.mark.parametrize(
    "owner",
    [
        None,
        "",
        f"{socket.gethostname()}/{os.getpid()}/?",  # start unknown: wait for the lock
        f"another-host-{socket.gethostname()}/1/1",
        f"{socket.gethostname()}/not-a-pid/1",
    ],
    ids=["none", "empty", "own-pid-start-unknown", "other-host", "not-a-pid"],
)
def test_owners_that_cannot_be_known_gone(owner):
    assert claim_owner.is_gone(owner) is False


def test_a_reused_pid_is_another_process():
    start = claim_owner._start_time(os.getpid())
    assert claim_owner.is_gone(f"{socket.gethostname()}/{os.getpid()}/{start}") is False
    assert claim_owner.is_gone(f"{socket.gethostname()}/{os.getpid()}/{start}0") is True
