"""Multi-worker serving: connections accepted on our listener get TCP_NODELAY."""

from __future__ import annotations

import asyncio
import socket

from switchyard.api.serve import tcp_listener


def test_accepted_connections_get_tcp_nodelay():
    listener = tcp_listener("127.0.0.1", 0)
    port = listener.getsockname()[1]
    seen: list[int] = []

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            seen.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
        async with server:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            for _ in range(100):
                if seen:
                    break
                await asyncio.sleep(0.01)
            writer.close()

    asyncio.run(main())
    assert seen and seen[0] != 0


def test_a_plain_listener_would_not():
    """The failure mode this guards against: without IPPROTO_TCP asyncio leaves Nagle on."""
    plain = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    plain.bind(("127.0.0.1", 0))
    plain.listen()
    client = socket.create_connection(plain.getsockname())
    accepted, _ = plain.accept()
    assert accepted.proto == 0
    assert tcp_listener("127.0.0.1", 0).proto == socket.IPPROTO_TCP
    for s in (client, accepted, plain):
        s.close()
