"""Serving the API with one or several worker processes.

Listeners are created here, with ``IPPROTO_TCP``: uvicorn's own ``--workers`` binds
without naming the protocol, so accepted connections never get ``TCP_NODELAY`` and every
keep-alive response after the first waits ~40 ms for the client's delayed ACK (uvicorn
issue 3149).

With several workers each process listens on its own ``SO_REUSEPORT`` socket, so the
kernel spreads new connections evenly over the processes. On one shared socket whichever
process wakes first accepts, and a burst of keep-alive connections can all land on one
worker while the others idle. A small supervisor here starts the workers, restarts one
that dies and stops them all on SIGINT or SIGTERM.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import multiprocessing.process
import os
import signal
import socket
import threading
import time

import uvicorn

APP = "switchyard.api.asgi:app"
log = logging.getLogger("switchyard.serve")


def tcp_listener(host: str, port: int, *, reuse_port: bool = False) -> socket.socket:
    """A bound, inheritable TCP listening socket whose accepted sockets say they are TCP."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def _config(host: str, port: int, log_level: str, access_log: bool, app: str) -> uvicorn.Config:
    return uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=access_log)


def _worker(host: str, port: int, log_level: str, access_log: bool, app: str) -> None:
    """One worker process: its own SO_REUSEPORT listener on the shared port."""
    sock = tcp_listener(host, port, reuse_port=True)
    threading.Thread(target=_exit_with, args=(os.getppid(),), daemon=True).start()
    uvicorn.Server(_config(host, port, log_level, access_log, app)).run(sockets=[sock])


def _exit_with(parent: int) -> None:
    """Stop this worker (gracefully) once its supervisor is gone, even if it was killed."""
    while os.getppid() == parent:
        time.sleep(1)
    os.kill(os.getpid(), signal.SIGTERM)


def serve(
    host: str,
    port: int,
    workers: int = 1,
    *,
    log_level: str = "info",
    access_log: bool = True,
    app: str = APP,
) -> None:
    if workers <= 1:
        config = _config(host, port, log_level, access_log, app)
        uvicorn.Server(config).run(sockets=[tcp_listener(host, port)])
        return
    # Held (bound, never listening) so the port stays ours while a worker restarts.
    placeholder = tcp_listener(host, port, reuse_port=True)
    args = (host, placeholder.getsockname()[1], log_level, access_log, app)
    context = multiprocessing.get_context("spawn")
    stopping = threading.Event()

    def start() -> multiprocessing.process.BaseProcess:
        process = context.Process(target=_worker, args=args, daemon=False)
        process.start()
        return process

    def stop(*_: object) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    processes = [start() for _ in range(workers)]
    try:
        while not stopping.wait(0.5):
            for i, process in enumerate(processes):
                if not process.is_alive():
                    log.warning(
                        "worker %s exited with %s; starting another", process.pid, process.exitcode
                    )
                    processes[i] = start()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(10)
            if process.is_alive():
                process.kill()
        placeholder.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the Switchyard API (no migration).")
    parser.add_argument("--app", default=APP, help="ASGI app import string")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--log-level", default="info")
    parser.add_argument("--no-access-log", action="store_true")
    args = parser.parse_args()
    serve(
        args.host,
        args.port,
        args.workers,
        log_level=args.log_level,
        access_log=not args.no_access_log,
        app=args.app,
    )


if __name__ == "__main__":
    main()
