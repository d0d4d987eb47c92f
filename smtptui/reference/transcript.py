"""Feeding real conversations through the state machine.

``parse_transcript`` turns a transcript as people paste it — RFC style
(``C:``/``S:``) or swaks style (``->``/``<-``, ``~>``/``<~`` inside TLS) — into
``(command, Reply)`` steps; ``replay`` runs steps through
:class:`SessionState`. Engine tests record ``Sent``/``Received`` events and
replay them; the reference tests replay transcripts recorded from Postfix and
aiosmtpd.

Pairing follows the wire: replies answer commands in the order they were sent
(so PIPELINING works), a reply with no pending command is the greeting or an
unsolicited one, and client lines after a 354 are message content up to the
lone ``"."``, which is the "command" the final reply answers.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from smtptui.protocol.reply import Reply, ReplyParser
from smtptui.reference.commands import verb_of
from smtptui.reference.sequencing import Expectation, Verdict
from smtptui.reference.states import SessionState, State

Step = tuple[str | None, Reply]

_CLIENT = re.compile(r"^\s*(?:C:|->|~>)\s?(.*)$")
_SERVER = re.compile(r"^\s*(?:S:|<-|<~)\s?(.*)$")


def reply(text: str) -> Reply:
    """One complete reply from its text (lines joined by ``\\n``), e.g.
    ``reply("250-mx.example\\n250 SIZE 1000")``; ``ValueError`` if incomplete."""
    parser = ReplyParser()
    lines = [line.rstrip("\r") for line in text.strip("\r\n").split("\n")]
    data = "".join(line + "\r\n" for line in lines).encode("utf-8", "surrogateescape")
    replies = parser.feed(data)
    if len(replies) != 1 or parser.pending:
        raise ValueError(f"not exactly one complete reply: {text!r}")
    return replies[0]


def parse_transcript(text: str) -> list[Step]:
    """Steps from a C:/S: or ->/<- transcript; other lines (``===`` notes,
    ``***`` errors, blank lines) are ignored."""
    steps: list[Step] = []
    pending: deque[str] = deque()
    parser = ReplyParser()
    in_data = False
    for raw in text.split("\n"):
        raw = raw.rstrip("\r")
        if m := _CLIENT.match(raw):
            line = m.group(1)
            if in_data:
                if line == ".":
                    in_data = False
                    pending.append(".")
                continue
            pending.append(line)
        elif m := _SERVER.match(raw):
            for rep in parser.feed(m.group(1).encode("utf-8", "surrogateescape") + b"\r\n"):
                command = pending.popleft() if pending else None
                steps.append((command, rep))
                if rep.code == 354 and command is not None and verb_of(command) == "DATA":
                    in_data = True
    return steps


def replay(steps: Iterable[Step], start: SessionState | None = None) -> list[SessionState]:
    """The state after each step.

    A step after ``220`` to STARTTLS implies the handshake succeeded (the
    conversation went on), so ``after_tls`` is applied first. Pass
    ``start=SessionState(tls=True)`` for implicit TLS (port 465).
    """
    state = start or SessionState()
    out: list[SessionState] = []
    for command, rep in steps:
        if state.state is State.TLS_HANDSHAKE:
            state = state.after_tls()
        state = state.after(command, rep)
        out.append(state)
    return out


@dataclass(frozen=True, slots=True)
class Surprise:
    """A step where the server did not do what ``expect`` predicted."""

    command: str
    expectation: Expectation
    reply: Reply
    before: SessionState

    def __str__(self) -> str:
        return (
            f"{self.command!r} in {self.before.state.name}: predicted "
            f"{self.expectation.verdict.name} {self.expectation.likely_codes}, got {self.reply.code}"
        )


def surprises(steps: Iterable[Step], start: SessionState | None = None) -> list[Surprise]:
    """Replay ``steps`` and list every prediction the server contradicted:
    a command called legal that got 503 (sequence) or 500/502 (unknown); a
    command predicted to fail that succeeded; a failure with a code the
    prediction did not list. A legal command refused on its merits (550 user
    unknown, 535 bad password) is the server's decision, not a surprise."""
    state = start or SessionState()
    found: list[Surprise] = []
    for command, rep in steps:
        if state.state is State.TLS_HANDSHAKE:
            state = state.after_tls()
        if command is not None and state.connected:
            exp = state.expect(command)
            ok = rep.code // 100 in (2, 3)
            if exp.verdict is Verdict.LEGAL:
                wrong = rep.code in (500, 502, 503) and rep.code not in exp.likely_codes
            else:
                wrong = ok or rep.code not in exp.likely_codes
            if wrong:
                found.append(Surprise(command, exp, rep, state))
        state = state.after(command, rep)
    return found
