"""A tiny, blocking SMTP wire recorder for the reference tests.

It sends exactly the lines it is told (out-of-sequence ones included — that is
the point) and records every reply, so the state machine can be checked
against what real servers (Postfix, aiosmtpd) actually say. Deliberately not
smtptui's own client: these tests must not depend on the engine they will be
used to check. Output is a swaks-style transcript (``->``/``<-``, ``~>``/``<~``
inside TLS) that :func:`smtptui.reference.parse_transcript` reads back.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
from dataclasses import dataclass, field

from smtptui.protocol.reply import Reply, ReplyParser


@dataclass
class Wire:
    host: str
    port: int
    timeout: float = 10.0
    lines: list[str] = field(default_factory=list)
    steps: list[tuple[str | None, Reply]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sock: socket.socket | ssl.SSLSocket = socket.create_connection(
            (self.host, self.port), timeout=self.timeout
        )
        self.parser = ReplyParser()
        self.tls = False
        self._record(None, self._read())

    # -- wire -----------------------------------------------------------------
    def _read(self) -> Reply:
        while True:
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("server closed the connection")
            replies = self.parser.feed(data)
            if replies:
                assert len(replies) == 1, replies
                return replies[0]

    def _record(self, command: str | None, reply: Reply) -> Reply:
        arrow = "<~" if self.tls else "<-"
        self.lines.extend(f"{arrow} {line}" for line in reply.display_lines())
        self.steps.append((command, reply))
        return reply

    def _send_line(self, line: str) -> None:
        self.lines.append(f"{'~>' if self.tls else '->'} {line}")
        self.sock.sendall(line.encode() + b"\r\n")

    # -- API ------------------------------------------------------------------
    def cmd(self, line: str) -> Reply:
        """Send one command line, return (and record) its reply."""
        self._send_line(line)
        return self._record(line, self._read())

    def pipeline(self, *lines: str) -> list[Reply]:
        """Send several commands at once (PIPELINING), then read their replies."""
        for line in lines:
            self._send_line(line)
        return [self._record(line, self._read()) for line in lines]

    def data(self, body: str) -> Reply:
        """DATA, the body lines, the final "." and its reply."""
        reply = self.cmd("DATA")
        if reply.code != 354:
            return reply
        for line in body.splitlines():
            self._send_line(line)
        return self.cmd(".")

    def starttls(self, context: ssl.SSLContext, server_name: str | None = None) -> Reply:
        reply = self.cmd("STARTTLS")
        if reply.code == 220:
            self.sock = context.wrap_socket(self.sock, server_hostname=server_name)
            self.tls = True
            self.lines.append("=== TLS started")
        return reply

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()

    def transcript(self) -> str:
        return "\n".join(self.lines) + "\n"
