"""One SMTP client connection, on asyncio streams, emitting an event per step.

Low-level commands (``ehlo``, ``mail``, ``rcpt``, ``raw`` …) return the server's
:class:`Reply` and do not raise when the server refuses — a refusal is an answer,
and a learner stepping through SMTP must see it.  Multi-step operations that
cannot continue after a refusal (``connect``, ``starttls``, ``auth``) raise typed
errors.  Anything that breaks the connection itself (timeouts, malformed or
oversized replies, disconnects, TLS handshake failures) emits ``Failed`` and
``Closed`` and raises; the session is then closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import time
from collections.abc import Callable

from smtptui.protocol import auth as sasl
from smtptui.protocol import events as ev
from smtptui.protocol.capabilities import Capabilities
from smtptui.protocol.config import SessionConfig
from smtptui.protocol.connect import hand_over
from smtptui.protocol.errors import (
    AuthError,
    Phase,
    ProtocolError,
    SmtpError,
    TlsError,
    UsageError,
)
from smtptui.protocol.raw import raw_display
from smtptui.protocol.reply import Reply
from smtptui.protocol.secret import Secret
from smtptui.protocol.wire import WRITE_CHUNK, Wire, phase_of

__all__ = ["ProgressCallback", "Session", "phase_of"]

ProgressCallback = Callable[[int, int], None]

_QUIT_TIMEOUT = 5.0


class Session(Wire):
    """An SMTP client session.  Not safe for concurrent use by two tasks at once;
    public methods serialise themselves with a lock so that, say, a NOOP button
    pressed during a send waits its turn instead of corrupting the stream."""

    def __init__(self, config: SessionConfig) -> None:
        super().__init__(config)
        self.capabilities: Capabilities | None = None
        self.authenticated_as: str | None = None
        self._last_group: tuple[list[str], bytes, tuple[Phase, ...]] | None = None

    def _reset(self) -> None:
        super()._reset()
        self.capabilities = None
        self.authenticated_as = None

    # ------------------------------------------------------------- commands
    def default_helo(self) -> str:
        if self.config.helo:
            return self.config.helo
        name = socket.gethostname()
        if "." in name:
            return name
        transport = self._stream.transport if self._stream is not None else None
        local = transport.get_extra_info("sockname") if transport is not None else None
        if local:
            ip = ipaddress.ip_address(local[0].split("%")[0])
            return f"[IPv6:{ip}]" if ip.version == 6 else f"[{ip}]"
        return name or "localhost"

    async def ehlo(self, name: str | None = None, *, fallback: bool = True) -> Reply:
        """EHLO; on a 500/502 it falls back to HELO (RFC 5321 §4.1.1.1)."""
        async with self.exclusive():
            name = name or self.default_helo()
            reply = await self._command(f"EHLO {name}")
            if reply.code == 250:
                self.capabilities = Capabilities.from_ehlo(reply)
            elif fallback and reply.code in (500, 502) and self.connected:
                self.note(
                    "the server does not understand EHLO; falling back to HELO (no extensions)"
                )
                reply = await self._command(f"HELO {name}")
                if reply.code == 250:
                    self.capabilities = Capabilities.from_helo(reply)
            return reply

    async def helo(self, name: str | None = None) -> Reply:
        async with self.exclusive():
            reply = await self._command(f"HELO {name or self.default_helo()}")
            if reply.code == 250:
                self.capabilities = Capabilities.from_helo(reply)
            return reply

    async def starttls(self, *, ehlo: bool = True) -> Reply:
        """STARTTLS, the handshake, and (by default) EHLO again, whose reply
        replaces every capability learnt before TLS (RFC 3207 §4.2)."""
        async with self.exclusive():
            if self.tls_active:
                raise TlsError("TLS is already active on this connection")
            reply = await self._starttls_command()
            await self._upgrade()
        if ehlo:
            await self.ehlo()
        return reply

    async def starttls_handover(self) -> tuple[Reply, asyncio.StreamReader, asyncio.StreamWriter]:
        """STARTTLS, then hand the still-plain connection to the caller for a
        handshake made elsewhere (the inspector's, which must see every
        certificate and choose versions and ciphers itself), as asyncio
        streams.  The session is closed afterwards: it no longer owns the
        connection."""
        async with self.exclusive():
            reply = await self._starttls_command()
            self._refuse_injection()
            stream = self._detach()
            assert stream is not None and stream.transport is not None
            reader, writer = hand_over(stream.transport)
            self._closed("handed over for a TLS handshake of its own")
            return reply, reader, writer

    async def _starttls_command(self) -> Reply:
        """STARTTLS where it is offered, refused in one sentence otherwise;
        the caller holds the session and does the handshake."""
        caps = self.capabilities
        if caps is not None and not caps.starttls:
            raise TlsError(
                f"{self.host_label} does not offer STARTTLS",
                hint="Use --security plain, or --security tls on port 465.",
            )
        reply = await self._command("STARTTLS")
        if reply.code != 220:
            raise TlsError(f"the server refused STARTTLS: {reply.summary()}", reply=reply)
        return reply

    def _refuse_injection(self) -> None:
        if self._replies or self._parser.pending:
            raise self._fatal(
                ProtocolError(
                    "the server sent data after its 220 to STARTTLS and before the TLS handshake "
                    "(a response-injection attack, or a broken server); the session was closed "
                    "and nothing it sent was trusted",
                    phase=Phase.TLS,
                )
            )

    async def _upgrade(self) -> None:
        self._refuse_injection()
        self.capabilities = None
        await self._handshake()

    async def auth(self, mechanism: str, username: str, secret: Secret | str) -> Reply:
        """Authenticate; raises :class:`AuthError` unless the server says 235."""
        if isinstance(secret, str):
            secret = Secret(secret)
        async with self.exclusive():
            if not self.tls_active and not self.config.allow_insecure_auth:
                raise AuthError(
                    "smtptui will not send credentials over an unencrypted connection",
                    hint="Use --security starttls or tls; if you really mean it, --allow-insecure-auth.",
                )
            offered = self.capabilities.auth_mechanisms if self.capabilities else ()
            name = sasl.choose_mechanism(mechanism, offered)
            if offered and name not in offered:
                self.note(
                    f"the server does not list AUTH {name} (it offers {' '.join(offered)}); trying anyway",
                    "warning",
                )
            elif not offered:
                self.note(
                    "the server did not offer AUTH in its EHLO reply; trying anyway", "warning"
                )
            mech = sasl.mechanism(name, username, secret)
            reply = await self._auth_line(mech.start())
            while reply.code == 334:
                try:
                    line = mech.respond(reply.lines[0] if reply.lines else "")
                except AuthError:
                    await self._auth_line(
                        sasl.AuthLine("*", "*", "cancel", "*", "cancel", secret=False)
                    )
                    raise
                reply = await self._auth_line(line)
            if reply.code == 235:
                self.authenticated_as = username
                return reply
            raise AuthError(f"the server refused AUTH {name}: {reply.summary()}", reply=reply)

    async def _auth_line(self, line: sasl.AuthLine) -> Reply:
        display = ev.Sent(
            text=line.text,
            annotation=line.annotation,
            redacted=line.redacted,
            redacted_annotation=line.redacted_annotation,
            secret=line.secret,
            kind="auth",
            tls=self.tls_active,
        )
        await self._drain_unsolicited()
        started = time.monotonic()
        timeout = self.config.timeout_for("command")
        await self._write(line.wire.encode("utf-8") + b"\r\n", timeout, Phase.AUTH)
        self._emit(display)
        return await self._read_reply(timeout, Phase.AUTH, started, command="AUTH")

    async def mail(self, sender: str, params: tuple[str, ...] = ()) -> Reply:
        if self._holds():  # a transaction's own step
            return await self._command(" ".join((f"MAIL FROM:<{sender}>", *params)))
        async with self.exclusive():
            return await self._command(" ".join((f"MAIL FROM:<{sender}>", *params)))

    async def rcpt(self, recipient: str, params: tuple[str, ...] = ()) -> Reply:
        if self._holds():  # a transaction's own step
            return await self._command(" ".join((f"RCPT TO:<{recipient}>", *params)))
        async with self.exclusive():
            return await self._command(" ".join((f"RCPT TO:<{recipient}>", *params)))

    async def data(self, message: bytes, *, progress: ProgressCallback | None = None) -> Reply:
        """DATA, then the message (CRLF-normalised, dot-stuffed, final ``.``).
        Returns the refusal if the server does not answer DATA with ``354``."""
        async with self.exclusive():  # nothing may slip in between the 354 and the message
            reply = await self.data_command()
            if reply.code != 354:
                return reply
            return await self.send_data_body(message, progress=progress)

    async def data_command(self) -> Reply:
        """Just the DATA command (the learner's step mode; ``354`` expected)."""
        if self._holds():
            return await self._command("DATA", timeout_key="data_init")
        async with self.exclusive():
            return await self._command("DATA", timeout_key="data_init")

    async def send_data_body(
        self, message: bytes, *, progress: ProgressCallback | None = None
    ) -> Reply:
        """The message after a ``354``: normalised, dot-stuffed, final ``.``
        (also ends a raw DATA the learner started by hand)."""
        from smtptui.protocol.data import data_payload

        return await self.send_payload(data_payload(message), progress=progress)

    async def send_payload(
        self, payload: bytes, *, progress: ProgressCallback | None = None
    ) -> Reply:
        """Bytes already prepared with :func:`~smtptui.protocol.data.data_payload`
        (the transaction prepares them once, for SIZE= and for the wire), after
        a ``354``; returns the server's verdict on the message."""
        if self._holds():
            self.in_data = False
            return await self._send_payload(payload, progress)
        async with self.exclusive():
            self.in_data = False
            return await self._send_payload(payload, progress)

    async def end_data_empty(self) -> Reply:
        """Close an accepted DATA with no content (RFC 2920 §3.1: after a 354
        although every recipient was refused)."""
        async with self.exclusive():
            return await self._send_payload(b".\r\n", None)

    async def pipeline(self, lines: list[str]) -> list[Reply]:
        """RFC 2920: write every command at once, then read one reply per command,
        in order.  The caller must end the group with a command that needs a
        synchronisation point (DATA, EHLO, QUIT …).  A ``421`` among the
        replies raises (the connection is then closed)."""
        if self._holds():  # a transaction's own step: no second hold
            return await self._pipeline(lines)
        async with self.exclusive():
            return await self._pipeline(lines)

    async def _pipeline(self, lines: list[str]) -> list[Reply]:
        for line in lines:
            if "\r" in line or "\n" in line:
                raise UsageError("a command must not contain CR or LF")
        self._refuse_in_data(lines[0])
        if self._unsolicited_pending():
            await self._drain_unsolicited()
        wire, phases = self._encoded(lines)
        started = time.monotonic()
        if self._write_now(wire, phases[0]):
            await self._drain(self.config.timeout_for("command"), phases[0])
        if self._subscribers:
            for line in lines:
                self._sent(line, at=started)
        return await self._group_replies(lines, phases, started)

    def _encoded(self, lines: list[str]) -> tuple[bytes, tuple[Phase, ...]]:
        """A group's wire bytes and phases (kept for the next identical group:
        a load test sends the same one for every message)."""
        last = self._last_group
        if last is not None and last[0] == lines:
            return last[1], last[2]
        wire = "\r\n".join(lines).encode("utf-8") + b"\r\n"
        phases = tuple(phase_of(line) for line in lines)
        self._last_group = (list(lines), wire, phases)
        return wire, phases

    async def _group_replies(
        self, lines: list[str], phases: tuple[Phase, ...], started: float
    ) -> list[Reply]:
        """One reply per pipelined command, in order."""
        replies = []
        command_timeout = self.config.timeout_for("command")
        data_timeout = self.config.timeout_for("data_init")
        for line, phase in zip(lines, phases, strict=True):
            wait = data_timeout if phase is Phase.DATA else command_timeout
            reply = await self._read_reply(wait, phase, started, command=line)
            if reply.code == 421:
                raise self.goodbye_error(reply, phase)
            replies.append(reply)
        return replies

    async def pipeline_after_payload(
        self, payload: bytes, lines: list[str]
    ) -> tuple[Reply, list[Reply]]:
        """RFC 2920 across messages: the end of one message and the next
        transaction's commands (ending with DATA) in one write.  Returns the
        reply to the message and one reply per command."""
        if self._holds():
            return await self._pipeline_after_payload(payload, lines)
        async with self.exclusive():
            return await self._pipeline_after_payload(payload, lines)

    async def _pipeline_after_payload(
        self, payload: bytes, lines: list[str]
    ) -> tuple[Reply, list[Reply]]:
        self.in_data = False
        group, phases = self._encoded(lines)
        wire = payload + group
        started = time.monotonic()
        if self._write_now(wire, Phase.DATA):
            await self._drain(self.config.timeout_for("data_block"), Phase.DATA)
        if self._subscribers:
            self._emit(ev.DataSent(at=started, payload=payload, tls=self.tls_active))
            for line in lines:
                self._sent(line, at=started)
        final = await self._read_reply(
            self.config.timeout_for("data_end"), Phase.DATA, started, command="DATA"
        )
        return final, await self._group_replies(lines, phases, started)

    async def _send_payload(
        self, payload: bytes, progress: ProgressCallback | None, *, kind: str = "data"
    ) -> Reply:
        timeout = self.config.timeout_for("data_block")
        started = time.monotonic()
        total = len(payload)
        if progress is None or total <= WRITE_CHUNK:
            if self._write_now(payload, Phase.DATA):
                await self._drain(timeout, Phase.DATA)
        else:
            view = memoryview(payload)
            for offset in range(0, total, WRITE_CHUNK):
                await self._write(bytes(view[offset : offset + WRITE_CHUNK]), timeout, Phase.DATA)
                progress(min(offset + WRITE_CHUNK, total), total)
        if self._subscribers:
            self._emit(
                ev.DataSent(
                    at=started,
                    payload=payload,
                    tls=self.tls_active,
                    kind=kind,
                    elapsed_ms=(time.monotonic() - started) * 1000,
                )
            )
        return await self._read_reply(
            self.config.timeout_for("data_end"), Phase.DATA, started, command="DATA"
        )

    async def bdat(
        self,
        message: bytes,
        *,
        chunk_size: int = 1024 * 1024,
        progress: ProgressCallback | None = None,
    ) -> Reply:
        """RFC 3030 CHUNKING: the message in ``BDAT n`` chunks, no dot-stuffing.
        Stops at the first refused chunk and returns that reply."""
        from smtptui.protocol.data import normalise_line_ends

        async with self.exclusive():
            body = normalise_line_ends(message)
            total = len(body)
            offset = 0
            reply: Reply | None = None
            while True:
                chunk = body[offset : offset + chunk_size]
                offset += len(chunk)
                last = offset >= total
                command = f"BDAT {len(chunk)}{' LAST' if last else ''}"
                await self._drain_unsolicited()
                started = time.monotonic()
                timeout = self.config.timeout_for("data_block")
                await self._write(command.encode("ascii") + b"\r\n" + chunk, timeout, Phase.DATA)
                self._sent(command)
                self._emit(ev.DataSent(payload=chunk, tls=self.tls_active, kind="bdat"))
                reply = await self._read_reply(
                    self.config.timeout_for("data_end" if last else "data_block"),
                    Phase.DATA,
                    started,
                    command="BDAT",
                )
                if progress:
                    progress(offset, total)
                if reply.code != 250 or last:
                    return reply

    async def rset(self) -> Reply:
        async with self.exclusive():
            return await self._command("RSET")

    async def noop(self) -> Reply:
        async with self.exclusive():
            return await self._command("NOOP")

    async def vrfy(self, what: str) -> Reply:
        async with self.exclusive():
            return await self._command(f"VRFY {what}")

    async def expn(self, what: str) -> Reply:
        async with self.exclusive():
            return await self._command(f"EXPN {what}")

    async def help(self, topic: str | None = None) -> Reply:
        async with self.exclusive():
            return await self._command(f"HELP {topic}" if topic else "HELP")

    async def quit(self) -> Reply | None:
        """QUIT politely (short timeout) and close.  Never raises.  With a
        message still open (a raw DATA), QUIT would become a line of the
        message: the connection is dropped instead, and nothing is delivered."""
        async with self.exclusive():
            reply = None
            if self.in_data:
                self.abort("closed without QUIT: a message was still open (no final '.')")
            if self.connected:
                with contextlib.suppress(SmtpError):
                    await self._drain_unsolicited()
                    started = time.monotonic()
                    timeout = min(self.config.timeout_for("command"), _QUIT_TIMEOUT)
                    await self._write(b"QUIT\r\n", timeout, Phase.QUIT)
                    self._sent("QUIT")
                    reply = await self._read_reply(timeout, Phase.QUIT, started, command="QUIT")
            await self._close_transport("closed after QUIT" if reply else "closed")
            return reply

    async def raw(self, line: str) -> Reply | None:
        """Send exactly one line as the user typed it (telnet mode).

        Out-of-sequence commands are sent as they are: a learner must see the
        ``503``.  The session follows along: EHLO updates capabilities, a ``354``
        enters message mode (lines are then sent without waiting until ``.``),
        ``220`` to STARTTLS starts the handshake, ``221`` closes.  Returns
        ``None`` for message lines, which get no reply of their own.
        """
        if "\r" in line or "\n" in line:
            raise UsageError("a raw command is exactly one line; it must not contain CR or LF")
        async with self.exclusive():
            if not self.connected:
                raise UsageError("not connected; connect first")
            if self.in_data:
                return await self._raw_data_line(line)
            verb, _, arg = line.partition(" ")
            verb = verb.upper()
            if verb == "BDAT":
                raise UsageError(
                    "BDAT must be followed by exactly that many bytes of message, which cannot be "
                    "typed line by line: use DATA here, or send from the composer with CHUNKING"
                )
            reply = await self._command(
                line,
                display=raw_display(
                    line,
                    verb,
                    arg,
                    answer_due=self._answer_due,
                    challenge=self._last_challenge,
                    tls=self.tls_active,
                ),
            )
            if verb == "EHLO" and reply.code == 250:
                self.capabilities = Capabilities.from_ehlo(reply)
            elif verb == "HELO" and reply.code == 250:
                self.capabilities = Capabilities.from_helo(reply)
            elif verb == "DATA" and reply.code == 354:
                self.in_data = True
                self.note("message mode: type lines; a line with a single '.' ends the message")
            elif verb == "STARTTLS" and reply.code == 220:
                await self._upgrade()
                self.note("TLS is up; send EHLO again: everything learnt before TLS is forgotten")
            elif reply.code == 235:
                self.authenticated_as = "(raw AUTH)"
            elif verb == "QUIT" and reply.code == 221:
                await self._close_transport("closed after QUIT")
            return reply

    async def _raw_data_line(self, line: str) -> Reply | None:
        timeout = self.config.timeout_for("data_block")
        started = time.monotonic()
        await self._write(line.encode("utf-8") + b"\r\n", timeout, Phase.DATA)
        self._emit(ev.Sent(text=line, tls=self.tls_active, kind="data"))
        if line != ".":
            return None
        self.in_data = False
        return await self._read_reply(
            self.config.timeout_for("data_end"), Phase.DATA, started, command="DATA"
        )

    # ---------------------------------------------------------------- closing
    async def aclose(self) -> None:
        """QUIT if still connected, then close; safe to call at any time."""
        if self.connected:
            await self.quit()
        else:
            await self._close_transport("closed")

    async def __aenter__(self) -> Session:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
