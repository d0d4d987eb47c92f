"""The SMTP session as a state machine (RFC 5321 §4.1.4, §3.3; RFC 3207; RFC 4954).

A :class:`SessionState` is a value: ``after(command, reply)`` returns the next
one, driven by what the *server actually answered* (a lenient server that
accepts MAIL before EHLO moves us to MAIL; a 503 leaves us where we were), so
replaying a real transcript always tracks the real session. ``expect`` says
beforehand what a command will likely get, and ``legal_commands`` lists what a
learner can sensibly send next. Out-of-sequence commands are never forbidden
here: a learner should be able to send them and see the 503.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import TYPE_CHECKING

from smtptui.i18n import t
from smtptui.protocol.capabilities import Capabilities
from smtptui.reference.commands import verb_of

if TYPE_CHECKING:
    from smtptui.protocol.reply import Reply
    from smtptui.reference.sequencing import Expectation


class State(Enum):
    """Where the session is. ``AUTH`` is a 334 exchange in progress;
    ``TLS_HANDSHAKE`` is after ``220`` to STARTTLS, before the handshake ends."""

    DISCONNECTED = "disconnected"
    CONNECTED = "connected"
    GREETED = "greeted"
    TLS_HANDSHAKE = "tls_handshake"
    AUTH = "auth"
    MAIL = "mail"
    RCPT = "rcpt"
    DATA = "data"
    BDAT = "bdat"
    CLOSED = "closed"


TRANSACTION = frozenset({State.MAIL, State.RCPT, State.DATA, State.BDAT})
_GREETED = frozenset({State.GREETED, *TRANSACTION})

_AUTH_NEEDED_RE = re.compile(
    r"auth\w* (?:is )?required|must (?:be )?authenticat|not authenticated|AUTH first|"
    r"authenticate first|need (?:EHLO and )?AUTH",
    re.IGNORECASE,
)
_TLS_NEEDED_RE = re.compile(r"starttls|\btls\b|\bssl\b|encrypt", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SessionState:
    """One moment of an SMTP session, as far as the protocol rules care.

    ``esmtp``: greeted with EHLO (extensions available); ``caps``: what the last
    EHLO/HELO reply advertised (forgotten after STARTTLS, RFC 3207 §4.2);
    ``recipients``: RCPTs accepted in the open transaction; ``refused``: the
    greeting was 554/521 (only QUIT makes sense); ``tls_required`` /
    ``auth_required``: learned from a 530 (or similar) earlier in the session;
    ``resume``: the state an AUTH exchange returns to; ``chunk_failed``: a BDAT
    chunk was refused, so only RSET can rescue the transaction (RFC 3030 §4).
    """

    state: State = State.DISCONNECTED
    tls: bool = False
    authenticated: bool = False
    esmtp: bool = False
    recipients: int = 0
    caps: Capabilities | None = field(default=None, hash=False)
    refused: bool = False
    tls_required: bool = False
    auth_required: bool = False
    resume: State | None = None
    auth_mechanism: str | None = None
    chunk_failed: bool = False

    # -- facts ----------------------------------------------------------------
    @property
    def greeted(self) -> bool:
        """EHLO/HELO has been answered 250 (and not undone by STARTTLS)."""
        if self.state is State.AUTH:
            return self.resume in _GREETED
        return self.state in _GREETED

    @property
    def in_transaction(self) -> bool:
        return self.state in TRANSACTION

    @property
    def connected(self) -> bool:
        return self.state not in (State.DISCONNECTED, State.CLOSED)

    # -- predictions ----------------------------------------------------------
    def expect(self, command_line: str, caps: Capabilities | None = None) -> Expectation:
        """What sending ``command_line`` now will likely bring (see
        :mod:`smtptui.reference.sequencing`). ``caps`` defaults to the
        capabilities learned from the last EHLO."""
        from smtptui.reference.sequencing import expect

        return expect(self, command_line, caps if caps is not None else self.caps)

    def legal_commands(self, caps: Capabilities | None = None) -> tuple[str, ...]:
        """Verbs a learner can sensibly send now, most useful first (for buttons).

        In DATA the only "command" is ``"."`` (end of message); during an AUTH
        exchange it is ``"*"`` (cancel), since the real answer is base64.
        """
        caps = caps if caps is not None else self.caps
        s = self.state
        if s in (State.DISCONNECTED, State.CLOSED, State.TLS_HANDSHAKE):
            return ()
        if self.refused:
            return ("QUIT",)
        if s is State.AUTH:
            return ("*",)
        if s is State.DATA:
            return (".",)
        if s is State.CONNECTED:
            return ("EHLO", "HELO", "NOOP", "HELP", "QUIT")
        if s is State.MAIL:
            return ("RCPT", "RSET", "NOOP", "QUIT")
        if s is State.RCPT:
            body = "BDAT" if caps is not None and caps.chunking else "DATA"
            return ("RCPT", body, "RSET", "NOOP", "QUIT")
        if s is State.BDAT:
            return (
                ("RSET", "NOOP", "QUIT") if self.chunk_failed else ("BDAT", "RSET", "NOOP", "QUIT")
            )
        out: list[str] = []
        if self.esmtp and not self.tls and (caps is None or caps.starttls):
            out.append("STARTTLS")
        if self.esmtp and not self.authenticated and (caps is None or caps.has("AUTH")):
            out.append("AUTH")
        blocked = (self.tls_required and not self.tls) or (
            self.auth_required and not self.authenticated
        )
        if not blocked:
            out.append("MAIL")
        out += ["EHLO", "RSET", "NOOP", "VRFY", "HELP", "QUIT"]
        return tuple(out)

    # -- transitions ----------------------------------------------------------
    def after(self, command_line: str | None, reply: Reply) -> SessionState:
        """The state after the server answered ``command_line`` with ``reply``.

        ``command_line`` is ``None`` for the greeting and for a reply nobody
        asked for (a 421 before a timeout); in DATA, any value means the reply
        to the final ``"."``.
        """
        code = reply.code
        if self.state is State.CLOSED:
            return self
        if code in (421, 221):
            return replace(self, state=State.CLOSED, resume=None, auth_mechanism=None)
        if self.state is State.DISCONNECTED:
            if code // 100 == 2:
                return replace(self, state=State.CONNECTED)
            return replace(self, state=State.CONNECTED, refused=True)
        if self.state is State.DATA:
            return self._end_transaction()
        if command_line is None:
            return self
        if self.state is State.AUTH:
            return self._auth_step(code)
        learned = self._learn(command_line, reply)
        return learned._apply(verb_of(command_line), command_line, reply)

    def after_tls(self) -> SessionState:
        """The TLS handshake after ``220`` to STARTTLS succeeded: RFC 3207 §4.2
        makes both sides forget what they knew — EHLO again, capabilities and any
        authentication are gone."""
        return replace(
            self,
            state=State.CONNECTED,
            tls=True,
            esmtp=False,
            caps=None,
            authenticated=False,
            recipients=0,
            tls_required=False,
            chunk_failed=False,
        )

    def _end_transaction(self) -> SessionState:
        return replace(self, state=State.GREETED, recipients=0, chunk_failed=False)

    def _auth_step(self, code: int) -> SessionState:
        if code == 334:
            return self
        back = self.resume or State.GREETED
        return replace(
            self,
            state=back,
            resume=None,
            auth_mechanism=None,
            authenticated=self.authenticated or code == 235,
        )

    def _learn(self, command_line: str, reply: Reply) -> SessionState:
        """Remember policy the server just revealed (530 "STARTTLS first" …)."""
        if reply.code // 100 != 5:
            return self
        text = reply.text
        if reply.code == 530 and _TLS_NEEDED_RE.search(text) and not self.tls:
            return replace(self, tls_required=True)
        asks_auth = reply.code == 530 or _AUTH_NEEDED_RE.search(text)
        if asks_auth and not self.authenticated and verb_of(command_line) != "AUTH":
            return replace(self, auth_required=True)
        return self

    def _apply(self, verb: str, line: str, reply: Reply) -> SessionState:
        ok = reply.code // 100 == 2
        if verb == "EHLO" and ok:
            return replace(self._end_transaction(), esmtp=True, caps=Capabilities.from_ehlo(reply))
        if verb == "HELO" and ok:
            return replace(self._end_transaction(), esmtp=False, caps=Capabilities.from_helo(reply))
        if verb == "STARTTLS" and reply.code == 220:
            return replace(self, state=State.TLS_HANDSHAKE)
        if verb == "AUTH":
            if reply.code == 334:
                mech = line.split()[1].upper() if len(line.split()) > 1 else None
                return replace(self, state=State.AUTH, resume=self.state, auth_mechanism=mech)
            if reply.code == 235:
                return replace(self, authenticated=True)
            return self
        if verb == "MAIL" and ok:
            return replace(self, state=State.MAIL, recipients=0, chunk_failed=False)
        if verb == "RCPT" and ok:
            return replace(self, state=State.RCPT, recipients=self.recipients + 1)
        if verb == "DATA" and reply.code == 354:
            return replace(self, state=State.DATA)
        if verb == "BDAT":
            return self._bdat(line, reply)
        if verb == "RSET" and ok:
            if self.state in _GREETED:
                return self._end_transaction()
            return replace(self, chunk_failed=False)
        return self

    def _bdat(self, line: str, reply: Reply) -> SessionState:
        if reply.code // 100 == 2:
            if line.upper().split()[-1:] == ["LAST"]:
                return self._end_transaction()
            return replace(self, state=State.BDAT)
        if self.state in (State.RCPT, State.BDAT):
            return replace(self, state=State.BDAT, chunk_failed=True)
        return self

    # -- words ----------------------------------------------------------------
    def label(self, lang: str | None = None) -> str:
        """Short state name for the status bar: ``GREETED`` / ``已问候``."""
        return t(f"state.{self.state.value}.label", lang)

    def describe(self, lang: str | None = None) -> str:
        """One line for the status bar: state, TLS/auth flags, what comes next."""
        parts = [self.label(lang)]
        if self.connected:
            parts.append(t("state.flag.tls" if self.tls else "state.flag.plain", lang))
            if self.authenticated:
                parts.append(t("state.flag.auth", lang))
            if self.greeted and not self.esmtp:
                parts.append(t("state.flag.helo", lang))
            if self.state in (State.RCPT, State.BDAT) or self.recipients:
                parts.append(t("state.flag.recipients", lang, n=self.recipients))
            if self.refused:
                parts.append(t("state.flag.refused", lang))
        head = " · ".join(parts)
        return f"{head} — {self._text(lang)}"

    def _text(self, lang: str | None) -> str:
        """What happened and what comes next.  In GREETED it follows the
        facts: after STARTTLS and AUTH, only MAIL FROM is left to suggest."""
        if self.state is not State.GREETED:
            return t(f"state.{self.state.value}.text", lang)
        done = [t("state.done.ehlo" if self.esmtp else "state.done.helo", lang)]
        if self.tls:
            done.append(t("state.done.tls", lang))
        if self.authenticated:
            done.append(t("state.done.auth", lang))
        legal = self.legal_commands()
        upcoming = [
            t(f"state.next.{verb.lower()}", lang)
            for verb in ("STARTTLS", "AUTH", "MAIL")
            if verb in legal
        ]
        sep = t("ui.sep", lang)
        if not upcoming:
            return t("state.greeted.blocked", lang, done=sep.join(done))
        # "a, b or c": the last choice joined with "or"
        *first, last = upcoming
        options = t("state.or", lang).join([sep.join(first), last]) if first else last
        return t("state.greeted.text", lang, done=sep.join(done), next=options)
