"""Phase-specific hints: what *this* reply means at *this* point of the session.

``530 5.7.0`` says "access denied"; after MAIL it means "this server wants
STARTTLS or AUTH before it takes mail". ``550 5.1.1`` after RCPT means the
mailbox does not exist. The table is ordered: the first rule whose conditions
all hold wins, so specific rules come before general ones. Texts live in the
catalogue under ``hint.<key>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from smtptui.i18n import t


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Hint:
    """One rule. ``codes``: basic codes (or first digits 2–5 for a whole class);
    ``phases``: verbs / ``connect`` / ``data-end`` (empty = any phase);
    ``enhanced``: regex on ``5.7.8``; ``text``: regex on the reply text;
    ``vendors``: vendor ids (the reply must come from one of them)."""

    key: str
    codes: frozenset[int]
    phases: frozenset[str] = frozenset()
    enhanced: re.Pattern[str] | None = None
    text: re.Pattern[str] | None = None
    vendors: frozenset[str] = frozenset()

    def matches(
        self,
        code: int | None,
        phase: str | None,
        enhanced: str | None,
        text: str,
        vendor: str | None,
    ) -> bool:
        if self.codes and code not in self.codes and (code or 0) // 100 not in self.codes:
            return False
        if self.phases and phase not in self.phases:
            return False
        if self.enhanced is not None and not (enhanced and self.enhanced.fullmatch(enhanced)):
            return False
        if self.text is not None and not self.text.search(text):
            return False
        return not self.vendors or vendor in self.vendors

    def message(self, lang: str | None = None, **values: object) -> str:
        return t(f"hint.{self.key}", lang, **values)


def _h(
    key: str,
    codes: tuple[int, ...] = (),
    phases: tuple[str, ...] = (),
    enhanced: str | None = None,
    text: str | None = None,
    vendors: tuple[str, ...] = (),
) -> Hint:
    return Hint(
        key,
        frozenset(codes),
        frozenset(phases),
        re.compile(enhanced) if enhanced else None,
        _re(text) if text else None,
        frozenset(vendors),
    )


_TX = ("MAIL", "RCPT", "DATA", "BDAT", "data-end")
_AUTH_WORDS = r"auth|log ?in|sign ?in|credential"
_TLS_WORDS = r"starttls|\btls\b|\bssl\b|encrypt"

HINTS: tuple[Hint, ...] = (
    # -- greeting ------------------------------------------------------------
    _h("greeting_ok", (220,), ("connect",)),
    _h("greeting_refused", (554, 521), ("connect",)),
    _h("greeting_busy", (421,), ("connect",)),
    _h("closing", (421,)),
    _h("bye", (221,)),
    # -- STARTTLS ------------------------------------------------------------
    _h("starttls_go", (220,), ("STARTTLS",)),
    _h("starttls_missing", (500, 502), ("STARTTLS",)),
    _h("starttls_temporary", (454,), ("STARTTLS",)),
    _h("starttls_again", (503, 554), ("STARTTLS",), text=r"already|active"),
    # -- AUTH ----------------------------------------------------------------
    _h("auth_code", (535,), vendors=("tencent", "netease")),
    _h("auth_challenge", (334,)),
    _h("auth_ok", (235,)),
    _h("auth_app_password", (534,)),
    _h("auth_bad_credentials", (535,)),
    _h("auth_needs_tls", (538,)),
    _h("auth_needs_tls", (530,), ("AUTH",), text=_TLS_WORDS),
    _h("auth_temporary", (454,), ("AUTH",)),
    _h("auth_line_too_long", (500,), ("AUTH",), enhanced=r"5\.5\.6"),
    _h("auth_bad_base64", (501,), ("AUTH",)),
    _h("auth_unknown_mechanism", (504,), ("AUTH",)),
    _h("auth_already", (503,), ("AUTH",), text=r"already"),
    _h("auth_not_enabled", (502, 503, 500), ("AUTH",)),
    _h("auth_transition", (432,)),
    # -- access policy before a transaction ----------------------------------
    _h("starttls_first", (530,), (), text=_TLS_WORDS),
    _h("auth_first", (530,), (), text=_AUTH_WORDS),
    _h("auth_first", (553, 503, 550), ("MAIL", "RCPT"), text=r"auth\w* (is )?required|AUTH first"),
    _h("tls_or_auth_first", (530,)),
    # -- envelope ------------------------------------------------------------
    _h("helo_rejected", (5,), ("EHLO", "HELO"), text=r"fully.qualified|hostname|helo"),
    _h("ehlo_unsupported", (500, 502), ("EHLO",)),
    _h("need_ehlo", (503,), ("MAIL", "RCPT", "DATA"), text=r"helo|ehlo"),
    _h("nested_mail", (503,), ("MAIL",), text=r"nested|already"),
    _h("need_mail", (503,), ("RCPT",)),
    _h("need_rcpt", (503, 554), ("DATA", "BDAT"), text=r"recipient|rcpt"),
    _h("bad_sequence", (503,)),
    _h("sender_syntax", (501, 553), ("MAIL",), enhanced=r"5\.1\.[37]"),
    _h("sender_syntax", (501,), ("MAIL",)),
    _h("sender_rejected", (550, 553, 554), ("MAIL",)),
    _h("relay_denied", (550, 551, 553, 554), ("RCPT",), text=r"relay"),
    _h("relay_denied", (554, 550), ("RCPT",), enhanced=r"5\.7\.1"),
    _h("mailbox_unknown", (550, 551, 553), ("RCPT",), enhanced=r"5\.1\.[16]"),
    _h(
        "mailbox_unknown", (550,), ("RCPT",),
        text=r"user unknown|unknown user|no such user|does not exist|not found|mailbox unavailable",
    ),
    _h("rcpt_syntax", (501, 553), ("RCPT",)),
    _h("mailbox_full", (452, 552, 450), (), enhanced=r"[45]\.2\.2"),
    _h("greylisted", (450, 451), ("RCPT", "MAIL", "DATA", "data-end"), text=r"grey|gray|try again later"),
    _h("greylisted", (450, 451), ("RCPT",), enhanced=r"4\.7\.1"),
    _h("too_many_recipients", (452, 552), ("RCPT",)),
    _h("null_mx", (556,)),
    _h("param_unknown", (555,)),
    _h("rcpt_policy", (550, 554), ("RCPT",), enhanced=r"5\.7\.\d+"),
    # -- message -------------------------------------------------------------
    _h("data_go", (354,)),
    _h("sender_auth_failed", (550, 451), (), enhanced=r"[45]\.7\.2[0-6]"),
    _h("size_exceeded", (552, 554), (), enhanced=r"5\.(3\.4|2\.3)"),
    _h("size_exceeded", (552,), ("MAIL", "data-end", "BDAT")),
    _h("queued", (250,), ("data-end",)),
    _h("queued", (250,), ("BDAT",), text=r"queued|accepted|ok"),
    _h("data_end_temporary", (4,), ("data-end", "BDAT")),
    _h("data_end_rejected", (5,), ("data-end", "BDAT")),
    # -- other commands ------------------------------------------------------
    _h("vrfy_cannot", (252,)),
    _h("vrfy_disabled", (502,), ("VRFY", "EXPN")),
    _h("unknown_command", (500,)),
    _h("not_implemented", (502,)),
    _h("rcpt_accepted", (250, 251), ("RCPT",)),
    _h("sender_accepted", (250,), ("MAIL",)),
    _h("ehlo_ok", (250,), ("EHLO",)),
    _h("helo_ok", (250,), ("HELO",)),
    _h("rset_ok", (250,), ("RSET",)),
    _h("noop_ok", (250,), ("NOOP",)),
)  # fmt: skip

_QUEUE_IDS: tuple[re.Pattern[str], ...] = (
    re.compile(r"queued as ([0-9A-Za-z]+)"),  # Postfix
    re.compile(r"\bid=([0-9A-Za-z-]+)"),  # Exim
    re.compile(r"\b([0-9A-Za-z]{10,}) Message accepted for delivery"),  # Sendmail
    re.compile(r"OK\s+\d+\s+(\S+?)\s*-\s*gsmtp"),  # Gmail
    re.compile(r"<([^<>@\s]+@[^<>\s]+)>\s*\[InternalId"),  # Exchange / Microsoft 365
)


def find_hint(
    code: int | None,
    phase: str | None,
    enhanced: str | None = None,
    text: str = "",
    vendor: str | None = None,
) -> Hint | None:
    return next((h for h in HINTS if h.matches(code, phase, enhanced, text, vendor)), None)


def queue_id(text: str) -> str | None:
    """The queue ID in a "message accepted" reply (Postfix ``queued as …``,
    Exim ``id=…``, Exchange ``<…@…> [``), so the learner can grep the logs."""
    for pattern in _QUEUE_IDS:
        m = pattern.search(text)
        if m:
            return m.group(1)
    return None
