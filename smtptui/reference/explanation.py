"""``explain``: everything we know about one reply, in the user's language.

It combines the basic code (the variant that fits the command it answered),
the enhanced code (IANA registry), a vendor's own meaning (when the host or
the text identifies one), a hint for this phase of the session, a mismatch
check and the RFC references. The TUI's reference pane, the transcript's
tooltips and ``smtptui explain`` all render this one value.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from smtptui.i18n import resolve_lang, t
from smtptui.protocol.errors import ProtocolError
from smtptui.protocol.reply import EnhancedCode, Reply, ReplyParser
from smtptui.protocol.text import escape_text
from smtptui.reference import codes as basic
from smtptui.reference.commands import verb_of
from smtptui.reference.enhanced import find_mismatch, lookup_enhanced
from smtptui.reference.hints import find_hint, queue_id
from smtptui.reference.states import State
from smtptui.reference.vendors import match_vendor, vendor_for_host, vendor_for_text

if TYPE_CHECKING:
    from smtptui.reference.states import SessionState


@dataclass(frozen=True, slots=True)
class ExplainContext:
    """Where the reply was seen: the command it answered (``"RCPT TO:<x>"``,
    ``"."`` for the end of DATA, ``"connect"`` for the greeting), the host
    we talked to, and/or the session state before the reply."""

    command: str | None = None
    host: str | None = None
    state: SessionState | None = None


@dataclass(frozen=True, slots=True)
class Explanation:
    """A reply explained. ``code`` is ``None`` when only an enhanced code was
    given; ``phases``/``phase`` are phase ids (``MAIL``, ``data-end`` …; see
    ``codes.PHASES``), the rest is text in ``lang``."""

    code: int | None
    enhanced: str | None
    kind: str
    title: str
    explanation: str
    phases: tuple[str, ...]
    next_steps: tuple[str, ...]
    mismatch: str | None
    vendor: str | None
    vendor_title: str | None = None
    vendor_note: str | None = None
    hint: str | None = None
    rfc: tuple[str, ...] = ()
    enhanced_title: str | None = None
    enhanced_explanation: str | None = None
    mismatch_severity: str | None = None
    registered: bool = True
    structure: tuple[str, ...] = ()
    phase: str | None = None
    text: str | None = None
    decoded: str | None = None
    lang: str = "en"
    extensions: tuple[str, ...] = ()  # after EHLO: each known extension offered, explained

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: tuples become lists, nothing else changes."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


class InputError(ValueError):
    """Input ``explain`` cannot read. ``str()`` is English; :meth:`message`
    gives the sentence in the user's language (the CLI prints that)."""

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = values
        super().__init__(t(key, "en", **values))

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.values)


_CODE_RE = re.compile(r"\d{3}")
_ENHANCED_RE = re.compile(r"[245]\.\d{1,3}\.\d{1,3}")
_LINE_RE = re.compile(r"\d{3}(?:[ -]|$)")


def parse_input(
    value: Reply | str | int,
) -> tuple[int | None, EnhancedCode | None, str, Reply | None]:
    """``(code, enhanced, text, reply)`` from a Reply, ``535``, ``"535"``,
    ``"5.7.8"`` or a reply line; ``ValueError`` with a user-facing sentence
    for anything else."""
    if isinstance(value, Reply):
        return value.code, value.enhanced, value.text, value
    if isinstance(value, bool):
        raise InputError("ui.error.not_a_code", value=value)
    if isinstance(value, int):
        _check_range(value)
        return value, None, "", None
    s = value.strip()
    if _CODE_RE.fullmatch(s):
        _check_range(int(s))
        return int(s), None, "", None
    if _ENHANCED_RE.fullmatch(s):
        return None, EnhancedCode.parse(s), "", None
    if _LINE_RE.match(s):
        rep = _parse_reply_text(s)
        return rep.code, rep.enhanced, rep.text, rep
    raise InputError("ui.error.not_a_code", value=value)


def _check_range(code: int) -> None:
    if not 100 <= code <= 599:
        raise InputError("ui.error.out_of_range", code=code)


def _parse_reply_text(s: str) -> Reply:
    # Only LF separates lines: a form feed or U+2028 inside a reply is text.
    lines = [line.rstrip("\r") for line in s.split("\n")]
    # A line copied out of a multi-line reply ("534-5.7.9 ...") ends the reply.
    if lines[-1][3:4] == "-":
        lines[-1] = lines[-1][:3] + " " + lines[-1][4:]
    try:
        replies = ReplyParser().feed("".join(f"{ln}\r\n" for ln in lines).encode())
    except ProtocolError as exc:
        raise InputError("ui.error.bad_reply", reason=exc) from None
    if len(replies) != 1:
        raise InputError("ui.error.one_reply")
    _check_range(replies[0].code)
    return replies[0]


def decode_auth_challenge(b64_text: str) -> str | None:
    """The text of a base64 ``334`` challenge (``VXNlcm5hbWU6`` → ``Username:``;
    aiosmtpd's ``VXNlciBOYW1lAA==`` → ``User Name``).

    ``None`` when it is not valid base64 or not printable text (binary SASL
    tokens stay encoded). XOAUTH2's error challenge decodes to JSON such as
    ``{"status":"400","schemes":"Bearer","scope":"https://mail.google.com/"}``.
    """
    text = b64_text.strip()
    if not text:
        return None
    try:
        raw = base64.b64decode(text, validate=True)
        decoded = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    # aiosmtpd (and other servers in C heritage) NUL-terminate: "User Name\0".
    decoded = decoded.rstrip("\x00")
    if not decoded or not decoded.isprintable():
        return None
    return decoded


def xoauth2_error(decoded: str | None) -> dict[str, str] | None:
    """The fields of an XOAUTH2 JSON error challenge, or ``None``."""
    if not decoded or not decoded.startswith("{"):
        return None
    try:
        data = json.loads(decoded)
    except ValueError:
        return None
    if not isinstance(data, dict) or "status" not in data:
        return None
    return {str(k): str(v) for k, v in data.items()}


def _phase(context: ExplainContext | None, code: int | None) -> str | None:
    if context is None:
        return None
    state = context.state
    if state is not None:
        if state.state is State.DISCONNECTED:
            return "connect"
        if state.state is State.DATA:
            return "data-end"
        if state.state is State.AUTH:
            return "AUTH"
    if not context.command:
        return None
    cmd = context.command.strip()
    if cmd == "." or cmd.lower() in ("data-end", "end-of-data"):
        return "data-end"
    if cmd.lower() in ("connect", "greeting", "banner"):
        return "connect"
    verb = verb_of(cmd)
    if verb == "DATA" and code is not None and code // 100 == 2:
        return "data-end"
    return verb


def _dedupe(items: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in items if i))


def _dedupe_rfc(refs: list[str]) -> tuple[str, ...]:
    """Unique references; a bare ``RFC 4954`` is dropped when ``RFC 4954 §6`` is there."""
    unique = _dedupe(refs)
    return tuple(r for r in unique if "§" in r or not any(o.startswith(r + " §") for o in unique))


def explain(
    reply: Reply | str | int,
    context: ExplainContext | None = None,
    lang: str | None = None,
) -> Explanation:
    """Explain a reply (``Reply``, a reply line, ``535`` or ``"5.7.8"``).

    ``ValueError`` (one sentence, safe to show) when ``reply`` is none of these
    or ``lang`` is not supported.
    """
    lang = resolve_lang(lang)
    code, enh, text, _ = parse_input(reply)
    phase = _phase(context, code)
    host = context.host if context else None
    enh_str = str(enh) if enh else None
    enh_info = lookup_enhanced(enh) if enh else None
    vendor_rule = match_vendor(code, enh, text, host)
    vendor_obj = vendor_for_host(host) or vendor_for_text(text)
    vendor_id = vendor_rule.vendor if vendor_rule else (vendor_obj.id if vendor_obj else None)

    # A representative basic code when only an enhanced code was given.
    rep_code = code
    if rep_code is None and vendor_rule and vendor_rule.code:
        rep_code = vendor_rule.code
    if rep_code is None and enh_info is not None:
        d = enh_info.detail
        rep_code = d.associated[0] if d and d.associated else enh_info.code.klass * 100 + 50

    variant = basic.lookup_basic(rep_code, phase, enh, text) if rep_code else None
    rfc: list[str] = list(variant.rfc) if variant else ["RFC 5321 §4.2.1"]

    if code is not None:
        kind = basic.kind_of(code)
        title = variant.title(lang) if variant else basic.structure_title(code, lang)
        body = (
            variant.explanation(lang) if variant else t("digit.unregistered.text", lang, code=code)
        )
    else:
        assert enh_info is not None
        kind = enh_info.kind
        unknown = not enh_info.registered and vendor_rule is not None
        title = vendor_rule.title(lang) if unknown and vendor_rule else enh_info.title(lang)
        body = enh_info.explanation(lang)
        rfc = []

    if enh_info is not None:
        rfc.extend(enh_info.rfc)
    mismatch = find_mismatch(code, enh) if code is not None and enh else None
    if mismatch:
        rfc.append(mismatch.rfc)

    # A vendor's steps are the specific ones; keep only the first general step.
    next_steps: list[str] = []
    general = list(variant.next_steps(lang)) if variant else []
    if vendor_rule:
        next_steps.extend(vendor_rule.next_steps(lang))
        general = general[:1]
    next_steps.extend(general)

    decoded = decode_auth_challenge(text) if code == 334 else None
    hint = _hint_text(rep_code, phase, enh_str, text, vendor_id, decoded, lang)
    extensions = (
        _extensions_offered(reply, lang)
        if isinstance(reply, Reply) and code == 250 and phase == "EHLO"
        else ()
    )

    return Explanation(
        code=code,
        enhanced=enh_str,
        kind=kind,
        title=title,
        explanation=body,
        phases=variant.phases if variant else (),
        next_steps=_dedupe(next_steps),
        mismatch=mismatch.message(lang) if mismatch else None,
        vendor=vendor_rule.vendor_name(lang) if vendor_rule else None,
        vendor_title=vendor_rule.title(lang) if vendor_rule else None,
        vendor_note=vendor_rule.explanation(lang) if vendor_rule else None,
        hint=hint,
        rfc=_dedupe_rfc(rfc),
        enhanced_title=enh_info.title(lang) if enh_info and code is not None else None,
        enhanced_explanation=enh_info.explanation(lang) if enh_info and code is not None else None,
        mismatch_severity=mismatch.severity if mismatch else None,
        registered=variant is not None
        if code is not None
        else bool(enh_info and enh_info.registered),
        structure=basic.structure(code, lang).lines() if code is not None else (),
        phase=phase,
        text=escape_text(text) if text else None,
        decoded=decoded,
        lang=lang,
        extensions=extensions,
    )


def _extensions_offered(reply: Reply, lang: str) -> tuple[str, ...]:
    """``PIPELINING — commands sent in groups …`` for every extension of the
    one table the EHLO reply lists (what the capabilities mean)."""
    from smtptui.protocol.capabilities import EXTENSIONS, Capabilities

    caps = Capabilities.from_ehlo(reply)
    return tuple(
        f"{ext.keyword} — {t(f'ext.{ext.keyword}', lang)}"
        for ext in EXTENSIONS
        if caps.has(ext.keyword)
    )


def _hint_text(
    code: int | None,
    phase: str | None,
    enhanced: str | None,
    text: str,
    vendor: str | None,
    decoded: str | None,
    lang: str,
) -> str | None:
    if code == 334:
        error = xoauth2_error(decoded)
        if error is not None:
            return t(
                "hint.auth_xoauth2_error",
                lang,
                status=error.get("status", "?"),
                scope=error.get("scope", "?"),
            )
        if decoded is not None:
            return t("hint.auth_challenge", lang, decoded=escape_text(decoded))
        key = "hint.auth_challenge_empty" if not text.strip() else "hint.auth_challenge_raw"
        return t(key, lang)
    found = find_hint(code, phase, enhanced, text, vendor)
    if found is None:
        return None
    values: dict[str, object] = {"command": phase or "", "vendor": vendor or ""}
    if found.key == "queued":
        qid = queue_id(text)
        return found.message(lang) + (" " + t("hint.queue_id", lang, id=qid) if qid else "")
    return found.message(lang, **values)
