"""A small HTTP/1.1 load generator on asyncio streams (keep-alive, no client library).

Lean on CPU so it leaves most of the 2-core machine to the server under test.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    bodies: list[bytes] = field(default_factory=list)
    elapsed: float = 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    def rate(self, status: int | None = None) -> float:
        count = sum(self.statuses.values()) if status is None else self.statuses[status]
        return count / self.elapsed if self.elapsed else 0.0


def request_bytes(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: bench"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if body:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _worker(
    host: str,
    port: int,
    make: Callable[[int], bytes],
    counter: list[int],
    stop: Callable[[int], bool],
    result: Result,
    keep_bodies: bool,
    stop_on: int | None,
    due: Callable[[int], float | None],
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while True:
            index = counter[0]
            if stop(index):
                return
            counter[0] += 1
            started = time.perf_counter()
            scheduled = due(index)
            if scheduled is not None:  # open loop: latency counts from the planned start
                if scheduled > started:
                    await asyncio.sleep(scheduled - started)
                started = scheduled
            writer.write(make(index))
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            body = await reader.readexactly(length) if length else b""
            result.latencies.append(time.perf_counter() - started)
            result.statuses[status] += 1
            if keep_bodies:
                result.bodies.append(body)
            if status == stop_on:
                return
    finally:
        writer.close()


async def _run(
    host: str,
    port: int,
    make: Callable[[int], bytes],
    concurrency: int,
    total: int | None,
    seconds: float | None,
    keep_bodies: bool,
    stop_on: int | None,
    rate: float | None,
) -> Result:
    result = Result()
    counter = [0]
    begin = time.perf_counter()
    deadline = begin + seconds if seconds else None

    def due(index: int) -> float | None:
        return begin + index / rate if rate else None

    def stop(index: int) -> bool:
        if total is not None and index >= total:
            return True
        return deadline is not None and time.perf_counter() >= deadline

    started = time.perf_counter()
    await asyncio.gather(
        *(
            _worker(host, port, make, counter, stop, result, keep_bodies, stop_on, due)
            for _ in range(concurrency)
        )
    )
    result.elapsed = time.perf_counter() - started
    return result


def run(
    host: str,
    port: int,
    make: Callable[[int], bytes],
    *,
    concurrency: int,
    total: int | None = None,
    seconds: float | None = None,
    keep_bodies: bool = False,
    stop_on: int | None = None,
    rate: float | None = None,
) -> Result:
    """Send requests built by ``make(i)`` from ``concurrency`` connections until done;
    a connection whose answer has status ``stop_on`` sends no more.

    Closed loop by default: each connection sends its next request when the last is
    answered. With ``rate`` (requests per second) the load is open: request ``i`` is due
    at ``i / rate`` seconds and its latency counts from then, so time spent waiting for a
    free connection is counted too (no coordinated omission).
    """
    return asyncio.run(
        _run(host, port, make, concurrency, total, seconds, keep_bodies, stop_on, rate)
    )
