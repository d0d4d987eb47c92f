from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from smtptui.server import DemoServer, ServerConfig

StartServer = Callable[..., Awaitable[DemoServer]]


@pytest.fixture
async def start_server() -> AsyncIterator[StartServer]:
    """Start demo servers on 127.0.0.1 and free ports; all are stopped afterwards."""
    servers: list[DemoServer] = []

    async def start(**options: Any) -> DemoServer:
        options.setdefault("port", 0)
        server = DemoServer(ServerConfig(host="127.0.0.1", **options))
        await server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.stop()


@pytest.fixture
async def server(start_server: StartServer) -> DemoServer:
    return await start_server()
