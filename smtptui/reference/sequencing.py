"""What a command will likely get *before* it is sent (RFC 5321 §4.1.4, §4.3.2;
RFC 3207 §4; RFC 4954 §4; RFC 3030).

The rules are checked in the order a server checks them: connection first,
then whether the line is a command at all, its syntax, the greeting, the
server's declared policy (STARTTLS/AUTH required), what the server offered,
and finally the transaction sequence. Each outcome carries the catalogue key of
its explanation and the reply codes a real server most likely sends.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from smtptui.i18n import t
from smtptui.protocol.capabilities import extension_for_parameter
from smtptui.reference.commands import lookup_command, verb_of
from smtptui.reference.states import State

if TYPE_CHECKING:
    from smtptui.protocol.capabilities import Capabilities
    from smtptui.reference.states import SessionState


class Verdict(Enum):
    LEGAL = "legal"
    OUT_OF_SEQUENCE = "out_of_sequence"
    NEEDS_TLS = "needs_tls"
    NEEDS_AUTH = "needs_auth"
    NOT_OFFERED = "not_offered"
    ALREADY_DONE = "already_done"
    UNKNOWN = "unknown"
    SYNTAX = "syntax"
    EXCEEDS_LIMIT = "exceeds_limit"
    NOT_CONNECTED = "not_connected"


@dataclass(frozen=True, slots=True)
class Expectation:
    """The predicted outcome of one command line.

    ``likely_codes`` is most-likely first; ``LEGAL`` outcomes list the success
    (or intermediate) codes, others the error the server will most likely send.
    A ``LEGAL`` outcome can still carry a warning (AUTH PLAIN in cleartext).
    """

    verdict: Verdict
    likely_codes: tuple[int, ...]
    key: str
    verb: str | None = None
    values: tuple[tuple[str, str], ...] = ()

    @property
    def legal(self) -> bool:
        return self.verdict is Verdict.LEGAL

    @property
    def warning(self) -> bool:
        """Legal, but the learner should know something first."""
        return self.legal and self.key.startswith("expect.warn.")

    def label(self, lang: str | None = None) -> str:
        return t(f"verdict.{self.verdict.value}", lang)

    def message(self, lang: str | None = None) -> str:
        values = dict(self.values)
        values.setdefault("verb", self.verb or "")
        values.setdefault("codes", "/".join(str(c) for c in self.likely_codes))
        return t(self.key, lang, **values)


def _x(
    verdict: Verdict, codes: tuple[int, ...], key: str, verb: str | None, **values: object
) -> Expectation:
    return Expectation(
        verdict, codes, f"expect.{key}", verb, tuple((k, str(v)) for k, v in values.items())
    )


_MAIL_RE = re.compile(r"^MAIL\s+FROM:\s*<([^<>]*)>(.*)$", re.IGNORECASE)
_RCPT_RE = re.compile(r"^RCPT\s+TO:\s*<([^<>]*)>(.*)$", re.IGNORECASE)
_BDAT_RE = re.compile(r"^BDAT\s+(\d+)(\s+LAST)?\s*$", re.IGNORECASE)

#: RFC 3207 §4: with TLS required, everything but these gets 530.
TLS_EXEMPT = frozenset({"NOOP", "EHLO", "STARTTLS", "QUIT"})
#: RFC 4954 §6: with AUTH required, everything but these gets 530.
AUTH_EXEMPT = frozenset({"AUTH", "EHLO", "HELO", "NOOP", "RSET", "QUIT", "STARTTLS"})
#: RFC 5321 §4.1.4: usable at any time, greeted or not.
ANYTIME = frozenset({"RSET", "NOOP", "HELP", "VRFY", "EXPN", "QUIT", "EHLO", "HELO"})
_NO_ARGS = frozenset({"DATA", "RSET", "QUIT", "STARTTLS"})


def is_base64(text: str) -> bool:
    try:
        base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def expect(state: SessionState, line: str, caps: Capabilities | None) -> Expectation:
    """Predict the outcome of sending ``line`` in ``state`` to a server that
    advertised ``caps`` (``None``: not known yet — no "not offered" verdicts)."""
    s = state.state
    if s is State.DISCONNECTED:
        return _x(Verdict.NOT_CONNECTED, (), "not_connected", None)
    if s is State.CLOSED:
        return _x(Verdict.NOT_CONNECTED, (), "closed", None)
    if s is State.TLS_HANDSHAKE:
        return _x(Verdict.OUT_OF_SEQUENCE, (), "tls_handshake", None)
    if s is State.AUTH:
        return _auth_response(line)
    if s is State.DATA:
        return _content(line)
    verb = verb_of(line)
    if not verb:
        return _x(Verdict.SYNTAX, (500,), "empty", None)
    info = lookup_command(verb)
    if info is None:
        if caps is not None and caps.has(verb):
            return _x(Verdict.LEGAL, (250,), "ok.extension", verb)
        return _x(Verdict.UNKNOWN, (500, 502), "unknown", verb)
    if state.refused and verb != "QUIT":
        return _x(Verdict.OUT_OF_SEQUENCE, (503,), "refused", verb)
    args = line.strip()[len(verb) :].strip()
    if info.takes_argument and not args:
        return _x(Verdict.SYNTAX, (501,), "syntax.args_missing", verb, syntax=info.syntax)
    if verb in _NO_ARGS and args:
        return _x(Verdict.SYNTAX, (501,), "syntax.no_args", verb)
    if verb not in ANYTIME and verb != "STARTTLS" and not state.greeted:
        return _x(Verdict.OUT_OF_SEQUENCE, (503,), "seq.need_ehlo", verb)
    if verb == "STARTTLS":
        return _starttls(state, caps)
    if state.tls_required and not state.tls and verb not in TLS_EXEMPT:
        return _x(Verdict.NEEDS_TLS, (530,), "needs_tls.required", verb)
    if verb == "AUTH":
        return _auth(state, caps, args)
    if state.auth_required and not state.authenticated and verb not in AUTH_EXEMPT:
        return _x(Verdict.NEEDS_AUTH, (530,), "needs_auth.required", verb)
    return _RULES.get(verb, _simple)(state, caps, verb, args)


def _auth_response(line: str) -> Expectation:
    text = line.strip()
    if text == "*":
        return _x(Verdict.LEGAL, (501,), "ok.auth_cancel", None)
    if text == "" or is_base64(text):
        return _x(Verdict.LEGAL, (334, 235, 535), "ok.auth_response", None)
    return _x(Verdict.SYNTAX, (501,), "syntax.auth_b64", None)


def _content(line: str) -> Expectation:
    if line.rstrip("\r\n") == ".":
        return _x(Verdict.LEGAL, (250, 554, 552, 451, 550), "ok.data_end", None)
    if line.startswith(".") and not line.startswith(".."):
        return _x(Verdict.LEGAL, (), "warn.dot_stuffing", None)
    return _x(Verdict.LEGAL, (), "ok.data_line", None)


def _starttls(state: SessionState, caps: Capabilities | None) -> Expectation:
    v = "STARTTLS"
    if state.tls:
        return _x(Verdict.ALREADY_DONE, (503, 554), "done.starttls", v)
    if not state.greeted:
        return _x(Verdict.OUT_OF_SEQUENCE, (503,), "seq.need_ehlo", v)
    if not state.esmtp:
        return _x(Verdict.NOT_OFFERED, (502, 500), "offer.helo", v)
    if caps is not None and not caps.starttls:
        return _x(Verdict.NOT_OFFERED, (502, 500, 454), "offer.starttls", v)
    if state.in_transaction:
        return _x(Verdict.OUT_OF_SEQUENCE, (503,), "seq.starttls_in_transaction", v)
    return _x(Verdict.LEGAL, (220,), "ok.starttls", v)


def _auth(state: SessionState, caps: Capabilities | None, args: str) -> Expectation:
    v = "AUTH"
    parts = args.split()
    mech = parts[0].upper()
    if state.authenticated:
        return _x(Verdict.ALREADY_DONE, (503,), "done.auth", v)
    if state.in_transaction:
        return _x(Verdict.OUT_OF_SEQUENCE, (503,), "seq.auth_in_transaction", v)
    if not state.esmtp:
        return _x(Verdict.NOT_OFFERED, (502, 500, 503), "offer.helo", v)
    if caps is not None and not caps.has("AUTH"):
        if caps.starttls and not state.tls:
            return _x(Verdict.NEEDS_TLS, (503, 502, 530, 538), "needs_tls.auth_hidden", v)
        return _x(Verdict.NOT_OFFERED, (502, 503), "offer.auth", v)
    if caps is not None and mech not in caps.auth_mechanisms:
        offered = " ".join(caps.auth_mechanisms)
        return _x(Verdict.NOT_OFFERED, (504,), "offer.mechanism", v, mech=mech, offered=offered)
    if len(parts) > 1 and parts[1] != "=" and not is_base64(parts[1]):
        return _x(Verdict.SYNTAX, (501,), "syntax.auth_b64", v)
    codes = (235, 535) if len(parts) > 1 else (334,)
    if mech in ("PLAIN", "LOGIN") and not state.tls:
        return _x(Verdict.LEGAL, codes, "warn.auth_cleartext", v, mech=mech)
    return _x(Verdict.LEGAL, codes, "ok.auth", v, mech=mech)


def _params(caps: Capabilities | None, verb: str, params: str) -> Expectation | None:
    """Check MAIL/RCPT parameters against what the server offered."""
    for item in params.split():
        name, _, value = item.partition("=")
        name = name.upper()
        ext = extension_for_parameter(name)
        if name == "BODY" and value.upper() == "BINARYMIME":
            ext = "BINARYMIME"
        if caps is not None and not caps.has(ext):
            return _x(Verdict.NOT_OFFERED, (555, 501), "offer.param", verb, param=name, keyword=ext)
        if name == "SIZE" and caps is not None and value.isdigit():
            limit = caps.size
            if limit and int(value) > limit:
                return _x(
                    Verdict.EXCEEDS_LIMIT, (552,), "limit.size", verb, size=value, limit=limit
                )
    return None


def _mail(state: SessionState, caps: Capabilities | None, verb: str, args: str) -> Expectation:
    if state.in_transaction:
        return _x(Verdict.OUT_OF_SEQUENCE, (503,), "seq.nested_mail", verb)
    m = _MAIL_RE.match(f"MAIL {args}")
    if m is None:
        return _x(Verdict.SYNTAX, (501, 553), "syntax.mail", verb)
    problem = _params(caps, verb, m.group(2))
    return problem or _x(Verdict.LEGAL, (250,), "ok.mail", verb)


def _rcpt(state: SessionState, caps: Capabilities | None, verb: str, args: str) -> Expectation:
    if state.state is State.BDAT:
        return _x(Verdict.OUT_OF_SEQUENCE, (503,), "seq.rcpt_in_bdat", verb)
    if state.state not in (State.MAIL, State.RCPT):
        return _x(Verdict.OUT_OF_SEQUENCE, (503,), "seq.need_mail", verb)
    m = _RCPT_RE.match(f"RCPT {args}")
    if m is None or not ("@" in m.group(1) or m.group(1).lower() == "postmaster"):
        return _x(Verdict.SYNTAX, (501, 553), "syntax.rcpt", verb)
    problem = _params(caps, verb, m.group(2))
    if problem:
        return problem
    limit = (caps.limits.get("RCPTMAX", "") if caps is not None else "") or ""
    if limit.isdigit() and state.recipients >= int(limit):
        return _x(Verdict.EXCEEDS_LIMIT, (452,), "limit.rcptmax", verb, limit=limit)
    return _x(Verdict.LEGAL, (250, 251), "ok.rcpt", verb)


def _data(state: SessionState, caps: Capabilities | None, verb: str, args: str) -> Expectation:
    if state.state is State.BDAT:
        return _x(Verdict.OUT_OF_SEQUENCE, (503,), "seq.data_after_bdat", verb)
    if state.state is State.MAIL:
        return _x(Verdict.OUT_OF_SEQUENCE, (503, 554), "seq.need_rcpt", verb)
    if state.state is not State.RCPT:
        return _x(Verdict.OUT_OF_SEQUENCE, (503,), "seq.need_mail", verb)
    return _x(Verdict.LEGAL, (354,), "ok.data", verb)


def _bdat(state: SessionState, caps: Capabilities | None, verb: str, args: str) -> Expectation:
    if not state.esmtp:
        return _x(Verdict.NOT_OFFERED, (500, 502), "offer.helo", verb)
    if caps is not None and not caps.chunking:
        return _x(Verdict.NOT_OFFERED, (500, 502), "offer.chunking", verb)
    m = _BDAT_RE.match(f"BDAT {args}")
    if m is None:
        return _x(Verdict.SYNTAX, (501,), "syntax.bdat", verb)
    if state.chunk_failed:
        return _x(Verdict.OUT_OF_SEQUENCE, (503,), "seq.bdat_failed", verb)
    if state.state is State.MAIL:
        return _x(Verdict.OUT_OF_SEQUENCE, (503, 554), "seq.need_rcpt", verb)
    if state.state not in (State.RCPT, State.BDAT):
        return _x(Verdict.OUT_OF_SEQUENCE, (503,), "seq.need_mail", verb)
    return _x(
        Verdict.LEGAL, (250,), "ok.bdat_last" if m.group(2) else "ok.bdat", verb, size=m.group(1)
    )


def _ehlo(state: SessionState, caps: Capabilities | None, verb: str, args: str) -> Expectation:
    if state.in_transaction:
        return _x(Verdict.LEGAL, (250,), "warn.ehlo_reset", verb)
    return _x(Verdict.LEGAL, (250,), f"ok.{verb.lower()}", verb)


_LEGAL_CODES = {
    "RSET": (250,),
    "NOOP": (250,),
    "QUIT": (221,),
    "HELP": (214, 211, 502),
    "VRFY": (252, 250, 502, 550),
    "EXPN": (502, 252, 250, 550),
}


def _simple(state: SessionState, caps: Capabilities | None, verb: str, args: str) -> Expectation:
    return _x(Verdict.LEGAL, _LEGAL_CODES.get(verb, (250,)), f"ok.{verb.lower()}", verb)


_RULES = {
    "MAIL": _mail,
    "RCPT": _rcpt,
    "DATA": _data,
    "BDAT": _bdat,
    "EHLO": _ehlo,
    "HELO": _ehlo,
}
