"""Misbehaving SMTP servers for the real-terminal tests, in a thread with its
own event loop: they keep answering (or pointedly not answering) whatever
pytest's own loop or the tests' sleeps are doing.

* ``silent`` accepts and never says a word;
* ``mute`` greets, then never answers a command;
* ``slow`` answers everything, each reply a second late;
* ``no_quit`` answers everything but QUIT (a client closing on exit waits);
* ``refusing`` is a port nobody listens on (connection refused).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading

from tests.protocol.scripted import ScriptedServer, read_command

EHLO = b"250-misbehaving.test\r\n250 PIPELINING\r\n"


async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await asyncio.sleep(3600)


async def mute(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"220 mute.test ESMTP\r\n")
    while await reader.readline():
        pass


async def slow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await asyncio.sleep(1)
    writer.write(b"220 slow.test ESMTP\r\n")
    while True:
        line = (await read_command(reader)).upper()
        await asyncio.sleep(1)
        if line.startswith(b"QUIT"):
            writer.write(b"221 bye\r\n")
            await writer.drain()
            return
        writer.write(EHLO if line.startswith(b"EHLO") else b"250 ok\r\n")
        await writer.drain()


async def no_quit(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"220 noquit.test ESMTP\r\n")
    while True:
        line = (await read_command(reader)).upper()
        if line.startswith(b"QUIT"):
            await asyncio.sleep(3600)
        writer.write(EHLO if line.startswith(b"EHLO") else b"250 ok\r\n")
        await writer.drain()


def _quietly(handler):
    """The handler, ending quietly when the servers stop (a cancelled
    connection task would otherwise be logged as an error)."""

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(asyncio.CancelledError):
            await handler(reader, writer)

    return serve


HANDLERS = {
    name: _quietly(handler)
    for name, handler in {"silent": silent, "mute": mute, "slow": slow, "no_quit": no_quit}.items()
}


def closed_port() -> int:
    """A loopback port nothing listens on (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MisbehavingServers:
    """``with MisbehavingServers() as ports:`` → {"silent": port, ..., "refusing": port}."""

    def __init__(self) -> None:
        self.ports: dict[str, int] = {}
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="misbehaving-smtp")

    def _run(self) -> None:
        async def main() -> None:
            self._stop = asyncio.Event()
            async with contextlib.AsyncExitStack() as stack:
                for name, handler in HANDLERS.items():
                    server = await stack.enter_async_context(ScriptedServer(handler))
                    self.ports[name] = server.port
                self._ready.set()
                await self._stop.wait()

        try:
            self._loop.run_until_complete(main())
        finally:
            self._ready.set()
            self._loop.close()

    def __enter__(self) -> dict[str, int]:
        self._thread.start()
        if not self._ready.wait(10) or len(self.ports) != len(HANDLERS):
            raise RuntimeError("the misbehaving test servers did not start")
        return {**self.ports, "refusing": closed_port()}

    def __exit__(self, *exc: object) -> None:
        if self._stop is not None:
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)
