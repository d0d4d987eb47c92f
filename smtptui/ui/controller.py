"""One profile's live session as the dashboard sees it.

A :class:`SessionController` owns the engine :class:`Session`, the full
transcript (every event, never trimmed), its display lines, and the learner's
:class:`SessionState` fed from the reference state machine.  It decides nothing
about SMTP itself: it calls the engine, and it feeds events to the state
machine.  It is free of Textual, so it is tested without a screen; the app runs
its coroutines in workers and repaints on its ``on_change`` callback.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from smtptui.protocol import events as ev
from smtptui.protocol.errors import Phase, SmtpError, UsageError
from smtptui.protocol.reply import Reply
from smtptui.protocol.session import Session
from smtptui.protocol.transaction import (
    Credentials,
    Plan,
    TransactionResult,
    establish,
    send_transaction,
)
from smtptui.reference.explanation import ExplainContext
from smtptui.reference.states import SessionState, State
from smtptui.transcript import Line, Transcript, event_lines

if TYPE_CHECKING:
    from smtptui.builtin import BuiltinServer
    from smtptui.message import BuiltMessage
    from smtptui.profiles import Profile
    from smtptui.protocol.config import SessionConfig


@dataclass(frozen=True, slots=True)
class Badge:
    """What the profiles list shows for a profile."""

    status: str  # idle | connecting | connected | busy | error | closed
    tls: bool = False
    code: int | None = None
    latency_ms: float | None = None
    error: str | None = None


class SessionController:
    """A profile's session, transcript and learner state."""

    def __init__(self, profile: Profile, *, builtin: BuiltinServer | None = None) -> None:
        self.profile = profile
        self.builtin = builtin
        self.session: Session | None = None
        self.transcript = Transcript()
        self.lines: list[Line] = []
        self.state = SessionState()
        self.status = "idle"
        self.error: str | None = None
        self.last_reply: Reply | None = None
        self.last_latency_ms: float | None = None
        self.on_change: Callable[[SessionController, list[Line]], None] | None = None
        self._awaiting: deque[str] = deque()
        self._connecting: asyncio.Future[None] | None = None  # set while connect() runs
        self._answered: dict[int, tuple[str | None, SessionState]] = {}

    # ----------------------------------------------------------------- views
    @property
    def key(self) -> str:
        return self.profile.name

    @property
    def connected(self) -> bool:
        return self.session is not None and self.session.connected

    @property
    def connecting(self) -> bool:
        return self._connecting is not None

    @property
    def capabilities(self):
        return self.session.capabilities if self.session else None

    @property
    def badge(self) -> Badge:
        tls = bool(self.session and self.session.tls_active and self.connected)
        code = self.last_reply.code if self.last_reply else None
        return Badge(self.status, tls, code, self.last_latency_ms, self.error)

    def legal_commands(self) -> tuple[str, ...]:
        return self.state.legal_commands(self.capabilities)

    def expect(self, line: str):
        """What the state machine predicts for ``line`` (warnings before sending)."""
        return self.state.expect(line, self.capabilities)

    # ---------------------------------------------------------------- events
    def _on_event(self, event: ev.Event) -> None:
        self.transcript.append(event)
        if isinstance(event, ev.Sent):
            # Every command (pipelined ones too) gets exactly one reply, in order;
            # message lines get none, except the final "." of raw DATA mode.
            if event.kind != "data" or event.text == ".":
                self._awaiting.append(event.text)
        elif isinstance(event, ev.DataSent):
            self._awaiting.append(".")
        elif isinstance(event, ev.Received):
            reply = event.reply
            self.last_reply = reply
            self.last_latency_ms = event.elapsed_ms
            if not event.unsolicited:
                command = self._awaiting.popleft() if self._awaiting else None
                self._answered[id(reply)] = (command, self.state)
                self.state = self.state.after(command, reply)
        elif isinstance(event, ev.TlsEstablished):
            self.state = self.state.after_tls()
        elif isinstance(event, ev.Failed):
            self.error = event.reason
            self.status = "error"
        elif isinstance(event, ev.Closed):
            self._awaiting.clear()
            if self.state.state is not State.DISCONNECTED:
                self.state = SessionState(state=State.CLOSED)
            if self.status != "error":
                self.status = "closed"
        new_lines = event_lines(event, start=self.transcript.start or event.at)
        self.lines.extend(new_lines)
        if self.on_change is not None:
            self.on_change(self, new_lines)

    def explain_context(self, reply: Reply) -> ExplainContext:
        """What ``explain`` needs for one of this session's replies: the command
        it answered and the state before it (the greeting answers "connect")."""
        command, state = self._answered.get(id(reply), (None, None))
        return ExplainContext(command=command, host=self.profile.host, state=state)

    def note(self, text: str, level: str = "info") -> None:
        """A note of the app's own in this transcript (e.g. "password prompt cancelled")."""
        self._on_event(ev.Note(text=text, level=level))

    def fail(self, text: str) -> None:
        self._on_event(ev.Failed(phase=Phase.COMMAND, reason=text))

    # -------------------------------------------------------------- commands
    async def _config(self) -> SessionConfig:
        cfg = self.profile.session_config()
        if self.profile.builtin_server and self.builtin is not None:
            cfg = await self.builtin.retarget(cfg)
        return cfg

    async def connect(self, credentials: Credentials | None, *, handshake: bool = True) -> None:
        """Connect; with ``handshake``, also EHLO, STARTTLS (+EHLO) and AUTH.
        A second call while a connection is being made waits for that one
        (F5 pressed during the handshake sends once it is done).  Errors are
        already in the transcript when this raises."""
        if self._connecting is not None:
            await asyncio.shield(self._connecting)
            return
        if self.connected:
            return
        self._connecting = asyncio.get_running_loop().create_future()
        try:
            await self._connect(credentials, handshake)
        finally:
            done, self._connecting = self._connecting, None
            done.set_result(None)

    async def _connect(self, credentials: Credentials | None, handshake: bool) -> None:
        self.status = "connecting"
        self._forget()
        try:
            cfg = await self._config()
        except Exception as exc:  # the built-in server could not start
            self.fail(f"cannot start the built-in server: {exc}")
            raise
        session = Session(cfg)
        session.subscribe(self._on_event)
        self.session = session
        plan = Plan(credentials=credentials, quit_after=None if handshake else "connect")
        started = time.monotonic()
        try:
            await establish(session, plan)
        except SmtpError:
            # A refused greeting, EHLO, TLS or AUTH: say QUIT and close, so the
            # badge, the socket and "enter connects" all agree (RFC 5321 §3.1).
            await session.aclose()
            raise
        self.status = "connected"
        self._changed()
        self.note(f"ready in {(time.monotonic() - started) * 1000:.0f} ms")

    async def send(
        self,
        built: BuiltMessage,
        *,
        progress: Callable[[int, int], None] | None = None,
        credentials: Credentials | None = None,
    ) -> TransactionResult:
        """The whole transaction on this session, connecting first if needed."""
        await self.connect(credentials)  # waits for a connection already under way
        if self.session is None or not self.connected:
            raise SmtpError("not connected: the connection failed (see the transcript)")
        session = self.session
        if session.in_data:
            raise session.report_failure(
                UsageError(
                    "a message is open (you typed DATA): end it with a line containing only '.' "
                    "on the raw command line, or disconnect"
                )
            )
        if self.state.in_transaction:
            await session.rset()
        self.status = "busy"
        self._changed()
        try:
            with self._reported():
                result = await send_transaction(
                    session,
                    built.envelope,
                    built.data,
                    progress=progress,
                    smtputf8=built.needs_smtputf8,
                )
        finally:
            if self.status == "busy":
                self.status = "connected" if self.connected else "closed"
                self._changed()
        return result

    async def raw(self, line: str) -> Reply | None:
        """One line as the learner typed it (the state machine warns, not blocks)."""
        if self.session is None or not self.connected:
            raise SmtpError("not connected: press enter on the profile to connect first")
        with self._reported():
            return await self.session.raw(line)

    async def send_body(self, built: BuiltMessage) -> Reply:
        """Step mode: the message after the learner's DATA got 354."""
        assert self.session is not None
        return await self.session.send_data_body(built.data)

    async def auth(self, credentials: Credentials) -> Reply:
        assert self.session is not None
        with self._reported():
            return await self.session.auth(
                credentials.mechanism, credentials.username, credentials.secret
            )

    def has_idle_news(self) -> bool:
        return (
            self.session is not None and self.status == "connected" and self.session.has_idle_news()
        )

    async def notice_idle(self) -> None:
        if self.session is not None:
            await self.session.notice_idle()

    async def disconnect(self) -> None:
        """QUIT and close (never raises)."""
        if self.session is not None:
            await self.session.aclose()
        self.status = "closed" if self.status != "error" else self.status
        self._changed()

    def show_check(self, events) -> bool:
        """Show a finished health check's conversation (from the fleet dashboard)
        as this profile's transcript, replies explained as usual.  Only when no
        session is live: a live one is never overwritten (returns False).  The
        check's own connection is closed, so the state ends disconnected."""
        if self.connected or self.status in ("connecting", "busy"):
            return False
        self._forget()
        self.last_reply = None
        self.last_latency_ms = None
        self.transcript.clear()
        self.lines.clear()
        last = None
        for last in events:
            self._on_event(last)
        note = "the dashboard's health check; its connection is closed (enter connects)"
        self._on_event(ev.Note(text=note, at=last.at) if last else ev.Note(text=note))
        return True

    @contextlib.contextmanager
    def _reported(self) -> Iterator[None]:
        """Every error of an operation ends up in the transcript (once)."""
        try:
            yield
        except SmtpError as exc:
            if self.session is not None:
                self.session.report_failure(exc)
            raise

    def _forget(self) -> None:
        """A new conversation: no error, no state, no replies waiting to be paired."""
        self.error = None
        self.state = SessionState()
        self._awaiting.clear()
        self._answered.clear()

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change(self, [])
