"""Basic SMTP reply codes (RFC 5321 §4.2, RFC 4954, RFC 3207, RFC 7504).

A three-digit code does not always mean one thing: ``220`` greets a new
connection but also says "go ahead with TLS" after STARTTLS; ``530`` is "log in
first" (RFC 4954) or "STARTTLS first" (RFC 3207); ``500 5.5.6`` is an AUTH
line that was too long. So the table holds *variants*, each optionally tied to
the command it answers, to an enhanced code, or to words in the reply text, and
:func:`lookup_basic` picks the most specific one.

Codes nobody registered (``571`` from old IIS boxes, ``421``'s odd cousins) are
still explained from their digits (RFC 5321 §4.2.1) by :func:`structure`.
Texts live in the catalogue under ``basic.<key>.*`` and ``digit.*``.
"""

from __future__ import annotations

from dataclasses import dataclass

from smtptui.i18n import t, tl
from smtptui.reference.patterns import LazyPattern, lazy_re

KINDS: dict[int, str] = {
    1: "preliminary",
    2: "success",
    3: "intermediate",
    4: "transient",
    5: "permanent",
}

#: Where a reply can appear: the connection greeting, a command verb, the reply
#: after the final "." of DATA, or any command at all.
PHASES: tuple[str, ...] = (
    "connect", "EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA",
    "data-end", "BDAT", "RSET", "NOOP", "VRFY", "EXPN", "HELP", "QUIT", "any",
)  # fmt: skip


def kind_of(code: int) -> str:
    """``success`` / ``intermediate`` / ``transient`` / ``permanent`` (as ``Reply.kind``)."""
    return KINDS.get(code // 100, "unknown")


@dataclass(frozen=True, slots=True)
class BasicCode:
    """One meaning of a basic reply code.

    ``commands``/``enhanced``/``text`` select a variant (key ``"530.tls"``),
    ``unless`` rules it out (452 after RCPT is "too many recipients" unless the
    text speaks of storage);
    on the general meaning (key ``"530"``) ``enhanced`` is just the code the
    RFC pairs it with (``535`` → ``5.7.8``).
    """

    code: int
    key: str
    phases: tuple[str, ...]
    rfc: tuple[str, ...]
    enhanced: str | None = None
    commands: tuple[str, ...] = ()
    text: LazyPattern | None = None
    unless: LazyPattern | None = None

    @property
    def kind(self) -> str:
        return kind_of(self.code)

    @property
    def general(self) -> bool:
        """The code's main meaning (``"530"``), not a variant (``"530.tls"``)."""
        return "." not in self.key

    def title(self, lang: str | None = None) -> str:
        return t(f"basic.{self.key}.title", lang)

    def explanation(self, lang: str | None = None) -> str:
        return t(f"basic.{self.key}.text", lang)

    def next_steps(self, lang: str | None = None) -> tuple[str, ...]:
        return tl(f"basic.{self.key}.next", lang)

    def label(self, lang: str | None = None) -> str:
        """``530`` or ``530 5.7.0 (STARTTLS)``: how the list shows this variant."""
        parts = [str(self.code)]
        if self.enhanced:
            parts.append(self.enhanced)
        if not self.general:
            parts.append(f"({t(f'basic.{self.key}.variant', lang)})")
        return " ".join(parts)


_re = lazy_re  # compiled when first used (the dashboard's table uses none)


_ANY = ("any",)
_STORAGE = r"storage|disk|space|quota|full|size|too (big|large)"
_TX = ("MAIL", "RCPT", "DATA", "data-end", "BDAT")

BASIC_CODES: tuple[BasicCode, ...] = (
    BasicCode(211, "211", ("HELP",), ("RFC 5321 §4.2.2",)),
    BasicCode(214, "214", ("HELP",), ("RFC 5321 §4.2.2", "RFC 5321 §4.3.2")),
    BasicCode(220, "220", ("connect",), ("RFC 5321 §3.1", "RFC 5321 §4.2.3")),
    BasicCode(
        220, "220.starttls", ("STARTTLS",), ("RFC 3207 §4",), "2.0.0", ("STARTTLS",),
        _re(r"\btls\b|ssl|starttls|negotiation"),
    ),
    BasicCode(221, "221", ("QUIT",), ("RFC 5321 §4.1.1.10",), "2.0.0"),
    BasicCode(235, "235", ("AUTH",), ("RFC 4954 §6",), "2.7.0"),
    BasicCode(
        250, "250",
        ("EHLO", "HELO", "MAIL", "RCPT", "data-end", "BDAT", "RSET", "NOOP", "VRFY"),
        ("RFC 5321 §4.2.2", "RFC 5321 §4.3.2"),
    ),
    BasicCode(251, "251", ("RCPT", "VRFY"), ("RFC 5321 §3.4", "RFC 5321 §4.2.2")),
    BasicCode(252, "252", ("VRFY", "EXPN"), ("RFC 5321 §3.5.3", "RFC 5321 §7.3")),
    BasicCode(334, "334", ("AUTH",), ("RFC 4954 §4",)),
    BasicCode(354, "354", ("DATA",), ("RFC 5321 §4.1.1.4", "RFC 5321 §4.5.2")),
    BasicCode(421, "421", ("connect", "any"), ("RFC 5321 §3.8", "RFC 5321 §4.2.3")),
    BasicCode(432, "432", ("AUTH",), ("RFC 4954 §6",), "4.7.12"),
    BasicCode(450, "450", ("MAIL", "RCPT", "data-end"), ("RFC 5321 §4.2.3", "RFC 5321 §4.3.2")),
    BasicCode(451, "451", (*_TX,), ("RFC 5321 §4.2.3", "RFC 5321 §4.3.2")),
    BasicCode(452, "452", ("MAIL", "RCPT", "data-end"), ("RFC 5321 §4.2.3", "RFC 5321 §4.5.3.1.10")),
    BasicCode(454, "454", ("STARTTLS", "AUTH"), ("RFC 3207 §4", "RFC 4954 §6")),
    BasicCode(
        454, "454.starttls", ("STARTTLS",), ("RFC 3207 §4",), None, ("STARTTLS",),
        _re(r"\btls\b|ssl|starttls"),
    ),
    BasicCode(
        454, "454.auth", ("AUTH",), ("RFC 4954 §6",), "4.7.0", ("AUTH",),
        _re(r"auth"),
    ),
    BasicCode(
        452, "452.rcpt", ("RCPT",), ("RFC 5321 §4.5.3.1.10",), "4.5.3", ("RCPT",),
        _re(r"recipient"), _re(_STORAGE),
    ),
    BasicCode(455, "455", ("MAIL", "RCPT"), ("RFC 5321 §4.2.3", "RFC 5321 §4.3.2")),
    BasicCode(500, "500", _ANY, ("RFC 5321 §4.2.3", "RFC 5321 §4.3.2")),
    BasicCode(
        500, "500.auth", ("AUTH",), ("RFC 4954 §4", "RFC 4954 §6"), "5.5.6", ("AUTH",),
        _re(r"too long"),
    ),
    BasicCode(501, "501", _ANY, ("RFC 5321 §4.2.3", "RFC 5321 §4.3.2")),
    BasicCode(501, "501.starttls", ("STARTTLS",), ("RFC 3207 §4",), None, ("STARTTLS",)),
    BasicCode(
        501, "501.auth", ("AUTH",), ("RFC 4954 §4",), None, ("AUTH",),
        _re(r"base64|decode|cancel"),
    ),
    BasicCode(502, "502", _ANY, ("RFC 5321 §4.2.3", "RFC 5321 §4.2.4")),
    BasicCode(503, "503", _ANY, ("RFC 5321 §4.1.4", "RFC 5321 §4.2.3")),
    BasicCode(
        504, "504", ("EHLO", "HELO", "VRFY", "EXPN", "HELP", "AUTH"),
        ("RFC 5321 §4.2.3", "RFC 4954 §4"),
    ),
    BasicCode(521, "521", ("connect", "any"), ("RFC 7504",), "5.3.2"),
    BasicCode(530, "530", ("MAIL", "RCPT", "DATA", "any"), ("RFC 4954 §6", "RFC 3207 §4")),
    BasicCode(
        530, "530.auth", ("MAIL", "RCPT", "DATA", "any"), ("RFC 4954 §6",), "5.7.0", (),
        _re(r"auth|log ?in|sign ?in|credential"),
    ),
    BasicCode(
        530, "530.tls", ("MAIL", "RCPT", "AUTH", "any"), ("RFC 3207 §4",), "5.7.0", (),
        _re(r"starttls|\btls\b|\bssl\b|encrypt"),
    ),
    BasicCode(534, "534", ("AUTH",), ("RFC 4954 §6",), "5.7.9"),
    BasicCode(535, "535", ("AUTH",), ("RFC 4954 §6",), "5.7.8"),
    BasicCode(538, "538", ("AUTH",), ("RFC 4954 §6",), "5.7.11"),
    BasicCode(
        550, "550", ("MAIL", "RCPT", "data-end", "VRFY", "EXPN"),
        ("RFC 5321 §4.2.3", "RFC 5321 §4.3.2"),
    ),
    BasicCode(551, "551", ("RCPT", "VRFY"), ("RFC 5321 §3.4", "RFC 5321 §4.2.3")),
    BasicCode(552, "552", ("MAIL", "RCPT", "data-end", "BDAT"), ("RFC 5321 §4.2.3", "RFC 5321 §4.5.3.1.10")),
    BasicCode(
        552, "552.rcpt", ("RCPT",), ("RFC 5321 §4.5.3.1.10",), None, ("RCPT",),
        _re(r"recipient"), _re(_STORAGE),
    ),
    BasicCode(553, "553", ("MAIL", "RCPT", "VRFY"), ("RFC 5321 §4.2.3", "RFC 5321 §4.3.2")),
    BasicCode(554, "554", ("RCPT", "DATA", "data-end", "BDAT"), ("RFC 5321 §4.2.3", "RFC 5321 §4.3.2")),
    BasicCode(554, "554.connect", ("connect",), ("RFC 5321 §3.1", "RFC 5321 §4.3.2"), None, ("connect",)),
    BasicCode(555, "555", ("MAIL", "RCPT"), ("RFC 5321 §4.1.1.11", "RFC 5321 §4.2.3")),
    BasicCode(556, "556", ("RCPT",), ("RFC 7504", "RFC 7505"), "5.1.10"),
)  # fmt: skip


def codes() -> tuple[int, ...]:
    """Every basic code the table knows, ascending."""
    return tuple(sorted({c.code for c in BASIC_CODES}))


def variants(code: int) -> tuple[BasicCode, ...]:
    """All meanings of ``code``, the general one first."""
    found = [c for c in BASIC_CODES if c.code == code]
    return tuple(sorted(found, key=lambda c: not c.general))


def lookup_basic(
    code: int,
    command: str | None = None,
    enhanced: object | None = None,
    text: str | None = None,
) -> BasicCode | None:
    """The best-fitting meaning of ``code``, or ``None`` if it is not registered.

    ``command`` is the verb (or phase such as ``connect``) the reply answers,
    ``enhanced`` the enhanced code (``EnhancedCode`` or ``"5.7.0"``), ``text``
    the reply text. A variant is chosen only when something it is tied to
    matches; otherwise the general meaning is returned.
    """
    found = variants(code)
    if not found:
        return None
    verb = command.upper() if command and command != "connect" else command
    enh = str(enhanced) if enhanced is not None else None
    tied = [c.enhanced for c in found if c.enhanced and not c.general]
    best, best_score = found[0], 0
    for cand in found:
        if cand.general:
            continue
        if cand.unless is not None and text and cand.unless.search(text):
            continue
        score = 0
        if cand.commands:
            if verb and verb not in cand.commands:
                continue
            if verb:
                score += 4
        if cand.text is not None and text and cand.text.search(text):
            score += 2
        # An enhanced code only decides when no other variant shares it
        # (530 5.7.0 is both "log in first" and "STARTTLS first").
        if cand.enhanced and enh == cand.enhanced and tied.count(enh) == 1:
            score += 1
        if score > best_score:
            best, best_score = cand, score
    return best


@dataclass(frozen=True, slots=True)
class Structure:
    """What each digit of a reply code says (RFC 5321 §4.2.1)."""

    code: int
    first: str
    second: str
    third: str

    def lines(self) -> tuple[str, str, str]:
        return (self.first, self.second, self.third)


def structure(code: int, lang: str | None = None) -> Structure:
    """Explain ``code`` digit by digit; works for any 100–599 code, registered or not."""
    if not 100 <= code <= 599:
        raise ValueError(f"{code} is not an SMTP reply code (they run from 100 to 599)")
    d1, d2, d3 = (int(c) for c in f"{code:03d}")
    first = t(f"digit.first.{d1}", lang, digit=d1)
    second_key = f"digit.second.{d2}" if d2 <= 5 else "digit.second.other"
    second = t(second_key, lang, digit=d2)
    third = t("digit.third", lang, digit=d3)
    return Structure(code, first, second, third)


def structure_title(code: int, lang: str | None = None) -> str:
    """A title for an unregistered code, built from its first digit."""
    return t("digit.unregistered.title", lang, code=code, kind=t(f"kind.{kind_of(code)}", lang))
