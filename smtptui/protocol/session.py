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
import ssl
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from smtptui.protocol import auth as sasl
from smtptui.protocol import events as ev
from smtptui.protocol.capabilities import Capabilities
from smtptui.protocol.config import SessionConfig
from smtptui.protocol.connect import host_label, open_stream
from smtptui.protocol.deadline import Deadline
from smtptui.protocol.errors import (
    AuthError,
    Phase,
    ProtocolError,
    ReplyError,
    SmtpError,
    SmtpTimeout,
    TlsError,
    UsageError,
    exit_code_for,
)
from smtptui.protocol.reply import Reply, ReplyParser
from smtptui.protocol.secret import MASK, Secret
from smtptui.protocol.tls import build_context, describe, explain_handshake_error

if TYPE_CHECKING:
    from smtptui.protocol.tls import TlsInfo

Subscriber = Callable[[ev.Event], None]
ProgressCallback = Callable[[int, int], None]

_READ_CHUNK = 64 * 1024
_WRITE_CHUNK = 256 * 1024
_QUIT_TIMEOUT = 5.0

_PHASE_OF_VERB = {
    "EHLO": Phase.EHLO,
    "HELO": Phase.EHLO,
    "STARTTLS": Phase.TLS,
    "AUTH": Phase.AUTH,
    "MAIL": Phase.MAIL,
    "RCPT": Phase.RCPT,
    "DATA": Phase.DATA,
    "BDAT": Phase.DATA,
    "QUIT": Phase.QUIT,
}


def phase_of(line: str) -> Phase:
    return _PHASE_OF_VERB.get(line.split(" ", 1)[0].upper(), Phase.COMMAND)


class Session:
    """An SMTP client session.  Not safe for concurrent use by two tasks at once;
    public methods serialise themselves with a lock so that, say, a NOOP button
    pressed during a send waits its turn instead of corrupting the stream."""

    def __init__(self, config: SessionConfig) -> None:
        self.config = config
        self.capabilities: Capabilities | None = None
        self.greeting: Reply | None = None
        self.tls_info: TlsInfo | None = None
        self.authenticated_as: str | None = None
        self.in_data = False  # raw mode: between 354 and the final "."
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._parser = ReplyParser()
        self._replies: deque[Reply] = deque()
        self._subscribers: list[Subscriber] = []
        self._lock = asyncio.Lock()
        self._closed_emitted = False
        self._last_challenge: str | None = None
        self._deadline = Deadline()

    # ----------------------------------------------------------------- events
    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback(event)`` for every event; returns an unsubscribe function."""
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._subscribers.remove(callback)

        return unsubscribe

    def _emit(self, event: ev.Event) -> None:
        for callback in tuple(self._subscribers):
            callback(event)

    def note(self, text: str, level: str = "info") -> None:
        self._emit(ev.Note(text=text, level=level))

    # ------------------------------------------------------------- properties
    @property
    def connected(self) -> bool:
        return self._writer is not None and not self._writer.is_closing()

    @property
    def tls_active(self) -> bool:
        return self.tls_info is not None

    @property
    def host_label(self) -> str:
        return host_label(self.config.host, self.config.port)

    # ------------------------------------------------------------ connection
    async def connect(self) -> Reply:
        """Open TCP (and TLS, for implicit-TLS ``security="tls"``) and read the
        greeting.  Raises :class:`ReplyError` if the greeting is not ``220``."""
        async with self._lock:
            if self.connected:
                raise UsageError("already connected; QUIT or disconnect first")
            self._reset()
            cfg = self.config
            self._emit(ev.Connecting(host=cfg.host, port=cfg.port, security=cfg.security))
            await self._open()
            if cfg.security == "tls":
                await self._handshake()
            started = time.monotonic()
            reply = await self._read_reply(cfg.timeout_for("greeting"), Phase.GREETING, started)
            self.greeting = reply
            if reply.code != 220:
                err = ReplyError(
                    f"the server refused the connection in its greeting: {reply.summary()}",
                    phase=Phase.GREETING,
                    reply=reply,
                )
                raise err
            return reply

    async def _open(self) -> None:
        try:
            stream = await open_stream(self.config)
        except SmtpError as exc:
            raise self._fatal(exc) from exc
        self._reader, self._writer = stream.reader, stream.writer
        self._emit(
            ev.Connected(
                peer=stream.peer,
                local=stream.local,
                elapsed_ms=stream.connect_ms,
                dns_ms=stream.dns_ms,
            )
        )

    async def _handshake(self) -> None:
        assert self._writer is not None
        cfg = self.config
        server_name = cfg.tls.server_hostname or cfg.host
        try:
            ctx = build_context(cfg.tls)
        except TlsError as exc:
            raise self._fatal(exc) from exc
        if not cfg.tls.verify:
            self.note(
                "certificate verification is OFF: anyone on the path could read and change this session",
                level="warning",
            )
        started = time.monotonic()
        try:
            async with asyncio.timeout(cfg.timeout_for("connect")):
                await self._writer.start_tls(ctx, server_hostname=_sni(server_name))
        except (ssl.SSLError, OSError, EOFError, TimeoutError) as exc:
            error = TlsError(
                f"TLS with {self.host_label} failed: {explain_handshake_error(exc, server_name)}"
            )
            if isinstance(exc, ssl.SSLCertVerificationError):
                error.verify_error = (exc.verify_message or str(exc)).strip()
            raise self._fatal(error) from exc
        ssl_object = self._writer.get_extra_info("ssl_object")
        info = describe(ssl_object, server_name, True if cfg.tls.verify else None)
        self.tls_info = info
        self._emit(ev.TlsEstablished(info=info, elapsed_ms=(time.monotonic() - started) * 1000))

    # --------------------------------------------------------------- reading
    async def _read_reply(
        self, timeout: float, phase: Phase, started: float, *, command: str | None = None
    ) -> Reply:
        reply = (
            self._replies.popleft()
            if self._replies
            else await self._next_reply(timeout, phase, command)
        )
        annotation = self._annotate(reply) if reply.code == 334 or self._last_challenge else None
        if self._subscribers:
            self._emit(
                ev.Received(
                    reply=reply,
                    tls=self.tls_info is not None,
                    elapsed_ms=(time.monotonic() - started) * 1000,
                    annotation=annotation,
                )
            )
        if reply.code == 421:
            self.note("the server is closing the connection (421)", level="warning")
            await self._close_transport("the server closed the connection (421)")
        return reply

    async def _next_reply(self, timeout: float, phase: Phase, command: str | None) -> Reply:
        reader = self._reader
        if reader is None:
            raise self._fatal(ProtocolError("not connected", phase=phase))
        deadline = self._deadline
        deadline.arm(timeout)
        try:
            while not self._replies:
                data = await reader.read(_READ_CHUNK)
                if not data:
                    raise self._fatal(
                        ProtocolError(
                            f"the server closed the connection while smtptui waited for {_waiting_for(command)}",
                            phase=phase,
                        )
                    )
                self._replies.extend(self._parser.feed(data))
        except asyncio.CancelledError:
            if not deadline.consume_expiry():
                raise
            raise self._fatal(
                SmtpTimeout(
                    f"the server sent nothing for {timeout:g} s while smtptui waited for {_waiting_for(command)}",
                    phase=phase,
                    hint="The server may be overloaded, or a firewall drops the traffic; try --timeout.",
                )
            ) from None
        except ProtocolError as exc:
            if not self._closed_emitted:
                exc.phase = phase
                raise self._fatal(exc) from None
            raise
        except (ConnectionError, OSError) as exc:
            raise self._fatal(
                ProtocolError(
                    f"the connection broke while waiting for {_waiting_for(command)}: {exc}",
                    phase=phase,
                )
            ) from exc
        finally:
            deadline.disarm()
        return self._replies.popleft()

    def _annotate(self, reply: Reply) -> str | None:
        if reply.code == 334:
            challenge = reply.lines[0] if reply.lines else ""
            self._last_challenge = sasl.decode_challenge(challenge)
            return self._last_challenge
        self._last_challenge = None
        return None

    async def _drain_unsolicited(self) -> None:
        """Replies that arrived while nobody asked are shown, never paired with
        the next command."""
        reader = self._reader
        if reader is None:
            return
        buffered = len(getattr(reader, "_buffer", b""))
        if buffered:
            try:
                self._replies.extend(self._parser.feed(await reader.read(_READ_CHUNK)))
            except ProtocolError as exc:
                raise self._fatal(exc) from None
        if not self._replies and not self._parser.pending:
            return
        while self._replies:
            reply = self._replies.popleft()
            self._emit(ev.Received(reply=reply, tls=self.tls_active, unsolicited=True))
            self.note(
                f"the server sent a {reply.code} reply nobody asked for; it is shown, not paired "
                "with the next command",
                level="warning",
            )
            if reply.code == 421:
                await self._close_transport("the server closed the connection (421)")
                raise self._fatal(ProtocolError("the server closed the connection (421)"))
        if self._parser.pending:
            self.note("the server sent a partial line nobody asked for", level="warning")

    # --------------------------------------------------------------- writing
    async def _write(self, data: bytes, timeout: float, phase: Phase) -> None:
        """Queue ``data``; wait (bounded by ``timeout``) only while the kernel's
        buffer is full, so small commands cost no timer and no task switch."""
        writer = self._writer
        if writer is None or writer.is_closing():
            raise self._fatal(ProtocolError("the connection is closed", phase=phase))
        try:
            writer.write(data)
            if writer.transport.get_write_buffer_size() <= _WRITE_CHUNK:
                return
            deadline = self._deadline
            deadline.arm(timeout)
            try:
                await writer.drain()
            except asyncio.CancelledError:
                if not deadline.consume_expiry():
                    raise
                raise self._fatal(
                    SmtpTimeout(f"the server stopped accepting data for {timeout:g} s", phase=phase)
                ) from None
            finally:
                deadline.disarm()
        except (ConnectionError, OSError) as exc:
            raise self._fatal(
                ProtocolError(f"the connection broke while sending: {exc}", phase=phase)
            ) from exc

    def _sent(self, text: str, **kw: object) -> None:
        if self._subscribers:
            self._emit(ev.Sent(text=text, tls=self.tls_active, **kw))  # type: ignore[arg-type]

    async def _command(
        self, line: str, *, timeout_key: str = "command", display: ev.Sent | None = None
    ) -> Reply:
        """Send one line, wait for its reply.  ``display`` overrides what is shown."""
        phase = phase_of(line)
        await self._drain_unsolicited()
        started = time.monotonic()
        await self._write(
            line.encode("utf-8") + b"\r\n", self.config.timeout_for(timeout_key), phase
        )
        if self._subscribers:
            self._emit(display or ev.Sent(text=line, tls=self.tls_active))
        return await self._read_reply(
            self.config.timeout_for(timeout_key), phase, started, command=line
        )

    # ------------------------------------------------------------- commands
    def default_helo(self) -> str:
        if self.config.helo:
            return self.config.helo
        name = socket.gethostname()
        if "." in name:
            return name
        local = self._writer.get_extra_info("sockname") if self._writer else None
        if local:
            ip = ipaddress.ip_address(local[0].split("%")[0])
            return f"[IPv6:{ip}]" if ip.version == 6 else f"[{ip}]"
        return name or "localhost"

    async def ehlo(self, name: str | None = None, *, fallback: bool = True) -> Reply:
        """EHLO; on a 500/502 it falls back to HELO (RFC 5321 §4.1.1.1)."""
        async with self._lock:
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
        async with self._lock:
            reply = await self._command(f"HELO {name or self.default_helo()}")
            if reply.code == 250:
                self.capabilities = Capabilities.from_helo(reply)
            return reply

    async def starttls(self, *, ehlo: bool = True) -> Reply:
        """STARTTLS, the handshake, and (by default) EHLO again, whose reply
        replaces every capability learnt before TLS (RFC 3207 §4.2)."""
        async with self._lock:
            caps = self.capabilities
            if self.tls_active:
                raise TlsError("TLS is already active on this connection")
            if caps is not None and not caps.starttls:
                raise TlsError(
                    f"{self.host_label} does not offer STARTTLS",
                    hint="Use --security plain, or --security tls on port 465.",
                )
            reply = await self._command("STARTTLS")
            if reply.code != 220:
                raise TlsError(f"the server refused STARTTLS: {reply.summary()}", reply=reply)
            await self._upgrade()
        if ehlo:
            await self.ehlo()
        return reply

    async def _upgrade(self) -> None:
        reader = self._reader
        injected = (
            bool(self._replies) or self._parser.pending or len(getattr(reader, "_buffer", b""))
        )
        if injected:
            raise self._fatal(
                ProtocolError(
                    "the server sent data after its 220 to STARTTLS and before the TLS handshake "
                    "(a response-injection attack, or a broken server); the session was closed "
                    "and nothing it sent was trusted",
                    phase=Phase.TLS,
                )
            )
        self.capabilities = None
        await self._handshake()

    async def auth(self, mechanism: str, username: str, secret: Secret | str) -> Reply:
        """Authenticate; raises :class:`AuthError` unless the server says 235."""
        if isinstance(secret, str):
            secret = Secret(secret)
        async with self._lock:
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
        async with self._lock:
            return await self._command(" ".join((f"MAIL FROM:<{sender}>", *params)))

    async def rcpt(self, recipient: str, params: tuple[str, ...] = ()) -> Reply:
        async with self._lock:
            return await self._command(" ".join((f"RCPT TO:<{recipient}>", *params)))

    async def data(self, message: bytes, *, progress: ProgressCallback | None = None) -> Reply:
        """DATA, then the message (CRLF-normalised, dot-stuffed, final ``.``).
        Returns the refusal if the server does not answer DATA with ``354``."""
        reply = await self.data_command()
        if reply.code != 354:
            return reply
        return await self.send_data_body(message, progress=progress)

    async def data_command(self) -> Reply:
        """Just the DATA command (the learner's step mode; ``354`` expected)."""
        async with self._lock:
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
        (the transaction prepares them once, for SIZE= and for the wire)."""
        async with self._lock:
            self.in_data = False
            return await self._send_payload(payload, progress)

    async def end_data_empty(self) -> Reply:
        """Close an accepted DATA with no content (RFC 2920 §3.1: after a 354
        although every recipient was refused)."""
        async with self._lock:
            return await self._send_payload(b".\r\n", None)

    async def pipeline(self, lines: list[str]) -> list[Reply]:
        """RFC 2920: write every command at once, then read one reply per command,
        in order.  The caller must end the group with a command that needs a
        synchronisation point (DATA, EHLO, QUIT …)."""
        for line in lines:
            if "\r" in line or "\n" in line:
                raise UsageError("a command must not contain CR or LF")
        async with self._lock:
            await self._drain_unsolicited()
            started = time.monotonic()
            timeout = self.config.timeout_for("command")
            await self._write(
                "".join(f"{line}\r\n" for line in lines).encode("utf-8"),
                timeout,
                phase_of(lines[0]),
            )
            for line in lines:
                self._sent(line)
            replies = []
            for line in lines:
                key = "data_init" if line.upper() == "DATA" else "command"
                replies.append(
                    await self._read_reply(
                        self.config.timeout_for(key), phase_of(line), started, command=line
                    )
                )
            return replies

    async def pipeline_after_payload(
        self, payload: bytes, lines: list[str]
    ) -> tuple[Reply, list[Reply]]:
        """RFC 2920 across messages: the end of one message and the next
        transaction's commands (ending with DATA) in one write.  Returns the
        reply to the message and one reply per command."""
        async with self._lock:
            self.in_data = False
            started = time.monotonic()
            wire = payload + "".join(f"{line}\r\n" for line in lines).encode("utf-8")
            await self._write(wire, self.config.timeout_for("data_block"), Phase.DATA)
            if self._subscribers:
                self._emit(ev.DataSent(payload=payload, tls=self.tls_active))
                for line in lines:
                    self._sent(line)
            final = await self._read_reply(
                self.config.timeout_for("data_end"), Phase.DATA, started, command="DATA"
            )
            replies = []
            for line in lines:
                key = "data_init" if line.upper() == "DATA" else "command"
                replies.append(
                    await self._read_reply(
                        self.config.timeout_for(key), phase_of(line), started, command=line
                    )
                )
            return final, replies

    async def _send_payload(
        self, payload: bytes, progress: ProgressCallback | None, *, kind: str = "data"
    ) -> Reply:
        timeout = self.config.timeout_for("data_block")
        started = time.monotonic()
        total = len(payload)
        if progress is None or total <= _WRITE_CHUNK:
            await self._write(payload, timeout, Phase.DATA)
        else:
            view = memoryview(payload)
            for offset in range(0, total, _WRITE_CHUNK):
                await self._write(bytes(view[offset : offset + _WRITE_CHUNK]), timeout, Phase.DATA)
                progress(min(offset + _WRITE_CHUNK, total), total)
        if self._subscribers:
            self._emit(
                ev.DataSent(
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

        async with self._lock:
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
        async with self._lock:
            return await self._command("RSET")

    async def noop(self) -> Reply:
        async with self._lock:
            return await self._command("NOOP")

    async def vrfy(self, what: str) -> Reply:
        async with self._lock:
            return await self._command(f"VRFY {what}")

    async def expn(self, what: str) -> Reply:
        async with self._lock:
            return await self._command(f"EXPN {what}")

    async def help(self, topic: str | None = None) -> Reply:
        async with self._lock:
            return await self._command(f"HELP {topic}" if topic else "HELP")

    async def quit(self) -> Reply | None:
        """QUIT politely (short timeout) and close.  Never raises."""
        async with self._lock:
            reply = None
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
        async with self._lock:
            if not self.connected:
                raise UsageError("not connected; connect first")
            if self.in_data:
                return await self._raw_data_line(line)
            verb, _, arg = line.partition(" ")
            verb = verb.upper()
            reply = await self._command(line, display=self._raw_display(line, verb, arg))
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

    def _raw_display(self, line: str, verb: str, arg: str) -> ev.Sent:
        tls = self.tls_active
        if self._last_challenge is not None:
            # An answer to a 334: base64 of a user name, a password or a digest.
            decoded = sasl.decode_challenge(line)
            prompt = self._last_challenge.lower()
            if "user" in prompt and decoded:
                return ev.Sent(
                    text=line,
                    annotation=f"user name {decoded!r}",
                    redacted=MASK,
                    redacted_annotation="user name",
                    secret=True,
                    kind="auth",
                    tls=tls,
                )
            return ev.Sent(
                text=MASK,
                annotation="answer to the challenge (masked)",
                redacted=MASK,
                redacted_annotation="answer to the challenge",
                secret=True,
                kind="auth",
                tls=tls,
            )
        if verb == "AUTH" and " " in arg.strip():
            mech = arg.split(" ", 1)[0]
            masked = f"AUTH {mech} {MASK}"
            return ev.Sent(
                text=masked,
                annotation="initial response (masked)",
                redacted=masked,
                redacted_annotation="initial response",
                secret=True,
                kind="auth",
                tls=tls,
            )
        return ev.Sent(text=line, tls=tls)

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
    def _reset(self) -> None:
        self.capabilities = None
        self.greeting = None
        self.tls_info = None
        self.authenticated_as = None
        self.in_data = False
        self._parser = ReplyParser()
        self._replies.clear()
        self._closed_emitted = False
        self._last_challenge = None

    def report_failure(self, exc: SmtpError) -> SmtpError:
        """Emit one ``Failed`` event for ``exc`` (once, however often it is
        reported) and return it, so callers can ``raise session.report_failure(e)``."""
        if not exc.announced:
            exc.announced = True
            self._emit(
                ev.Failed(phase=exc.phase, reason=exc.sentence, exit_code=exit_code_for(exc))
            )
        return exc

    def _fatal(self, exc: SmtpError) -> SmtpError:
        """Record a connection-ending error: emit Failed, close, return it to raise."""
        if not self._closed_emitted:
            self.report_failure(exc)
            self._abort(str(exc))
        else:
            exc.announced = True  # the connection already ended with its own report
        return exc

    def abort(self, reason: str = "aborted") -> None:
        """Drop the connection now, without QUIT (synchronous: safe in a
        ``finally`` after a second cancellation)."""
        self._abort(reason)

    def _abort(self, reason: str) -> None:
        self._deadline.close()
        writer = self._writer
        self._writer = self._reader = None
        self.in_data = False
        if writer is not None:
            transport = writer.transport
            with contextlib.suppress(Exception):
                transport.abort()
        if not self._closed_emitted:
            self._closed_emitted = True
            self._emit(ev.Closed(reason=reason))

    async def _close_transport(self, reason: str) -> None:
        self._deadline.close()
        writer = self._writer
        self._writer = self._reader = None
        self.in_data = False
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.close()
                async with asyncio.timeout(2):
                    await writer.wait_closed()
        if not self._closed_emitted:
            self._closed_emitted = True
            self._emit(ev.Closed(reason=reason))

    async def close(self) -> None:
        """Close without QUIT (e.g. after an error)."""
        await self._close_transport("closed")

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


def _waiting_for(command: str | None) -> str:
    return f"the reply to {command.split(' ', 1)[0]}" if command else "the greeting"


def _sni(name: str) -> str | None:
    """Python sends no SNI for IP literals by itself; strip IPv6 brackets."""
    return name.strip("[]") or None
