"""What a lesson is, as data: steps with a check against the conversation.

A step's check judges what really happened on the wire — the command the
learner sent, the reply the server gave, the message the server received —
never the typed text alone.  Each check is a small frozen value
(:class:`Command`, :class:`AuthAnswer`, :class:`Reach`, :class:`Message`);
:mod:`smtptui.learn.checks` evaluates them.  Every text a learner reads lives
in the catalogue under ``lesson.<lesson>.…`` in English and Chinese.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from smtptui.i18n import has, t
from smtptui.reference.states import State

__all__ = [
    "AuthAnswer",
    "Check",
    "Command",
    "Lesson",
    "Message",
    "Outcome",
    "Reach",
    "Step",
    "Verdict",
]


class Outcome(Enum):
    PASS = "pass"  # the step is done
    REFUSE = "refuse"  # not what the step asks for; the verdict says why
    CONTINUE = "continue"  # a right move towards the step, not the whole of it


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of one exchange against a step, with the catalogue key of
    its explanation (``None``: nothing to say)."""

    outcome: Outcome
    key: str | None = None
    values: tuple[tuple[str, str], ...] = ()

    def text(self, lang: str | None = None) -> str:
        return t(self.key, lang, **dict(self.values)) if self.key else ""


def verdict(outcome: Outcome, key: str | None = None, **values: object) -> Verdict:
    return Verdict(outcome, key, tuple((k, str(v)) for k, v in values.items()))


@dataclass(frozen=True, slots=True)
class Command:
    """One command (any of ``verbs``) that must get one of ``codes``.

    ``pattern`` is a regular expression the whole line must match (any case);
    ``tls`` says it must be sent inside TLS (``True``) or before it
    (``False``); ``recipients`` is the number of accepted RCPTs the
    transaction must have afterwards.
    """

    verbs: tuple[str, ...]
    codes: tuple[int, ...]
    pattern: str | None = None
    tls: bool | None = None
    recipients: int | None = None


@dataclass(frozen=True, slots=True)
class AuthAnswer:
    """A line answering a ``334`` challenge that must get one of ``codes``;
    ``user``: the user name its base64 must decode to (a password is judged
    by the server alone — the app never sees it decoded)."""

    codes: tuple[int, ...]
    user: str | None = None


@dataclass(frozen=True, slots=True)
class Reach:
    """Get the session to ``state`` by any legal way: each accepted step on the
    way continues, a refusal is explained."""

    state: State


@dataclass(frozen=True, slots=True)
class Message:
    """A message typed after ``354`` and ended with ``"."``, judged by what
    the server received: ``rule`` names what it must show (see
    :func:`smtptui.learn.checks.judge_message`)."""

    rule: str


Check = Command | AuthAnswer | Reach | Message


@dataclass(frozen=True, slots=True)
class Step:
    """One thing to do.

    ``answer`` is what a learner who got it right types, line by line (the app
    types it when the learner skips the step, and replays it to resume a
    lesson on a new connection).  ``when`` lists the states the step can be
    tried in; after a refusal that changed the session, the lesson goes back
    to the latest step that fits the state again.  ``secret`` masks the input
    (a password); ``show`` names a picture the screen shows once the step is
    done (``capabilities``, ``envelope``, ``compare``, ``received``, ``tls``).
    """

    id: str
    check: Check
    answer: tuple[str, ...]
    when: tuple[State, ...] = ()
    secret: bool = False
    show: str | None = None


@dataclass(frozen=True, slots=True)
class Lesson:
    """A lesson: its steps, and the built-in server's settings it needs
    (``server``: :class:`~smtptui.server.ServerConfig` fields to change)."""

    id: str
    steps: tuple[Step, ...]
    server: tuple[tuple[str, object], ...] = ()

    def title(self, lang: str | None = None) -> str:
        return t(f"lesson.{self.id}.title", lang)

    def intro(self, lang: str | None = None) -> str:
        return t(f"lesson.{self.id}.intro", lang)

    def outro(self, lang: str | None = None) -> str:
        return t(f"lesson.{self.id}.outro", lang)

    def step_key(self, step: Step, part: str) -> str:
        """The catalogue key of a step's text: the lesson's own, else the one
        shared by every lesson (``lesson.common.<step>``, numbers dropped)."""
        key = f"lesson.{self.id}.{step.id}.{part}"
        if has(key):
            return key
        return f"lesson.common.{re.sub(r'[0-9]+$', '', step.id)}.{part}"

    def step_text(self, step: Step, part: str, lang: str | None = None) -> str:
        """``part`` is ``do`` (the instruction), ``hint`` or ``done``."""
        return t(self.step_key(step, part), lang)

    def index(self, step_id: str) -> int:
        return next(i for i, s in enumerate(self.steps) if s.id == step_id)
