"""The built-in demo server behind profiles with ``builtin_server = true``.

The demo profile must work with no set-up: when it is used, the embedded server
starts in-process on a free loopback port, and the profile is pointed at it and
told to trust exactly that server's self-signed certificate.  One server per
process is shared by every session that uses it (the TUI's demo inbox shows
what it received).
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smtptui.protocol.config import SessionConfig
    from smtptui.server import DemoServer, ServerConfig


class BuiltinServer:
    """Starts the embedded server on first use; ``stop()`` when the app ends."""

    def __init__(self, config: ServerConfig | None = None) -> None:
        self._config = config  # default: loopback, free ports, a generated certificate
        self._server: DemoServer | None = None
        self._lock = asyncio.Lock()

    @property
    def server(self) -> DemoServer | None:
        return self._server

    async def ensure_started(self) -> DemoServer:
        async with self._lock:
            if self._server is None:
                from smtptui.server import DemoServer, ServerConfig

                server = DemoServer(
                    self._config or ServerConfig(host="127.0.0.1", port=0, tls_port=0)
                )
                await server.start()
                self._server = server
            return self._server

    async def retarget(self, config: SessionConfig) -> SessionConfig:
        """``config`` pointed at the running built-in server (started if needed)."""
        server = await self.ensure_started()
        port = server.tls_port if config.security == "tls" else server.port
        tls = config.tls
        if tls.verify and not tls.ca_file:
            tls = replace(tls, ca_file=str(server.cert_path))
        return replace(config, host="127.0.0.1", port=port, tls=tls)

    def remove_temporary_files(self) -> None:
        """Remove the running server's temporary certificate and key now, from
        any thread: for a process that must end before ``stop()`` could run."""
        if self._server is not None:
            self._server.remove_temporary_files()

    async def stop(self) -> None:
        async with self._lock:
            if self._server is not None:
                await self._server.stop()
                self._server = None
