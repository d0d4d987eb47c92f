"""The connection under an SMTP session: the stream, its events, and replies.

:class:`Wire` knows how to open TCP (and TLS), write bytes, read and pair
replies, and end the connection whichever way it ends; it knows no SMTP verb
beyond the greeting.  :class:`~smtptui.protocol.session.Session` builds the
commands on top, so the mechanics that every command shares live in one place.
Anything that breaks the connection itself (timeouts, malformed or oversized
replies, disconnects, TLS handshake failures) emits ``Failed`` and ``Closed``
and raises; the connection is then closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from smtptui.protocol import auth as sasl
from smtptui.protocol import events as ev
from smtptui.protocol.config import SessionConfig
from smtptui.protocol.connect import host_label, open_stream
from smtptui.protocol.deadline import Deadline
from smtptui.protocol.errors import (
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
from smtptui.protocol.tls import build_context, describe, explain_handshake_error

if TYPE_CHECKING:
    from smtptui.protocol.tls import TlsInfo

Subscriber = Callable[[ev.Event], None]

_READ_CHUNK = 64 * 1024
WRITE_CHUNK = 256 * 1024

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


class _Hold:
    """The async context manager behind :meth:`Wire.exclusive` — a plain class,
    not a generator: a bulk sender enters it twice per command."""

    __slots__ = ("_outer", "_wire")

    def __init__(self, wire: Wire) -> None:
        self._wire = wire
        self._outer = False

    async def __aenter__(self) -> None:
        wire = self._wire
        task = asyncio.current_task()
        if task is not None and wire._owner is task:
            return  # re-entered by the task that already holds the session
        await wire._lock.acquire()
        wire._owner = task
        self._outer = True

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: object
    ) -> None:
        if not self._outer:
            return
        wire = self._wire
        try:
            if kind is not None and issubclass(kind, asyncio.CancelledError) and wire.connected:
                wire._quit_and_close("closed: the operation was cancelled")
        finally:
            wire._owner = None
            wire._lock.release()


class Wire:
    """One SMTP connection's transport.

    Every public operation holds the session through :meth:`exclusive` — a
    single command, or a whole transaction — so two tasks never interleave
    bytes on the stream (a NOOP pressed during a send waits for the send).  A
    task cancelled while it holds the session drops the connection: the server
    may be mid-reply, and nothing sent afterwards could be paired correctly.
    """

    def __init__(self, config: SessionConfig) -> None:
        self.config = config
        self.greeting: Reply | None = None
        self.tls_info: TlsInfo | None = None
        self.in_data = False  # raw mode: between 354 and the final "."
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._parser = ReplyParser()
        self._replies: deque[Reply] = deque()
        self._subscribers: list[Subscriber] = []
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task | None = None
        self._closed_emitted = False
        self._last_challenge: str | None = None  # the decoded 334 text, if it decodes
        self._answer_due = False  # a 334 was the last reply: the next line is a SASL answer
        self._goodbye: Reply | None = None  # the 421 the server closed with
        self._tls_context: ssl.SSLContext | None = None  # built before connecting
        self._deadline = Deadline()

    def exclusive(self) -> _Hold:
        """Hold the session for one operation (``async with session.exclusive()``);
        re-entrant within the task that holds it (a transaction's commands),
        others wait their turn."""
        return _Hold(self)

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
        async with self.exclusive():
            if self.connected:
                raise UsageError("already connected; QUIT or disconnect first")
            self._reset()
            cfg = self.config
            self._emit(ev.Connecting(host=cfg.host, port=cfg.port, security=cfg.security))
            if cfg.security != "plain":
                # A CA or client certificate that cannot be used is found
                # before any byte is sent, not after STARTTLS.
                self._tls_context = build_context(cfg.tls)
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
            ctx = self._tls_context or build_context(cfg.tls)
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
                f"TLS with {self.host_label} failed: {explain_handshake_error(exc, server_name, cfg.tls)}"
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
        annotation = self._annotate(reply) if reply.code == 334 or self._answer_due else None
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
            self._goodbye = reply
            await self._close_transport("the server closed the connection (421)")
        return reply

    def goodbye_error(self, reply: Reply, phase: Phase) -> SmtpError:
        """A ``421``: the server is closing the connection.  Reported once, with
        the phase it interrupted (so ``send`` exits with that phase's code)."""
        return self.report_failure(
            ReplyError(
                f"the server closed the connection: {reply.summary()}",
                phase=phase,
                reply=reply,
                hint="It may be busy or shutting down; try again later.",
            )
        )

    async def _next_reply(self, timeout: float, phase: Phase, command: str | None) -> Reply:
        reader = self._reader
        if reader is None:
            if self._goodbye is not None:  # a 421 came first (e.g. inside a pipelined group)
                raise self.goodbye_error(self._goodbye, phase)
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
            self._answer_due = True  # whatever is typed next is a SASL answer
            return self._last_challenge
        self._last_challenge = None
        self._answer_due = False
        return None

    async def _drain_unsolicited(self, *, before_command: bool = True) -> None:
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
                if before_command:  # the command cannot be sent: that is a failure
                    raise self.goodbye_error(reply, Phase.COMMAND)
                return
        if self._parser.pending:
            self.note("the server sent a partial line nobody asked for", level="warning")

    @property
    def busy(self) -> bool:
        """An operation holds the session (others wait for it)."""
        return self._lock.locked()

    def has_idle_news(self) -> bool:
        """Did the server say or close something while nobody was asking?
        (Checked without reading, so the UI can poll it cheaply.)"""
        reader = self._reader
        if reader is None or self._lock.locked():
            return False
        return reader.at_eof() or bool(len(getattr(reader, "_buffer", b"")))

    async def notice_idle(self) -> None:
        """Show what arrived while idle (typically ``421`` before an idle
        timeout) and close if the server has gone."""
        async with self.exclusive():
            reader = self._reader
            if reader is None:
                return
            with contextlib.suppress(SmtpError):
                await self._drain_unsolicited(before_command=False)
            if self._reader is not None and self._reader.at_eof() and not self._replies:
                await self._close_transport("the server closed the connection while it was idle")

    # --------------------------------------------------------------- writing
    async def _write(self, data: bytes, timeout: float, phase: Phase) -> None:
        """Queue ``data``; wait (bounded by ``timeout``) only while the kernel's
        buffer is full, so small commands cost no timer and no task switch."""
        writer = self._writer
        if writer is None or writer.is_closing():
            raise self._fatal(ProtocolError("the connection is closed", phase=phase))
        try:
            writer.write(data)
            if writer.transport.get_write_buffer_size() <= WRITE_CHUNK:
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

    def _refuse_in_data(self, line: str) -> None:
        if self.in_data:
            raise UsageError(
                f"a message is open (DATA got 354): {line.split(' ', 1)[0]} would become a line of it; "
                "finish the message with a line containing only '.' first"
            )

    async def _command(
        self, line: str, *, timeout_key: str = "command", display: ev.Sent | None = None
    ) -> Reply:
        """Send one line, wait for its reply.  ``display`` overrides what is shown."""
        phase = phase_of(line)
        self._refuse_in_data(line)
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

    # ---------------------------------------------------------------- closing
    def _reset(self) -> None:
        self.greeting = None
        self.tls_info = None
        self.in_data = False
        self._parser = ReplyParser()
        self._replies.clear()
        self._closed_emitted = False
        self._last_challenge = None
        self._goodbye = None
        self._answer_due = False

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
            self.abort("closed after the error above")
        else:
            exc.announced = True  # the connection already ended with its own report
        return exc

    def abort(self, reason: str = "aborted") -> None:
        """Drop the connection now, without QUIT (synchronous: safe in a
        ``finally`` after a second cancellation)."""
        writer = self._detach()
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.transport.abort()
        self._closed(reason)

    def _quit_and_close(self, reason: str) -> None:
        """After a cancellation the server may still owe a reply, so nothing it
        sends can be paired any more: say QUIT without waiting for the answer
        (the server reads it after whatever it was doing) and close.  With a
        message open, QUIT would become a line of it: just drop the connection."""
        if self._writer is None or self.in_data:
            self.abort(reason)
            return
        writer = self._detach()
        with contextlib.suppress(Exception):
            writer.write(b"QUIT\r\n")
            writer.close()  # the kernel still sends what was written
        self._sent("QUIT")
        self._closed(reason)

    async def _close_transport(self, reason: str) -> None:
        writer = self._detach()
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.close()
                async with asyncio.timeout(2):
                    await writer.wait_closed()
        self._closed(reason)

    def _detach(self) -> asyncio.StreamWriter | None:
        """Forget the stream (no more reads, writes or deadline); return it to close."""
        self._deadline.close()
        writer = self._writer
        self._writer = self._reader = None
        self.in_data = False
        return writer

    def _closed(self, reason: str) -> None:
        if not self._closed_emitted:
            self._closed_emitted = True
            self._emit(ev.Closed(reason=reason))

    async def close(self) -> None:
        """Close without QUIT (e.g. after an error)."""
        await self._close_transport("closed")


def _waiting_for(command: str | None) -> str:
    return f"the reply to {command.split(' ', 1)[0]}" if command else "the greeting"


def _sni(name: str) -> str | None:
    """Python sends no SNI for IP literals by itself; strip IPv6 brackets."""
    return name.strip("[]") or None
