"""A raw SMTP client on asyncio streams, to see the server's exact bytes
(smtplib hides continuation lines and pipelining)."""

from __future__ import annotations

import asyncio
import contextlib
import ssl


class RawClient:
    """Send lines, read whole replies (all lines of a multi-line reply)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def connect(
        cls, port: int, *, tls: ssl.SSLContext | None = None, server_hostname: str | None = None
    ) -> RawClient:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(
                "127.0.0.1", port, ssl=tls, server_hostname=server_hostname if tls else None
            ),
            5,
        )
        return cls(reader, writer)

    async def reply(self) -> list[str]:
        lines = []
        while True:
            raw = await asyncio.wait_for(self.reader.readline(), 5)
            if not raw:
                raise ConnectionError(f"server closed the connection after {lines!r}")
            line = raw.decode("utf-8").rstrip("\r\n")
            lines.append(line)
            if line[3:4] != "-":
                return lines

    async def send(self, *lines: str | bytes) -> None:
        for line in lines:
            data = line.encode() if isinstance(line, str) else line
            self.writer.write(data + b"\r\n")
        await self.writer.drain()

    async def command(self, line: str | bytes) -> list[str]:
        await self.send(line)
        return await self.reply()

    async def starttls(self, context: ssl.SSLContext, server_hostname: str = "localhost") -> None:
        await self.writer.start_tls(context, server_hostname=server_hostname)

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(Exception):
            await self.writer.wait_closed()


def trusting(cert_path: object) -> ssl.SSLContext:
    """A client context that trusts exactly the demo server's certificate, with
    OpenSSL's strict checks on (the default from Python 3.13)."""
    context = ssl.create_default_context(cafile=str(cert_path))
    context.verify_flags |= ssl.VERIFY_X509_STRICT
    return context
