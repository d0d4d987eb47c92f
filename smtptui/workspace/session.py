"""One profile's live session as the dashboard sees it, and its lifecycle rules.

A :class:`SessionController` owns the engine :class:`Session`, the full
transcript (every event, never trimmed), its display lines, and the learner's
:class:`SessionState` fed from the reference state machine.  SMTP itself is the
engine's; what lives here are the rules of a *profile's* session:

* a transaction, an envelope command or AUTH first brings the session to what
  the profile requires (:meth:`SessionController.bring_up`: EHLO, STARTTLS when
  ``security`` says so, AUTH when configured) — or refuses in one sentence —
  so nothing after the greeting goes out in plain text on a ``starttls``
  profile unless a person typed it on the raw line (:meth:`raw` then notes it);
* the status (badge) follows the latest outcome: an error stays until the
  next operation on the session starts (:meth:`_begin`);
* the lines a step button sends come from the composer's draft
  (:meth:`step_lines`).

It is free of Textual, so it is tested without a screen; the app runs its
coroutines in workers and repaints on its ``on_change`` callback.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from smtptui.flow.conversation import Conversation
from smtptui.profiles.credentials import FAILED, NONE, READY, CredentialsOutcome
from smtptui.protocol import events as ev
from smtptui.protocol.errors import AuthError, Phase, SmtpError, UsageError
from smtptui.protocol.reply import Reply
from smtptui.protocol.session import Session
from smtptui.protocol.transaction import (
    Credentials,
    Plan,
    TransactionResult,
    establish,
    send_transaction,
)
from smtptui.reference.commands import verb_of
from smtptui.reference.states import SessionState, State
from smtptui.transcript import Line, Transcript, event_lines
from smtptui.workspace.steps import ENVELOPE_VERBS, step_lines

if TYPE_CHECKING:
    from smtptui.builtin import BuiltinServer
    from smtptui.message import BuiltMessage
    from smtptui.profiles import Profile
    from smtptui.protocol.config import SessionConfig
    from smtptui.reference.explanation import ExplainContext
    from smtptui.reference.sequencing import Expectation
    from smtptui.workspace.draft import ComposerFields

#: Where a session's credentials come from when it needs them: the workspace
#: resolves the profile's ``[auth]`` (asking a person through the app if it can).
CredentialsSource = Callable[[], Awaitable[CredentialsOutcome]]


@dataclass(frozen=True, slots=True)
class DomainRoute:
    """A session that goes where a mail server would send the domain's mail:
    its MX hosts in order (``smtptui check @domain`` in the dashboard)."""

    domain: str
    resolver: Callable[[], object]  # a dnspython-like async resolver (tests: a stub)
    lang: str | None = None


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

    def __init__(
        self,
        profile: Profile,
        *,
        builtin: BuiltinServer | None = None,
        route: DomainRoute | None = None,
    ) -> None:
        self.profile = profile
        self.builtin = builtin
        self.route = route
        self.session: Session | None = None
        self.transcript = Transcript()
        self.lines: list[Line] = []
        self._conversation = Conversation(history=False)
        self.status = "idle"
        self.error: str | None = None
        self.last_reply: Reply | None = None
        self.last_latency_ms: float | None = None
        self.on_change: Callable[[SessionController, list[Line]], None] | None = None
        self._connecting: asyncio.Future[None] | None = None  # set while connect() runs
        self._answered: dict[int, tuple[str | None, SessionState]] = {}
        self._auth_skipped = False  # AUTH was skipped (prompt cancelled …) in this conversation
        self._connected_at: float | None = None  # the current connection's Connecting time

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
    def busy(self) -> bool:
        """An operation holds the session (a command given now waits for it)."""
        return self.session is not None and self.session.busy

    @property
    def capabilities(self):
        return self.session.capabilities if self.session else None

    @property
    def requires_tls(self) -> bool:
        """The profile says the envelope and AUTH go only inside TLS."""
        return self.profile.security in ("starttls", "tls")

    @property
    def where(self) -> str | None:
        """Where this session talks to: the real address once connected (the
        built-in server's port is chosen when it starts), else the profile's;
        ``None`` for the built-in server before it has started."""
        if self.session is not None:
            return self.session.host_label
        if self.profile.builtin_server:
            server = self.builtin.server if self.builtin is not None else None
            if server is not None:
                port = server.tls_port if self.profile.security == "tls" else server.port
                return f"127.0.0.1:{port}"
            return None
        return self.profile.address

    @property
    def badge(self) -> Badge:
        tls = bool(self.session and self.session.tls_active and self.connected)
        code = self.last_reply.code if self.last_reply else None
        return Badge(self.status, tls, code, self.last_latency_ms, self.error)

    def legal_commands(self) -> tuple[str, ...]:
        return self.state.legal_commands(self.capabilities)

    def step_is_legal(self, verb: str) -> bool:
        """Whether the step ``verb`` (a step button: CONNECT, EHLO … QUIT) may
        go now: CONNECT only while disconnected, DATA also to finish the
        message already started, the others when the state machine allows."""
        if not self.connected:
            return verb == "CONNECT"
        if verb == "DATA" and self.state.state is State.DATA:
            return True
        return verb in self.legal_commands()

    @property
    def can_log_in(self) -> bool:
        """The profile names a user to AUTH as (else AUTH asks for one)."""
        return bool(self.profile.auth.enabled and self.profile.auth.username)

    def challenge_wants_secret(self) -> bool:
        """In an AUTH exchange, whether the answer to the last challenge is a
        secret: anything but the user name (a password, a PLAIN token or a
        digest may follow), judged from the server's decoded challenge."""
        for event in reversed(self.transcript.events):
            if isinstance(event, ev.Received):
                return "user" not in (event.annotation or "").lower()
        return True

    def expect(self, line: str) -> Expectation:
        """What the state machine predicts for ``line`` (warnings before sending)."""
        return self.state.expect(line, self.capabilities)

    def plaintext_risk(self, line: str) -> bool:
        """``line`` would carry the envelope or credentials outside the TLS this
        profile requires (the raw line warns before sending it)."""
        verb = verb_of(line)
        return (
            self.requires_tls
            and self.connected
            and self.session is not None
            and not self.session.tls_active
            and not (self.session.in_data and line != ".")
            and (verb in ENVELOPE_VERBS or verb == "AUTH" or self.session.in_data)
        )

    # ---------------------------------------------------------------- events
    def _on_event(self, event: ev.Event) -> None:
        self.transcript.append(event)
        # Pairing replies with commands and following the state machine is the
        # one shared reading of a conversation (flow.conversation), which the
        # flow diagram, the state chart and the lessons use too.
        exchange = self._conversation.feed(event)
        if exchange is not None:
            reply = exchange.reply.reply
            self.last_reply = reply
            self.last_latency_ms = exchange.reply.elapsed_ms
            if not exchange.reply.unsolicited:
                self._answered[id(reply)] = (exchange.line, exchange.before)
        elif isinstance(event, ev.Connecting):
            self._connected_at = event.at  # each connection's lines count from its start
        elif isinstance(event, ev.Failed):
            self.error = event.reason
            # while connecting, the outcome decides (an MX may be next)
            if self._connecting is None:
                self.status = "error"
        elif isinstance(event, ev.Closed) and self.status != "error":
            self.status = "closed"
        start = self._connected_at if self._connected_at is not None else event.at
        new_lines = event_lines(event, start=start)
        self.lines.extend(new_lines)
        if self.on_change is not None:
            self.on_change(self, new_lines)

    @property
    def state(self) -> SessionState:
        """The learner's state machine, as the conversation so far left it."""
        return self._conversation.state

    def explain_context(self, reply: Reply) -> ExplainContext:
        """What ``explain`` needs for one of this session's replies: the command
        it answered and the state before it (the greeting answers "connect")."""
        from smtptui.reference.explanation import ExplainContext

        command, state = self._answered.get(id(reply), (None, None))
        return ExplainContext(command=command, host=self.profile.host, state=state)

    def note(self, text: str, level: str = "info") -> None:
        """A note of the app's own in this transcript (e.g. "password prompt cancelled")."""
        self._on_event(ev.Note(text=text, level=level))

    def fail(self, text: str) -> None:
        self._on_event(ev.Failed(phase=Phase.COMMAND, reason=text))

    # -------------------------------------------------------------- commands
    async def target_config(self) -> SessionConfig:
        """Where and how this session connects (the built-in server started
        and pointed at, for the demo) — also for a second look such as the TLS view."""
        cfg = self.profile.session_config()
        if self.profile.builtin_server and self.builtin is not None:
            cfg = await self.builtin.retarget(cfg)
        return cfg

    async def _credentials(self, source: CredentialsSource | None) -> Credentials | None:
        """The profile's credentials, or ``None`` (the transcript says why AUTH
        is skipped).  A password source that fails with nobody to ask stops
        the operation with its sentence."""
        if source is None:
            return None
        outcome = await source()
        if outcome.state == READY:
            return outcome.credentials
        if outcome.state == FAILED:
            self.fail(outcome.reason or "no password")
            raise SmtpError(outcome.reason or "no password")
        self._auth_skipped = outcome.state != NONE
        if outcome.reason:
            self.note(outcome.reason, "warning")
        return None

    async def connect(
        self, credentials: CredentialsSource | None = None, *, handshake: bool = True
    ) -> None:
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
            await self._connect(credentials if handshake else None, handshake)
        except BaseException:
            self.status = "error" if self.error is not None else "closed"
            raise
        finally:
            done, self._connecting = self._connecting, None
            done.set_result(None)

    async def _connect(self, credentials: CredentialsSource | None, handshake: bool) -> None:
        self.status = "connecting"
        self._forget()
        self._changed()
        creds = await self._credentials(credentials) if handshake else None
        try:
            cfg = await self.target_config()
        except Exception as exc:  # the built-in server could not start
            self.fail(f"cannot start the built-in server: {exc}")
            raise
        plan = Plan(credentials=creds, quit_after=None if handshake else "connect")
        started = time.monotonic()
        if self.route is not None:
            await self._connect_via_mx(cfg, plan)
        else:
            session = Session(cfg)
            session.subscribe(self._on_event)
            self.session = session
            try:
                await establish(session, plan)
            except SmtpError:
                # A refused greeting, EHLO, TLS or AUTH: say QUIT and close, so
                # the badge, the socket and "enter connects" agree (RFC 5321 §3.1).
                await session.aclose()
                raise
        self.status = "connected"
        self._changed()
        self.note(f"ready in {(time.monotonic() - started) * 1000:.0f} ms")

    async def _connect_via_mx(self, cfg: SessionConfig, plan: Plan) -> None:
        """The domain's MX hosts in order, each skip said in the transcript;
        the first that greets is this session."""
        from smtptui.i18n import t
        from smtptui.inspection.errors import InspectionError
        from smtptui.inspection.routing import route_and_connect

        route = self.route
        assert route is not None
        try:
            routed = await route_and_connect(
                route.domain,
                cfg,
                plan,
                resolver=route.resolver(),
                subscriber=self._on_event,
                lang=route.lang,
            )
        except InspectionError as exc:
            self.fail(exc.text(route.lang))
            raise SmtpError(exc.text(route.lang)) from None
        except SmtpError:
            self.session = None
            raise
        if routed.chosen is None or routed.session is None:
            key = "inspect.error.null_mx" if routed.route.null_mx else "inspect.error.unreachable"
            text = t(key, route.lang, domain=route.domain)
            self.fail(text)
            raise SmtpError(text)
        self.session = routed.session

    async def bring_up(self, credentials: CredentialsSource | None, *, auth: bool = True) -> None:
        """Bring the session to what its profile requires before a transaction
        or an envelope command: connected, EHLO done, STARTTLS when the
        profile's security is ``starttls``, AUTH when it logs in (``auth``).
        Steps already done are not repeated, nor is AUTH asked for again once
        it was skipped in this conversation; a step the server refuses stops
        here with its sentence (nothing of the envelope is sent)."""
        if not self.connected:
            await self.connect(credentials if auth else None)
            if not self.connected:
                raise SmtpError("not connected: the connection failed (see the transcript)")
        session = self.session
        assert session is not None
        self._begin()
        self._refuse_while_open()
        handshake_done = session.capabilities is not None and (
            session.tls_active or not self.requires_tls
        )
        wants_auth = (
            auth
            and self.profile.auth.enabled
            and session.authenticated_as is None
            and not self._auth_skipped
        )
        if handshake_done and not wants_auth:
            return
        creds = await self._credentials(credentials) if wants_auth else None
        if handshake_done and creds is None:
            return
        with self._reported():
            await establish(session, Plan(credentials=creds))

    def _begin(self) -> None:
        """A new operation on a live session: the last one's error is history
        (the badge and the header show the latest outcome, not the worst)."""
        if self.status == "error" and self.connected:
            self.status = "connected"
            self.error = None
            self._changed()

    def _refuse_while_open(self) -> None:
        """A message or an AUTH exchange typed by hand must be finished first."""
        session = self.session
        if session is not None and session.in_data:
            raise session.report_failure(
                UsageError(
                    "a message is open (you typed DATA): end it with a line containing only '.' "
                    "on the raw command line, or disconnect"
                )
            )
        if session is not None and self.state.state is State.AUTH:
            raise session.report_failure(
                UsageError(
                    "an AUTH exchange is open: answer the server's 334 on the raw command line, "
                    "or send * to cancel it"
                )
            )

    async def send(
        self,
        built: BuiltMessage,
        *,
        progress: Callable[[int, int], None] | None = None,
        credentials: CredentialsSource | None = None,
    ) -> TransactionResult:
        """The whole transaction on this session, after :meth:`bring_up`."""
        await self.bring_up(credentials)
        session = self.session
        assert session is not None
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
        """One line as the learner typed it (the state machine warns, not blocks).
        Typed by hand, it goes out even outside the TLS the profile requires —
        and the transcript says so."""
        if self.session is None or not self.connected:
            raise SmtpError("not connected: press enter on the profile to connect first")
        self._begin()
        if self.session.in_data and line.startswith(".") and line != ".":
            self.note(
                "this message line starts with '.': the server removes that dot "
                "(RFC 5321 §4.5.2); type '..' to keep one",
                "warning",
            )
        if self.plaintext_risk(line):
            self.note(
                f"sent in plain text as typed, although this profile requires "
                f"{self.profile.security.upper()}: anyone on the path can read it",
                "warning",
            )
        with self._reported():
            return await self.session.raw(line)

    async def step(
        self,
        verb: str,
        draft: ComposerFields | None,
        *,
        credentials: CredentialsSource | None = None,
        handshake: bool = True,
        message: Callable[[], BuiltMessage] | None = None,
    ) -> None:
        """A step-mode button: the command a learner would type, with the
        draft's addresses where one is needed.  Envelope commands and AUTH
        first bring the session to what the profile requires."""
        if verb == "CONNECT":
            await self.connect(credentials, handshake=handshake)
            return
        if not self.connected:
            raise SmtpError("not connected: press CONNECT (or enter on the profile) first")
        self._begin()
        if verb == "AUTH":
            await self.bring_up(credentials, auth=False)
            creds = await self._credentials(credentials)
            if creds is not None:
                await self.auth(creds)
            return
        if verb == "DATA" and self.state.state is State.DATA and message is not None:
            await self.send_body(message())  # the learner's DATA got 354: the message
            return
        if verb in ENVELOPE_VERBS:
            await self.bring_up(credentials)
        for line in self.step_lines(verb, draft):
            await self.raw(line)

    def step_lines(self, verb: str, draft: ComposerFields | None) -> list[str]:
        """The exact line(s) a step button sends now."""
        helo = self.session.default_helo() if self.session else "localhost"
        mechanism = self.auth_mechanism() if verb == "AUTH" else ""
        return step_lines(verb, draft, helo=helo, auth_mechanism=mechanism, profile=self.profile)

    def auth_mechanism(self) -> str:
        """The mechanism the AUTH step will use, as the engine resolves it."""
        from smtptui.protocol.auth import choose_mechanism

        requested = self.profile.auth.mechanism
        requested = requested if requested not in ("none", "") else "auto"
        caps = self.state.caps or self.capabilities
        try:
            return choose_mechanism(requested, caps.auth_mechanisms if caps else ())
        except AuthError:
            return requested.upper() if requested != "auto" else "PLAIN"

    async def send_body(self, built: BuiltMessage) -> Reply:
        """Step mode: the message after the learner's DATA got 354."""
        assert self.session is not None
        with self._reported():
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
        self._conversation = Conversation(history=False)
        self._answered.clear()
        self._auth_skipped = False

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change(self, [])
