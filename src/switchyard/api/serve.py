"""Serving the API with one or several worker processes.

With ``--workers N`` uvicorn binds the listening socket itself without naming the TCP
protocol, so accepted connections never get ``TCP_NODELAY`` and every keep-alive
response after the first waits ~40 ms for the client's delayed ACK (uvicorn issue 3149).
Here the listener is created with ``IPPROTO_TCP``, so asyncio sets ``TCP_NODELAY`` on
every connection, and handed to uvicorn's own process supervisor.
"""

from __future__ import annotations

import argparse
import socket

import uvicorn
from uvicorn.supervisors import Multiprocess

APP = "switchyard.api.asgi:app"


def tcp_listener(host: str, port: int) -> socket.socket:
    """A bound, inheritable TCP listening socket whose accepted sockets say they are TCP."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def serve(
    host: str,
    port: int,
    workers: int = 1,
    *,
    log_level: str = "info",
    access_log: bool = True,
    app: str = APP,
) -> None:
    config = uvicorn.Config(
        app, host=host, port=port, workers=workers, log_level=log_level, access_log=access_log
    )
    if workers <= 1:
        uvicorn.Server(config).run()
        return
    Multiprocess(config, sockets=[tcp_listener(host, port)]).run()


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
