"""What a scan's facts mean: each finding rated (critical, high, medium, low,
info) and explained from the catalogue — what it is, why it matters, what to
change in Postfix and Exim (``inspect.finding.<key>.{title,why,fix}``).

Ratings follow current guidance: SSLv3, NULL and EXPORT suites are broken;
RC4, LOW and no forward secrecy at all are serious; TLS 1.0/1.1 are
deprecated (RFC 8996), as are 3DES (SWEET32) and anonymous suites outside
opportunistic SMTP; CBC suites and a client-chosen order are worth tidying.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from smtptui.i18n import t
from smtptui.inspection import ciphers as cs

if TYPE_CHECKING:
    from smtptui.inspection.scan import ScanReport

RATINGS: tuple[str, ...] = ("critical", "high", "medium", "low", "info")

_CATEGORY_RATING = {
    "null": "critical",
    "export": "critical",
    "low": "high",
    "rc4": "high",
    "anon": "medium",
    "3des": "medium",
    "cbc": "low",
}


@dataclass(frozen=True, slots=True)
class Finding:
    key: str
    rating: str
    values: tuple[tuple[str, str], ...] = ()

    def title(self, lang: str | None = None) -> str:
        return t(f"inspect.finding.{self.key}.title", lang, **dict(self.values))

    def why(self, lang: str | None = None) -> str:
        return t(f"inspect.finding.{self.key}.why", lang, **dict(self.values))

    def fix(self, lang: str | None = None) -> str:
        return t(f"inspect.finding.{self.key}.fix", lang, **dict(self.values))

    def to_dict(self, lang: str | None = "en") -> dict[str, Any]:
        return {
            "key": self.key,
            "rating": self.rating,
            "values": dict(self.values),
            "title": self.title(lang),
            "why": self.why(lang),
            "fix": self.fix(lang),
        }


def worst_rating(findings: tuple[Finding, ...] | list[Finding]) -> str | None:
    ranks = [RATINGS.index(f.rating) for f in findings if f.rating != "info"]
    return RATINGS[min(ranks)] if ranks else None


def findings_for(report: ScanReport) -> list[Finding]:
    out: list[Finding] = []
    state = {v.version: v.state for v in report.versions}
    if state.get("SSLv3") == "accepted":
        out.append(Finding("sslv3", "critical"))
    for version, key in (("TLSv1", "tls10"), ("TLSv1.1", "tls11")):
        if state.get(version) == "accepted":
            out.append(Finding(key, "medium"))
    modern = [v for v in ("TLSv1.2", "TLSv1.3") if state.get(v) == "accepted"]
    if not modern and "accepted" in state.values():
        out.append(Finding("no_modern", "high"))
    elif state.get("TLSv1.2") == "accepted" and state.get("TLSv1.3") == "refused":
        out.append(Finding("no_tls13", "low"))
    legacy = [v for v in report.versions if v.version != "TLSv1.3" and v.accepted]
    for cat, rating in _CATEGORY_RATING.items():
        where = [v.version for v in legacy if any(c == cat and names for c, names in v.ciphers)]
        if where:
            count = len({s for v in legacy for c, names in v.ciphers if c == cat for s in names})
            out.append(
                Finding(
                    f"cat_{cat}", rating, (("versions", ", ".join(where)), ("count", str(count)))
                )
            )
    suites = {s for v in legacy for s in v.suites()}
    plain_rsa = sorted(s for s in suites if not cs.forward_secret(s))
    if suites and len(plain_rsa) == len(suites) and state.get("TLSv1.3") != "accepted":
        out.append(Finding("no_fs", "high"))
    elif plain_rsa:
        out.append(
            Finding(
                "some_no_fs", "medium", (("count", str(len(plain_rsa))), ("example", plain_rsa[0]))
            )
        )
    client_order = [v.version for v in legacy if v.server_order is False]
    if client_order:
        out.append(Finding("client_order", "low", (("versions", ", ".join(client_order)),)))
    untestable = [v.version for v in report.versions if v.state == "untestable"]
    untestable += [cs.LABELS[c] for c in report.untestable]
    if untestable:
        out.append(
            Finding(
                "untestable",
                "info",
                (("what", ", ".join(untestable)), ("library", report.library)),
            )
        )
    untested_groups = "X25519, X448, FFDHE"
    out.append(
        Finding(
            "groups",
            "info",
            (
                ("groups", ", ".join(report.groups) or "—"),
                ("tested", ", ".join(report.groups_tested)),
                ("untested", untested_groups),
            ),
        )
    )
    if report.inconclusive:
        out.append(Finding("inconclusive", "info", (("count", str(report.inconclusive)),)))
    return out
