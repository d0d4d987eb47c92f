"""A session's events paired into exchanges: each command with the reply that
answered it, the learner state before and after, and the phase it belongs to.

The flow diagram, the state-machine view and the lessons read a conversation
this way.  Pairing follows the wire, as the dashboard's controller does:
replies answer commands in the order they were sent (so pipelining pairs
correctly), message lines get no reply of their own except the final ``"."``,
and a reply nobody asked for is the greeting (or unsolicited).  The state
comes from :class:`~smtptui.reference.states.SessionState` — this module keeps
no rules of its own about what is legal.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from smtptui.protocol import events as ev
from smtptui.reference.commands import verb_of
from smtptui.reference.sequencing import Verdict
from smtptui.reference.states import SessionState, State

if TYPE_CHECKING:
    from smtptui.reference.sequencing import Expectation

__all__ = ["Conversation", "Exchange", "Phase", "Transition", "phase_of"]


class Phase(StrEnum):
    """The parts of a conversation a diagram groups arrows by."""

    GREETING = "greeting"
    EHLO = "ehlo"
    STARTTLS = "starttls"
    AUTH = "auth"
    ENVELOPE = "envelope"
    DATA = "data"
    QUIT = "quit"
    OTHER = "other"


_PHASE_OF_VERB = {
    "EHLO": Phase.EHLO,
    "HELO": Phase.EHLO,
    "STARTTLS": Phase.STARTTLS,
    "AUTH": Phase.AUTH,
    "MAIL": Phase.ENVELOPE,
    "RCPT": Phase.ENVELOPE,
    "RSET": Phase.ENVELOPE,
    "DATA": Phase.DATA,
    "BDAT": Phase.DATA,
    "QUIT": Phase.QUIT,
}


def phase_of(event: ev.Sent | ev.DataSent) -> Phase:
    """The phase of something the client sent."""
    if isinstance(event, ev.DataSent) or event.kind == "data":
        return Phase.DATA
    if event.kind == "auth":
        return Phase.AUTH
    return _PHASE_OF_VERB.get(verb_of(event.text), Phase.OTHER)


@dataclass(frozen=True, slots=True)
class Exchange:
    """One reply and what it answered.

    ``command`` is ``None`` for the greeting and for a reply nobody asked for;
    it is a :class:`~smtptui.protocol.events.DataSent` (or the ``"."`` line of
    a message typed by hand, with the lines before it in ``data_lines``) for
    the reply that ends a message.  ``event`` is the reply's index in the
    events fed so far.
    """

    index: int
    event: int
    command: ev.Sent | ev.DataSent | None
    reply: ev.Received
    before: SessionState
    after: SessionState
    phase: Phase
    data_lines: tuple[ev.Sent, ...] = ()

    @property
    def line(self) -> str | None:
        """The command as the state machine reads it (``"."`` for a message)."""
        if self.command is None:
            return None
        if isinstance(self.command, ev.DataSent):
            return "."
        return self.command.text

    @property
    def verb(self) -> str | None:
        line = self.line
        return None if line is None else verb_of(line) or line

    @property
    def code(self) -> int:
        return self.reply.reply.code

    def expectation(self) -> Expectation | None:
        """What the state machine predicted for the command before it was sent."""
        line = self.line
        if line is None or not self.before.connected:
            return None
        return self.before.expect(line)

    @property
    def out_of_sequence(self) -> bool:
        """Sent where the protocol has no such step (the ``503`` lesson)."""
        expectation = self.expectation()
        if expectation is None:
            return False
        return expectation.verdict is Verdict.OUT_OF_SEQUENCE or self.code == 503


@dataclass(frozen=True, slots=True)
class Transition:
    """A move of the state machine: ``token`` is the verb sent (``"."`` ends a
    message, ``"handshake"`` is a finished TLS handshake; an AUTH exchange
    goes on with ``"response"`` (another 334), ends with ``"235"`` or, refused
    or cancelled, with ``"*"``), ``exchange`` the exchange that caused it."""

    source: State
    token: str
    target: State
    exchange: Exchange | None = None


def transition_token(exchange: Exchange) -> str | None:
    """The edge an exchange travelled along, in the state diagram's words."""
    line = exchange.line
    if line is None:
        return None
    if exchange.before.state is State.AUTH:
        if exchange.code == 235:
            return "235"
        return "response" if exchange.code == 334 else "*"
    if exchange.before.state is State.DATA:
        return "."
    return exchange.verb


class Conversation:
    """Feed events in order; read ``exchanges``, ``transitions`` and ``state``.

    A new connection (``Connecting``) starts the state afresh, as the
    dashboard does when it reconnects a profile.  ``history=False`` keeps no
    list of exchanges and transitions (a live session that may run for
    100,000 lines only needs the state and each exchange as it completes).
    """

    def __init__(self, *, history: bool = True) -> None:
        self.history = history
        self.state = SessionState()
        self.exchanges: list[Exchange] = []
        self.transitions: list[Transition] = []
        self.events = 0
        self._awaiting: deque[tuple[ev.Sent | ev.DataSent, tuple[ev.Sent, ...]]] = deque()
        self._message: list[ev.Sent] = []

    def feed(self, event: ev.Event) -> Exchange | None:
        """Take one event; returns the exchange it completed, if any."""
        index = self.events
        self.events += 1
        if isinstance(event, ev.Connecting):
            self.state = SessionState()
            self._awaiting.clear()
            self._message.clear()
        elif isinstance(event, ev.Sent):
            if event.kind == "data" and event.text != ".":
                self._message.append(event)
            else:
                lines = tuple(self._message) if event.kind == "data" else ()
                self._message.clear()
                self._awaiting.append((event, lines))
        elif isinstance(event, ev.DataSent):
            self._awaiting.append((event, ()))
        elif isinstance(event, ev.Received):
            return self._answer(event, index)
        elif isinstance(event, ev.TlsEstablished):
            before = self.state
            self.state = before.after_tls()
            if self.history and before.state is State.TLS_HANDSHAKE:
                self.transitions.append(
                    Transition(State.TLS_HANDSHAKE, "handshake", self.state.state)
                )
        elif isinstance(event, ev.Closed):
            self._awaiting.clear()
            self._message.clear()
            if self.state.state is not State.DISCONNECTED:
                self.state = SessionState(state=State.CLOSED)
        return None

    def _answer(self, event: ev.Received, index: int) -> Exchange:
        command, lines = (None, ())
        if not event.unsolicited and self._awaiting:
            command, lines = self._awaiting.popleft()
        before = self.state
        if event.unsolicited:
            after = before
            phase = Phase.OTHER
        else:
            line = None
            if command is not None:
                line = "." if isinstance(command, ev.DataSent) else command.text
            after = before.after(line, event.reply)
            phase = Phase.GREETING if command is None else phase_of(command)
        exchange = Exchange(len(self.exchanges), index, command, event, before, after, phase, lines)
        self.state = after
        if self.history:
            self.exchanges.append(exchange)
            token = transition_token(exchange)
            if token is not None:
                self.transitions.append(Transition(before.state, token, after.state, exchange))
        return exchange
