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
from smtptui.protocol.stream import ReplyStream
from smtptui.protocol.tls import build_context, describe, explain_handshake_error

if TYPE_CHECKING:
    from smtptui.protocol.tls import TlsInfo

Subscriber = Callable[[ev.Event], None]

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
        loop = wire._loop
        if loop is None or not loop.is_running():
            loop = wire._loop = asyncio.get_running_loop()
        # current_task(loop): without the loop it asks the OS for the pid
        task = asyncio.current_task(loop)
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
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stream: ReplyStream | None = None
        self._parser = ReplyParser()
        # (reply, arrival time) pairs; kept here, not only in the stream, so a
        # reply that arrived with a 421 can still be read after the close
        self._replies: deque[tuple[Reply, float]] = deque()
        self._subscribers: list[Subscriber] = []
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task | None = None
        self._closed_emitted = False
        self._last_challenge: str | None = None  # the decoded 334 text, if it decodes
        self._answer_due = False  # a 334 was the last reply: the next line is a SASL answer
        self._goodbye: Reply | None = None  # the 421 the server closed with
        self._tls_context: ssl.SSLContext | None = None  # built before connecting
        self._deadline: Deadline | None = None

    def _holds(self) -> bool:
        """Does the running task hold the session already (a transaction's own
        step)?  Then a public method need not enter the hold a second time."""
        owner = self._owner
        return owner is not None and owner is asyncio.current_task(self._loop)

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
        stream = self._stream
        if stream is None:
            return False
        transport = stream.transport
        return transport is not None and not transport.is_closing()

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
            started = await self._open()
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

    async def _open(self) -> float:
        """Connect; returns the time the TCP handshake was seen to finish."""
        loop = asyncio.get_running_loop()
        self._loop = loop
        parser, replies = self._parser, self._replies
        try:
            stream = await open_stream(self.config, lambda: ReplyStream(loop, parser, replies))
        except SmtpError as exc:
            raise self._fatal(exc) from exc
        self._stream = stream.protocol
        self._deadline = Deadline(loop)
        self._emit(
            ev.Connected(
                at=stream.connected_at,
                peer=stream.peer,
                local=stream.local,
                elapsed_ms=stream.connect_ms,
                dns_ms=stream.dns_ms,
            )
        )
        return stream.connected_at

    async def _handshake(self) -> None:
        stream = self._stream
        assert stream is not None and stream.transport is not None
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
        loop = stream.loop
        try:
            async with asyncio.timeout(cfg.timeout_for("connect")):
                transport = await loop.start_tls(
                    stream.transport, stream, ctx, server_hostname=_sni(server_name)
                )
        except (ssl.SSLError, OSError, EOFError, TimeoutError) as exc:
            error = TlsError(
                f"TLS with {self.host_label} failed: {explain_handshake_error(exc, server_name, cfg.tls)}"
            )
            if isinstance(exc, ssl.SSLCertVerificationError):
                error.verify_error = (exc.verify_message or str(exc)).strip()
            raise self._fatal(error) from exc
        if transport is None:  # the connection was closed during the handshake
            raise self._fatal(
                TlsError(f"TLS with {self.host_label} failed: the server closed the connection")
            )
        done = time.monotonic()  # before describing the certificate: not the server's time
        stream.transport = transport  # type: ignore[assignment]
        stream.tls = True
        ssl_object = transport.get_extra_info("ssl_object")
        info = describe(ssl_object, server_name, True if cfg.tls.verify else None)
        self.tls_info = info
        self._emit(ev.TlsEstablished(at=done, info=info, elapsed_ms=(done - started) * 1000))

    # --------------------------------------------------------------- reading
    async def _read_reply(
        self, timeout: float, phase: Phase, started: float, *, command: str | None = None
    ) -> Reply:
        """The next reply, announced with the time from ``started`` to the
        moment its bytes arrived."""
        replies = self._replies
        while not replies:
            waiter = self._reply_waiter(phase, command)
            deadline = self._deadline
            assert deadline is not None
            deadline.arm(timeout, waiter)
            try:
                await waiter
            finally:
                deadline.disarm()
            if deadline.expired and not replies:
                raise self._silence(timeout, phase, command)
        reply, arrived = replies.popleft()
        self._announce(reply, arrived, started)
        if reply.code == 421:
            await self._said_goodbye(reply)
        return reply

    def _announce(self, reply: Reply, arrived: float, started: float) -> None:
        """Follow a reply (SASL state) and emit its ``Received`` event."""
        annotation = self._annotate(reply) if reply.code == 334 or self._answer_due else None
        if self._subscribers:
            self._emit(
                ev.Received(
                    at=arrived,
                    reply=reply,
                    tls=self.tls_info is not None,
                    elapsed_ms=(arrived - started) * 1000,
                    annotation=annotation,
                )
            )

    async def _said_goodbye(self, reply: Reply) -> None:
        """A ``421``: the server is closing; so do we."""
        self.note("the server is closing the connection (421)", level="warning")
        self._goodbye = reply
        await self._close_transport("the server closed the connection (421)")

    def _silence(self, timeout: float, phase: Phase, command: str | None) -> SmtpError:
        """The reply did not come in time: the connection ends."""
        return self._fatal(
            SmtpTimeout(
                f"the server sent nothing for {timeout:g} s while smtptui waited for {_waiting_for(command)}",
                phase=phase,
                hint="The server may be overloaded, or a firewall drops the traffic; try --timeout.",
            )
        )

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

    def _reply_waiter(self, phase: Phase, command: str | None) -> asyncio.Future[None]:
        """A future done when the stream has news; raises instead when no
        reply can come any more (closed, broken, unparseable)."""
        stream = self._stream
        if stream is None:
            if self._goodbye is not None:  # a 421 came first (e.g. inside a pipelined group)
                raise self.goodbye_error(self._goodbye, phase)
            raise self._fatal(ProtocolError("not connected", phase=phase))
        failure = stream.failure
        if failure is not None:
            raise self._broken(failure, phase, command)
        if stream.eof:
            raise self._fatal(
                ProtocolError(
                    f"the server closed the connection while smtptui waited for {_waiting_for(command)}",
                    phase=phase,
                )
            )
        return stream.waiter()

    def _broken(self, failure: BaseException, phase: Phase, command: str | None) -> SmtpError:
        """The error to raise for what broke the stream (unparseable bytes, or
        the connection itself)."""
        if isinstance(failure, ProtocolError):
            if self._closed_emitted:
                return failure
            failure.phase = phase
            return self._fatal(failure)
        error = ProtocolError(
            f"the connection broke while waiting for {_waiting_for(command)}: {failure}",
            phase=phase,
        )
        error.__cause__ = failure
        return self._fatal(error)

    def _annotate(self, reply: Reply) -> str | None:
        if reply.code == 334:
            challenge = reply.lines[0] if reply.lines else ""
            self._last_challenge = sasl.decode_challenge(challenge)
            self._answer_due = True  # whatever is typed next is a SASL answer
            return self._last_challenge
        self._last_challenge = None
        self._answer_due = False
        return None

    def _unsolicited_pending(self) -> bool:
        """Anything arrived that nobody asked for?  (Cheap: checked before
        every command, so the common "no" costs no coroutine.)"""
        stream = self._stream
        return bool(self._replies) or (stream is not None and stream.news and not stream.eof)

    async def _drain_unsolicited(self, *, before_command: bool = True) -> None:
        """Replies that arrived while nobody asked are shown, never paired with
        the next command."""
        stream = self._stream
        if stream is None:
            return
        failure = stream.failure
        if isinstance(failure, ProtocolError):
            raise self._broken(failure, Phase.COMMAND, None)
        if not self._replies and not self._parser.pending:
            return
        while self._replies:
            reply, arrived = self._replies.popleft()
            self._emit(ev.Received(at=arrived, reply=reply, tls=self.tls_active, unsolicited=True))
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
        stream = self._stream
        if stream is None or self._lock.locked():
            return False
        return stream.news

    async def notice_idle(self) -> None:
        """Show what arrived while idle (typically ``421`` before an idle
        timeout) and close if the server has gone."""
        async with self.exclusive():
            if self._stream is None:
                return
            with contextlib.suppress(SmtpError):
                await self._drain_unsolicited(before_command=False)
            stream = self._stream
            if stream is not None and stream.eof and not self._replies:
                await self._close_transport("the server closed the connection while it was idle")

    # --------------------------------------------------------------- writing
    def _write_now(self, data: bytes, phase: Phase) -> bool:
        """Hand ``data`` to the transport (which sends at once when it can);
        ``True`` when the caller must :meth:`_drain` before writing more."""
        stream = self._stream
        transport = stream.transport if stream is not None else None
        if transport is None or transport.is_closing():
            raise self._fatal(ProtocolError("the connection is closed", phase=phase))
        try:
            transport.write(data)
        except (ConnectionError, OSError) as exc:
            raise self._fatal(
                ProtocolError(f"the connection broke while sending: {exc}", phase=phase)
            ) from exc
        return stream.paused  # type: ignore[union-attr]

    async def _drain(self, timeout: float, phase: Phase) -> None:
        """Wait (bounded by ``timeout``) until the server takes more data."""
        stream = self._stream
        deadline = self._deadline
        assert stream is not None and deadline is not None
        waiter = stream.drain_waiter()
        deadline.arm(timeout, waiter)
        try:
            await waiter
        finally:
            deadline.disarm()
        if deadline.expired and stream.paused:
            raise self._fatal(
                SmtpTimeout(f"the server stopped accepting data for {timeout:g} s", phase=phase)
            )
        if stream.failure is not None and not isinstance(stream.failure, ProtocolError):
            raise self._fatal(
                ProtocolError(f"the connection broke while sending: {stream.failure}", phase=phase)
            )

    async def _write(self, data: bytes, timeout: float, phase: Phase) -> None:
        """Queue ``data``; wait (bounded by ``timeout``) only while the buffers
        are full, so small commands cost no timer and no task switch."""
        if self._write_now(data, phase):
            await self._drain(timeout, phase)

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
        if self._unsolicited_pending():
            await self._drain_unsolicited()
        timeout = self.config.timeout_for(timeout_key)
        started = time.monotonic()
        if self._write_now(line.encode("utf-8") + b"\r\n", phase):
            await self._drain(timeout, phase)
        if self._subscribers:
            self._emit(display or ev.Sent(at=started, text=line, tls=self.tls_active))
        return await self._read_reply(timeout, phase, started, command=line)

    # ---------------------------------------------------------------- closing
    def _reset(self) -> None:
        self.greeting = None
        self.tls_info = None
        self.in_data = False
        self._parser = ReplyParser()
        self._replies = deque()
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
        stream = self._detach()
        if stream is not None and stream.transport is not None:
            with contextlib.suppress(Exception):
                stream.transport.abort()
        self._closed(reason)

    def _quit_and_close(self, reason: str) -> None:
        """After a cancellation the server may still owe a reply, so nothing it
        sends can be paired any more: say QUIT without waiting for the answer
        (the server reads it after whatever it was doing) and close.  With a
        message open, QUIT would become a line of it: just drop the connection."""
        if self._stream is None or self.in_data:
            self.abort(reason)
            return
        stream = self._detach()
        transport = stream.transport if stream is not None else None
        if transport is not None:
            with contextlib.suppress(Exception):
                transport.write(b"QUIT\r\n")
                transport.close()  # the kernel still sends what was written
        self._sent("QUIT")
        self._closed(reason)

    async def _close_transport(self, reason: str) -> None:
        stream = self._detach()
        if stream is not None and stream.transport is not None:
            with contextlib.suppress(Exception):
                stream.transport.close()
                async with asyncio.timeout(2):
                    await asyncio.shield(stream.lost)
        self._closed(reason)

    def _detach(self) -> ReplyStream | None:
        """Forget the stream (no more reads, writes or deadline); return it to close."""
        if self._deadline is not None:
            self._deadline.close()
        stream = self._stream
        self._stream = None
        self.in_data = False
        return stream

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
