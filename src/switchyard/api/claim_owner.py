"""Who holds an Idempotency-Key claim, and whether that process is still there.

A claim names its process as ``host/pid/start`` (``start``: the process's start time in
clock ticks since boot, from ``/proc``, so a pid the system reused names another
process). A request finding a claim in progress takes it over at once when the claim
comes from this host and that process is gone (killed, crashed, restarted); a claim from
another host, or where ``/proc`` is not there, waits for its lock to run out
(``idempotency_lock_seconds``).
"""

from __future__ import annotations

import os
import socket
from functools import cache
from pathlib import Path


def _start_time(pid: int) -> str | None:
    """The process's start time (field 22 of ``/proc/<pid>/stat``), or None if it is gone
    (or a zombie: dead, not yet reaped by its parent)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name (field 2) is in parentheses and may hold spaces
    fields = stat.rpartition(")")[2].split()
    return None if fields[0] in ("Z", "X") else fields[19]


@cache
def _host() -> str:
    return socket.gethostname()


def current() -> str:
    """This process's name for its claims (read once per pid: a forked worker is another)."""
    return _name(os.getpid())


@cache
def _name(pid: int) -> str:
    return f"{_host()}/{pid}/{_start_time(pid) or '?'}"


def is_gone(owner: str | None) -> bool:
    """True when ``owner`` is a process of this host that no longer runs."""
    if not owner:
        return False
    host, _, rest = owner.partition("/")
    pid, _, start = rest.partition("/")
    if host != _host() or not pid.isdigit() or start == "?":
        return False
    if not Path("/proc/self/stat").exists():
        return False
    return _start_time(int(pid)) != start
