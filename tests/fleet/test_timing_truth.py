"""The latencies a check reports are the server's, not the client's: the
connect phase ends when the TCP handshake does (not when the banner comes),
the banner phase is the server's wait, and a caller that is busy while the
checks run (a dashboard drawing) does not lengthen them.  Speed itself is
proven in benchmarks/timing_truth.py; these tests assert only orderings and
lower bounds a correct engine always meets, with wide margins."""

from __future__ import annotations

import asyncio
import threading
import time

from smtptui.fleet import check_many, check_profile
from smtptui.profiles import Profile
from smtptui.protocol import events as ev
from tests.protocol.scripted import ScriptedServer, read_command

BANNER_DELAY = 0.2
REPLY_DELAY = 0.05


async def paced(reader, writer):
    """Greets after BANNER_DELAY, answers everything after REPLY_DELAY."""
    await asyncio.sleep(BANNER_DELAY)
    writer.write(b"220 paced ESMTP\r\n")
    while True:
        line = await read_command(reader)
        await asyncio.sleep(REPLY_DELAY)
        if line.upper().startswith(b"EHLO"):
            writer.write(b"250-paced\r\n250 8BITMIME\r\n")
        elif line.upper().startswith(b"QUIT"):
            writer.write(b"221 bye\r\n")
            return
        else:
            writer.write(b"250 ok\r\n")


class ServerThread:
    """A ScriptedServer on a loop of its own, so a test may block its own loop."""

    def __init__(self, handler) -> None:
        self.handler = handler
        self.port = 0
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        async def main() -> None:
            self._stop = asyncio.Event()
            async with ScriptedServer(self.handler) as server:
                self.port = server.port
                self._ready.set()
                await self._stop.wait()

        self._loop.run_until_complete(main())
        self._loop.close()

    def __enter__(self) -> ServerThread:
        self._thread.start()
        assert self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)


def profile(port: int, name: str = "paced") -> Profile:
    return Profile(name=name, host="127.0.0.1", port=port, helo="test.local")


async def test_the_banner_wait_is_the_banners_and_the_connect_phase_excludes_it():
    async with ScriptedServer(paced) as server:
        result = await check_profile(profile(server.port), timeout=10)
    assert result.ok
    lat = result.latencies
    assert lat.banner is not None and lat.banner >= BANNER_DELAY * 1000
    assert lat.ehlo is not None and lat.ehlo >= REPLY_DELAY * 1000
    # the handshake ends long before the greeting: connect never swallows its wait
    assert lat.connect is not None and lat.connect < lat.banner - BANNER_DELAY * 500
    assert lat.total is not None and lat.total >= lat.connect + lat.banner + lat.ehlo - 1


async def test_a_replys_time_is_when_its_bytes_arrived():
    async with ScriptedServer(paced) as server:
        result = await check_profile(profile(server.port), timeout=10)
    connected = next(e for e in result.events if isinstance(e, ev.Connected))
    greeting = next(e for e in result.events if isinstance(e, ev.Received))
    # the event's own time and its elapsed figure tell the same story
    assert greeting.elapsed_ms is not None
    assert abs((greeting.at - connected.at) * 1000 - greeting.elapsed_ms) < 1


async def test_a_busy_caller_does_not_lengthen_what_the_checks_measure():
    blocked = 0.8
    blocked_once = False

    def on_event(name: str, event: ev.Event) -> None:
        nonlocal blocked_once
        if isinstance(event, ev.Connected) and not blocked_once:
            blocked_once = True
            time.sleep(blocked)  # the caller's loop is busy drawing

    with ServerThread(paced) as server:
        (result,) = await check_many([profile(server.port)], on_event=on_event, timeout=10)
    assert blocked_once and result.ok
    assert result.latencies.banner >= BANNER_DELAY * 1000
    # measured on the caller's loop, the greeting (sent during the block) would
    # be seen only after it: at least 800 ms
    assert result.latencies.banner < blocked * 1000
    assert result.latencies.total < blocked * 1000
