"""The RFC 5321 session as a diagram of states and edges, lit by a live session.

The edges are not written down here: they are *derived* from
:mod:`smtptui.reference.states` by asking a representative state of each kind
which commands it offers (``legal_commands``), what a server most likely
answers (``expect``) and where that answer leads (``after``).  So the diagram
shows exactly the machine the dashboard runs, and changes with it.

A :class:`StateChart` is one moment: the current state, the edges a learner
can take now, the edge the last command travelled, the commands that stay in
the current state (NOOP, HELP …), and — when the last command was out of
sequence — the edge that does not exist (the ``503`` lesson).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from smtptui.flow.conversation import Exchange, Transition
from smtptui.reference.states import SessionState, State
from smtptui.reference.transcript import reply

if TYPE_CHECKING:
    from smtptui.protocol.reply import Reply

__all__ = ["NODES", "SAMPLES", "Edge", "Missing", "StateChart", "chart", "derive_edges"]

#: The states a diagram draws, in the order of a session.
NODES: tuple[State, ...] = (
    State.CONNECTED,
    State.GREETED,
    State.TLS_HANDSHAKE,
    State.AUTH,
    State.MAIL,
    State.RCPT,
    State.DATA,
    State.CLOSED,
)

#: One example line per verb, to ask the state machine where it leads.
SAMPLES: dict[str, str] = {
    "EHLO": "EHLO client.example",
    "HELO": "HELO client.example",
    "STARTTLS": "STARTTLS",
    "AUTH": "AUTH LOGIN",
    "MAIL": "MAIL FROM:<a@example.com>",
    "RCPT": "RCPT TO:<b@example.com>",
    "DATA": "DATA",
    "RSET": "RSET",
    "NOOP": "NOOP",
    "VRFY": "VRFY postmaster",
    "HELP": "HELP",
    "QUIT": "QUIT",
    ".": ".",
    "*": "*",
}

#: A typical moment in each state (EHLO'd, nothing learnt about the server yet).
_REPRESENTATIVE: dict[State, SessionState] = {
    State.CONNECTED: SessionState(state=State.CONNECTED),
    State.GREETED: SessionState(state=State.GREETED, esmtp=True),
    State.TLS_HANDSHAKE: SessionState(state=State.TLS_HANDSHAKE, esmtp=True),
    State.AUTH: SessionState(state=State.AUTH, esmtp=True, resume=State.GREETED),
    State.MAIL: SessionState(state=State.MAIL, esmtp=True),
    State.RCPT: SessionState(state=State.RCPT, esmtp=True, recipients=1),
    State.DATA: SessionState(state=State.DATA, esmtp=True, recipients=1),
}


@dataclass(frozen=True, slots=True)
class Edge:
    """``source --token--> target``; ``token`` is a verb, or ``"."`` (end of
    message), ``"handshake"`` (TLS done), ``"235"``/``"*"`` (AUTH ends)."""

    source: State
    token: str
    target: State

    @property
    def key(self) -> tuple[State, str]:
        return (self.source, self.token)

    @property
    def loop(self) -> bool:
        return self.source is self.target


@cache
def derive_edges() -> tuple[Edge, ...]:
    """Every edge of the diagram, asked of the reference state machine."""
    edges: list[Edge] = []
    for source, state in _REPRESENTATIVE.items():
        for token in state.legal_commands():
            line = SAMPLES.get(token)
            if line is None:
                continue
            expectation = state.expect(line)
            code = expectation.likely_codes[0] if expectation.likely_codes else 250
            if source is State.AUTH:
                code = 501  # "*" cancels: the exchange ends without logging in
            target = state.after(line, _reply(code)).state
            edges.append(Edge(source, token, target))
    # Ends of an exchange that no command starts: the handshake, AUTH's success.
    handshake = _REPRESENTATIVE[State.TLS_HANDSHAKE].after_tls().state
    edges.append(Edge(State.TLS_HANDSHAKE, "handshake", handshake))
    success = _REPRESENTATIVE[State.AUTH].after("response", _reply(235)).state
    edges.append(Edge(State.AUTH, "235", success))
    return tuple(edges)


def _reply(code: int) -> Reply:
    texts = {220: "ready", 221: "bye", 235: "ok", 250: "ok", 334: "", 354: "go ahead"}
    return reply(f"{code} {texts.get(code, 'refused')}")


@dataclass(frozen=True, slots=True)
class Missing:
    """A command sent where the diagram has no edge, and what the server said."""

    source: State
    verb: str
    code: int
    text: str


@dataclass(frozen=True, slots=True)
class StateChart:
    """One moment of a session on the diagram."""

    state: SessionState
    legal: frozenset[tuple[State, str]]
    stays: tuple[str, ...]
    last: tuple[State, str] | None
    missing: Missing | None

    @property
    def current(self) -> State:
        return self.state.state

    def is_legal(self, edge: Edge) -> bool:
        return edge.key in self.legal


def _node(state: State) -> State:
    """The node a state is drawn as (BDAT is a message being sent: DATA)."""
    return State.DATA if state is State.BDAT else state


def chart(
    state: SessionState,
    transitions: Sequence[Transition] = (),
    exchanges: Sequence[Exchange] = (),
) -> StateChart:
    """Light the diagram for ``state``: ``transitions`` and ``exchanges`` of the
    conversation so far (see :class:`~smtptui.flow.conversation.Conversation`)
    give the last edge taken and an out-of-sequence command."""
    node = _node(state.state)
    offered = set(state.legal_commands())
    legal = set()
    stays = []
    for edge in derive_edges():
        if edge.source is not node:
            continue
        if edge.token in offered or (edge.token == "235" and "*" in offered):
            if edge.loop and edge.token not in ("RCPT",):
                stays.append(edge.token)
            else:
                legal.add(edge.key)
    known = {edge.key for edge in derive_edges()}
    last = None
    if transitions:
        move = transitions[-1]
        key = (_node(move.source), move.token)
        if key in known:
            last = key
    missing = None
    if exchanges:
        exchange = exchanges[-1]
        if exchange.out_of_sequence and exchange.verb is not None:
            missing = Missing(
                _node(exchange.before.state),
                exchange.verb,
                exchange.code,
                exchange.reply.reply.message,
            )
    return StateChart(state, frozenset(legal), tuple(stays), last, missing)
