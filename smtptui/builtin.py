"""The built-in demo server behind profiles with ``builtin_server = true``.

The demo profile must work with no set-up: when it is used, the embedded server
starts on a free loopback port, and the profile is pointed at it and told to
trust exactly that server's self-signed certificate.  One server per process
is shared by every session that uses it (the TUI's demo inbox shows what it
received).

The server runs in a thread of its own with its own event loop, started on
first use.  Its start-up (importing aiosmtpd, perhaps making a certificate)
and its work per message then never hold up the loop of the client measured
beside it: a check of fifty servers that includes the demo reports the same
latencies as one without it.  Its certificate comes from the user's cache
(:func:`smtptui.server.certs.cached_self_signed`), so a start usually makes
none.  Every method here may be awaited from any event loop.  The server stops
by itself once every event loop that used it has ended, so an app that ends
without :meth:`BuiltinServer.stop` leaves no thread and no port behind.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
import weakref
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smtptui.protocol.config import SessionConfig
    from smtptui.server import DemoServer, ServerConfig


#: Seconds between the server thread's checks that someone still uses it
#: (for loops that close without cancelling their tasks first).
WATCH_INTERVAL = 0.25
SENTINEL = "smtptui-demo-server-user"


class BuiltinServer:
    """Starts the embedded server on first use; ``stop()`` when the app ends.

    ``server`` is the running :class:`~smtptui.server.DemoServer` (or
    ``None``); its subscribers are called in the server's thread.
    """

    def __init__(self, config: ServerConfig | None = None) -> None:
        self._config = config  # default: loopback, free ports, the cached certificate
        self._server: DemoServer | None = None
        self._guard = threading.Lock()
        self._starting: concurrent.futures.Future[DemoServer] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        # the event loops that asked for the server; when all have closed, it stops
        self._users: weakref.WeakSet[asyncio.AbstractEventLoop] = weakref.WeakSet()
        self._watchdog: asyncio.Task[None] | None = None
        self._sentinels: set[asyncio.Task[None]] = set()

    @property
    def server(self) -> DemoServer | None:
        return self._server

    @property
    def thread(self) -> threading.Thread | None:
        """The thread the server runs in (for tests and diagnostics)."""
        return self._thread

    async def ensure_started(self) -> DemoServer:
        user = asyncio.get_running_loop()
        with self._guard:
            if user not in self._users:
                self._users.add(user)
                self._sentinels = {t for t in self._sentinels if not t.get_loop().is_closed()}
                self._sentinels.add(user.create_task(self._sentinel(), name=SENTINEL))
            if self._starting is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=_run_forever, args=(loop,), name="smtptui-demo-server", daemon=True
                )
                thread.start()
                self._loop, self._thread = loop, thread
                self._starting = asyncio.run_coroutine_threadsafe(self._start(), loop)
            starting = self._starting
        try:
            return await asyncio.wrap_future(starting)
        except Exception:
            await self._shut_down(starting)  # the next use tries again
            raise

    async def _start(self) -> DemoServer:
        """In the server's thread: build and start the server."""
        from smtptui.server import DemoServer, ServerConfig

        config = self._config
        if config is None:
            from smtptui.server.certs import cached_self_signed

            cfg = ServerConfig(host="127.0.0.1", port=0, tls_port=0)
            files = cached_self_signed(cfg.hostname)
            config = replace(cfg, cert_file=files.cert, key_file=files.key)
        server = DemoServer(config)
        await server.start()
        self._server = server
        self._watchdog = asyncio.get_running_loop().create_task(self._watch())
        return server

    async def _sentinel(self) -> None:
        """Lives in each event loop that uses the server.  When that loop ends
        (``asyncio.run`` cancels every task first), the server stops — unless
        another loop still uses it."""
        loop = asyncio.get_running_loop()
        try:
            await loop.create_future()  # until cancelled
        except asyncio.CancelledError:
            with self._guard:
                self._users.discard(loop)
                others = any(not user.is_closed() for user in self._users)
                starting = self._starting
            task = asyncio.current_task()
            if task is not None:
                self._sentinels.discard(task)
            if not others and starting is not None:
                await self._shut_down(starting)
            raise
        # (a loop closed without cancelling its tasks drops this coroutine
        # unfinished; the server's own watch notices that loop instead)

    async def _watch(self) -> None:
        """In the server's thread: stop once every loop that used it has closed."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(WATCH_INTERVAL)
            with self._guard:
                if any(not user.is_closed() for user in self._users) or self._loop is not loop:
                    continue
                server = self._server
                self._starting = None
                self._loop = self._thread = self._server = None
            if server is not None:
                with contextlib.suppress(Exception):
                    await server.stop()
            loop.stop()
            return

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
        """Stop the server and its thread (safe to call when it never started)."""
        with self._guard:
            starting = self._starting
        if starting is not None:
            await self._shut_down(starting)

    async def _shut_down(self, starting: concurrent.futures.Future[DemoServer]) -> None:
        with self._guard:
            if self._starting is not starting:
                return  # someone else stopped it already
            self._starting = None
            loop, thread, server = self._loop, self._thread, self._server
            self._loop = self._thread = self._server = None
        if loop is None or thread is None:
            return
        with contextlib.suppress(Exception):  # a start that failed has nothing to stop
            await asyncio.wrap_future(starting)
        if server is not None:
            await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(server.stop(), loop))
        loop.call_soon_threadsafe(loop.stop)
        await asyncio.to_thread(thread.join, 10)


def _run_forever(loop: asyncio.AbstractEventLoop) -> None:
    asyncio.set_event_loop(loop)
    try:
        loop.run_forever()
    finally:
        left = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in left:
            task.cancel()
        with contextlib.suppress(RuntimeError):
            loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
