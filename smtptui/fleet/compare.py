"""Two check results side by side: outcome, TLS facts, the transport security
(chain, DANE, MTA-STS, TLS-RPT) and TLS scan when either was inspected or
scanned, capabilities, latencies, each row marked when the two differ.

Values are compared as facts, not as text a clock changes: a certificate's
expiry date (not its days left), and latencies only when they differ by at
least :data:`LATENCY_MIN_MS` *and* by a factor of :data:`LATENCY_RATIO`, so
loopback jitter of a millisecond is not reported as a change.  A transport
or scan fact known on one side only (the other check did not ``--inspect``
or ``--scan``) is shown but not counted as a difference: it is unknown, not
changed.

A row's ``field`` is a stable name (``result``, ``verified``, an EHLO keyword);
its values are shown in the language asked for (``yes``/``是``), English by
default, so JSON output stays the same whoever runs it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from smtptui.fleet.results import PHASES, CapabilityFacts, CheckResult, ScanFacts, TlsFacts
from smtptui.fleet.transport_facts import TransportFacts
from smtptui.i18n import has, t

LATENCY_MIN_MS = 20.0
LATENCY_RATIO = 1.5
SECTIONS = ("outcome", "tls", "transport", "scan", "capabilities", "latency")
_NONE = "—"


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a comparison: ``section`` is one of :data:`SECTIONS`."""

    section: str
    field: str
    left: str
    right: str
    differs: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "field": self.field,
            "left": self.left,
            "right": self.right,
            "differs": self.differs,
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    left: CheckResult
    right: CheckResult
    rows: tuple[Row, ...]

    @property
    def differences(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.differs)

    def section(self, name: str) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.section == name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "left": self.left.to_dict(),
            "right": self.right.to_dict(),
            "rows": [r.to_dict() for r in self.rows],
            "differences": len(self.differences),
        }


def compare_results(left: CheckResult, right: CheckResult, lang: str = "en") -> Comparison:
    """Every row for ``left`` against ``right`` (see the module docstring)."""
    rows: list[Row] = []

    def add(section: str, name: str, a: Any, b: Any, fmt: Callable[[Any], str] = str) -> None:
        rows.append(Row(section, name, _show(a, fmt), _show(b, fmt), a != b))

    rows.append(
        Row(
            "outcome",
            "result",
            left.status_text(lang),
            right.status_text(lang),
            left.status != right.status,
        )
    )
    add("outcome", "exit code", left.exit_code, right.exit_code)
    add("outcome", "greeting", _greeting_host(left.greeting), _greeting_host(right.greeting))
    add("outcome", "AUTH", left.auth, right.auth, lambda v: auth_state_text(v, lang))

    lt, rt = left.tls or TlsFacts(), right.tls or TlsFacts()
    add("tls", "version", lt.version, rt.version)
    add("tls", "cipher", lt.cipher, rt.cipher)
    add("tls", "verified", _verified(left.tls, lang), _verified(right.tls, lang))
    add("tls", "subject", lt.subject, rt.subject)
    add("tls", "issuer", lt.issuer, rt.issuer)
    rows.append(
        Row(
            "tls",
            "expires",
            _expiry(lt, lang),
            _expiry(rt, lang),
            lt.not_after != rt.not_after,
        )
    )

    rows.extend(_transport_rows(left, right, lang))
    rows.extend(_scan_rows(left, right, lang))

    lc, rc = left.capabilities, right.capabilities
    for label, getter, fmt in _capability_rows(lang):
        add(
            "capabilities",
            label,
            getter(lc) if lc else None,
            getter(rc) if rc else None,
            fmt,
        )

    for phase in (*PHASES, "total"):
        a, b = left.latencies.get(phase), right.latencies.get(phase)
        rows.append(Row("latency", phase, _ms(a), _ms(b), latency_differs(a, b)))
    return Comparison(left, right, tuple(rows))


def _known_rows(section: str, pairs: list[tuple[str, str | None, str | None]]) -> list[Row]:
    """Rows whose values are compared only when both sides know them."""
    rows = []
    for name, a, b in pairs:
        differs = a is not None and b is not None and a != b
        rows.append(Row(section, name, a or _NONE, b or _NONE, differs))
    return rows


def _transport_rows(left: CheckResult, right: CheckResult, lang: str) -> list[Row]:
    lt, rt = left.transport, right.transport
    if lt is None and rt is None:
        return []

    def get(facts: TransportFacts | None, what: str) -> str | None:
        if facts is None:
            return None
        said = facts.state_text(what, lang)
        if what == "mta_sts" and facts.mail_domain:
            return f"{said} ({facts.mail_domain})"
        return said

    names = (("chain", "chain"), ("DANE", "dane"), ("MTA-STS", "mta_sts"), ("TLS-RPT", "tlsrpt"))
    return _known_rows("transport", [(label, get(lt, key), get(rt, key)) for label, key in names])


def _scan_rows(left: CheckResult, right: CheckResult, lang: str) -> list[Row]:
    ls, rs = left.scan, right.scan
    if ls is None and rs is None:
        return []

    def versions(scan: ScanFacts | None) -> str | None:
        return None if scan is None else (" ".join(scan.versions) or "—")

    def findings(scan: ScanFacts | None) -> str | None:
        return None if scan is None else scan.cell_text(lang)

    return _known_rows(
        "scan",
        [
            ("findings", findings(ls), findings(rs)),
            ("versions offered", versions(ls), versions(rs)),
        ],
    )


def section_title(section: str, lang: str | None = "en") -> str:
    """``fleet.compare.section.<section>`` (``TLS`` is the same everywhere)."""
    return "TLS" if section == "tls" else t(f"fleet.compare.section.{section}", lang)


def field_label(field: str, lang: str | None = "en") -> str:
    """A row's name in ``lang``; EHLO keywords and verbs (``SIZE``, ``AUTH``,
    ``ehlo``) have no entry and are shown as they are."""
    key = "fleet.compare.field." + field.replace(" ", "_")
    return t(key, lang) if has(key) else field


def latency_differs(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return (a is None) != (b is None)
    low, high = sorted((a, b))
    return high - low >= LATENCY_MIN_MS and high >= low * LATENCY_RATIO


def _show(value: Any, fmt: Callable[[Any], str]) -> str:
    return _NONE if value is None else fmt(value)


def auth_state_text(state: str, lang: str = "en") -> str:
    """A check's AUTH outcome (``ok``, ``failed``, ``skipped``, ``none``) in ``lang``."""
    return t(f"fleet.auth.{state}", lang) if state in _AUTH_STATES else state


_AUTH_STATES = ("ok", "failed", "skipped", "none", "pending")


def _other_keywords(caps: CapabilityFacts) -> tuple[str, ...]:
    from smtptui.protocol.capabilities import known_keywords

    names = (k.split(" ", 1)[0].upper() for k in caps.keywords)
    known = known_keywords()
    return tuple(sorted({n for n in names if n not in known}))


def _fact(keyword: str) -> Callable[[CapabilityFacts], bool]:
    return lambda c: c.offers(keyword)


def _capability_rows(
    lang: str,
) -> tuple[tuple[str, Callable[[CapabilityFacts], Any], Callable[[Any], str]], ...]:
    """ESMTP and SIZE, every yes/no extension of the one table, then the
    facts with values (STARTTLS offered, AUTH, LIMITS) and the rest."""
    from smtptui.protocol.capabilities import fact_extensions

    def yes(value: bool) -> str:
        return t("fleet.value.yes" if value else "fleet.value.no", lang)

    def size(value: int) -> str:
        return t("fleet.value.no_limit_given", lang) if value == 0 else f"{value:,}"

    def words(value: tuple[str, ...]) -> str:
        return " ".join(value) if value else t("fleet.value.none", lang)

    return (
        ("ESMTP", lambda c: c.esmtp, yes),
        ("SIZE", lambda c: c.size, size),
        *((e.keyword, _fact(e.keyword), yes) for e in fact_extensions()),
        ("STARTTLS", lambda c: c.starttls, yes),
        ("AUTH", lambda c: c.auth, words),
        ("LIMITS", lambda c: tuple(f"{k}={v}" for k, v in c.limits), words),
        ("other", _other_keywords, words),
    )


def _verified(tls: TlsFacts | None, lang: str) -> str | None:
    if tls is None:
        return None
    if tls.verify_error:
        return t("fleet.value.not_verified", lang, reason=tls.verify_error.split(";", 1)[0])
    key = {True: "yes", False: "refused", None: "not_checked"}[tls.verified]
    return t(f"fleet.value.{key}", lang)


def _expiry(tls: TlsFacts, lang: str) -> str:
    if tls.not_after is None:
        return _NONE
    days = tls.days_to_expiry()
    if days is not None and days < 0:
        left = t("fleet.value.expired", lang)
    else:
        left = t("fleet.value.days", lang, n=days)
    return f"{tls.not_after:%Y-%m-%d} ({left})"


def _ms(value: float | None) -> str:
    if value is None:
        return _NONE
    return f"{value:.1f} ms" if value < 10 else f"{value:.0f} ms"


def _greeting_host(greeting: str | None) -> str | None:
    """The greeting without its code: ``smtp.example.com ESMTP Postfix``."""
    if not greeting:
        return None
    return greeting[4:] if greeting[:3].isdigit() else greeting
