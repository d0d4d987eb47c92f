"""A local HTTPS server for MTA-STS policies, and an httpx client that reaches
it under the real names.

The server listens on 127.0.0.1 (a free port) with a trustme certificate for
``mta-sts.<domain>`` and answers ``/.well-known/mta-sts.txt`` per Host:
a policy, a status, an oversized body streamed without a length, or nothing
at all until the test ends (a slow server).  It runs on its own event loop in
a thread, so both async tests and click's CLI (which runs its own loop) can
use it.

:class:`ToLoopback` is the client's transport: it sends every request to that
port while keeping the URL's host in the Host header and as the TLS server
name (httpcore's ``sni_hostname``), so the certificate is verified for
``mta-sts.<domain>`` exactly as it would be on the internet.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
from dataclasses import dataclass

import httpx
import trustme

PATH = "/.well-known/mta-sts.txt"


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/plain"
    stream: bool = False  # no Content-Length: the body is read until the connection closes
    hang: bool = False  # never answer (until the server stops)
    headers: tuple[tuple[str, str], ...] = ()


class PolicyServer:
    def __init__(self, ca: trustme.CA, names: list[str]) -> None:
        self.ca = ca
        self.routes: dict[str, Reply] = {}
        self.requests: list[tuple[str, str]] = []
        self._cert = ca.issue_cert(*names)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._writers: set[asyncio.StreamWriter] = set()
        self._release: asyncio.Event | None = None
        self._server: asyncio.Server | None = None
        self.port = 0

    # -- running ---------------------------------------------------------------
    def start(self) -> PolicyServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    async def _start(self) -> None:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._cert.configure_cert(ctx)
        self._release = asyncio.Event()
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0, ssl=ctx)
        self.port = self._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    async def _stop(self) -> None:
        assert self._server is not None and self._release is not None
        self._release.set()
        self._server.close()
        for writer in list(self._writers):
            writer.close()
        await self._server.wait_closed()

    # -- answering ------------------------------------------------------------
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            path = lines[0].split(" ")[1]
            host = next(
                (v.strip() for k, _, v in (h.partition(":") for h in lines[1:]) if k.lower() == "host"),
                "",
            )  # fmt: skip
            self.requests.append((host, path))
            reply = self.routes.get(host) if path == PATH else None
            reply = reply or Reply(404, b"not found")
            if reply.hang:
                assert self._release is not None
                await self._release.wait()
                return
            headers = f"HTTP/1.1 {reply.status} X\r\nContent-Type: {reply.content_type}\r\n"
            headers += "".join(f"{k}: {v}\r\n" for k, v in reply.headers)
            if not reply.stream:
                headers += f"Content-Length: {len(reply.body)}\r\n"
            writer.write((headers + "Connection: close\r\n\r\n").encode("latin-1"))
            for start in range(0, len(reply.body), 16384):
                writer.write(reply.body[start : start + 16384])
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()

    # -- the client side ------------------------------------------------------
    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=ToLoopback(self.port, self.ca))


class ToLoopback(httpx.AsyncBaseTransport):
    """Every request to 127.0.0.1:``port``, named and verified as its URL says."""

    def __init__(self, port: int, ca: trustme.CA) -> None:
        ctx = ssl.create_default_context()
        ca.configure_trust(ctx)
        self.port = port
        self.inner = httpx.AsyncHTTPTransport(verify=ctx)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        name = request.url.host
        request.url = request.url.copy_with(host="127.0.0.1", port=self.port)
        request.extensions = {**request.extensions, "sni_hostname": name}
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def policy(mode: str, *mx: str, max_age: int = 604800) -> bytes:
    lines = ["version: STSv1", f"mode: {mode}", *(f"mx: {m}" for m in mx), f"max_age: {max_age}"]
    return ("\r\n".join(lines) + "\r\n").encode()
