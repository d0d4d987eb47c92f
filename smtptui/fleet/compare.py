"""Two check results side by side: outcome, TLS facts, capabilities, latencies,
each row marked when the two differ.

Values are compared as facts, not as text a clock changes: a certificate's
expiry date (not its days left), and latencies only when they differ by at
least :data:`LATENCY_MIN_MS` *and* by a factor of :data:`LATENCY_RATIO`, so
loopback jitter of a millisecond is not reported as a change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from smtptui.fleet.results import PHASES, CapabilityFacts, CheckResult, TlsFacts

LATENCY_MIN_MS = 20.0
LATENCY_RATIO = 1.5
SECTIONS = ("outcome", "tls", "capabilities", "latency")
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


def compare_results(left: CheckResult, right: CheckResult) -> Comparison:
    """Every row for ``left`` against ``right`` (see the module docstring)."""
    rows: list[Row] = []

    def add(section: str, name: str, a: Any, b: Any, fmt: Callable[[Any], str] = str) -> None:
        rows.append(Row(section, name, _show(a, fmt), _show(b, fmt), a != b))

    add("outcome", "result", left.status, right.status)
    add("outcome", "exit code", left.exit_code, right.exit_code)
    add("outcome", "greeting", _greeting_host(left.greeting), _greeting_host(right.greeting))
    add("outcome", "AUTH", left.auth, right.auth)

    lt, rt = left.tls or TlsFacts(), right.tls or TlsFacts()
    add("tls", "version", lt.version, rt.version)
    add("tls", "cipher", lt.cipher, rt.cipher)
    add("tls", "verified", _verified(left.tls), _verified(right.tls))
    add("tls", "subject", lt.subject, rt.subject)
    add("tls", "issuer", lt.issuer, rt.issuer)
    rows.append(
        Row(
            "tls",
            "expires",
            _expiry(lt),
            _expiry(rt),
            lt.not_after != rt.not_after,
        )
    )

    lc, rc = left.capabilities, right.capabilities
    for label, getter, fmt in _capability_rows():
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


def latency_differs(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return (a is None) != (b is None)
    low, high = sorted((a, b))
    return high - low >= LATENCY_MIN_MS and high >= low * LATENCY_RATIO


def _show(value: Any, fmt: Callable[[Any], str]) -> str:
    return _NONE if value is None else fmt(value)


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _size(value: int) -> str:
    return "no limit given" if value == 0 else f"{value:,}"


def _words(value: tuple[str, ...]) -> str:
    return " ".join(value) if value else "none"


def _other_keywords(caps: CapabilityFacts) -> tuple[str, ...]:
    from smtptui.protocol.capabilities import known_keywords

    names = (k.split(" ", 1)[0].upper() for k in caps.keywords)
    known = known_keywords()
    return tuple(sorted({n for n in names if n not in known}))


def _fact(keyword: str) -> Callable[[CapabilityFacts], bool]:
    return lambda c: c.offers(keyword)


def _capability_rows() -> tuple[
    tuple[str, Callable[[CapabilityFacts], Any], Callable[[Any], str]], ...
]:
    """ESMTP and SIZE, every yes/no extension of the one table, then the
    facts with values (STARTTLS offered, AUTH, LIMITS) and the rest."""
    from smtptui.protocol.capabilities import fact_extensions

    return (
        ("ESMTP", lambda c: c.esmtp, _yes),
        ("SIZE", lambda c: c.size, _size),
        *((e.keyword, _fact(e.keyword), _yes) for e in fact_extensions()),
        ("STARTTLS", lambda c: c.starttls, _yes),
        ("AUTH", lambda c: c.auth, _words),
        ("LIMITS", lambda c: tuple(f"{k}={v}" for k, v in c.limits), _words),
        ("other", _other_keywords, _words),
    )


def _verified(tls: TlsFacts | None) -> str | None:
    if tls is None:
        return None
    if tls.verify_error:
        return "NO (" + tls.verify_error.split(";", 1)[0] + ")"
    return {True: "yes", False: "NO", None: "not checked"}[tls.verified]


def _expiry(tls: TlsFacts) -> str:
    if tls.not_after is None:
        return _NONE
    days = tls.days_to_expiry()
    left = "EXPIRED" if days is not None and days < 0 else f"{days} days"
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
