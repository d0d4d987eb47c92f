"""``TlsReport``: what one server's TLS looks like to a client — the
negotiation, every certificate, the verdict, DANE — as one frozen value that
the CLI prints, ``--json`` dumps and the TUI's TLS view shows; and
:func:`inspect_tls`, which gathers it.

:func:`report_lines` turns a report into the plain sentences a person reads,
in English or Chinese; the renderers only add colour.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from smtptui.i18n import t
from smtptui.i18n.sentence import Sentence
from smtptui.inspection.chain import (
    EXPIRY_WARNING_DAYS,
    Chain,
    Verification,
    describe_chain,
    verify_chain,
)
from smtptui.inspection.dane import DaneReport
from smtptui.inspection.findings import RATINGS
from smtptui.inspection.handshake import Handshake, Offer, inspect_handshake
from smtptui.protocol.connect import host_label

if TYPE_CHECKING:
    from collections.abc import Callable

    from smtptui.inspection.scan import ScanReport
    from smtptui.protocol import events as ev
    from smtptui.protocol.config import SessionConfig


@dataclass(frozen=True, slots=True)
class TlsReport:
    target: str  # host:port as connected
    security: str  # starttls | tls
    handshake: Handshake
    chain: Chain
    verification: Verification
    dane: DaneReport | None = None
    checked_at: _dt.datetime = field(default_factory=lambda: _dt.datetime.now(_dt.UTC))

    def pem(self) -> str:
        return self.chain.pem()

    def to_dict(self) -> dict[str, Any]:
        hs = self.handshake
        return {
            "target": self.target,
            "security": self.security,
            "checked_at": self.checked_at.isoformat(),
            "sni": hs.server_name,
            "version": hs.version,
            "cipher": hs.cipher,
            "bits": hs.bits,
            "group": hs.group,
            "alpn": hs.alpn,
            "chain": [c.to_dict(self.checked_at) for c in self.chain.certs],
            "verification": self.verification.to_dict(),
            "dane": self.dane.to_dict() if self.dane else None,
        }


async def inspect_tls(
    cfg: SessionConfig,
    *,
    subscriber: Callable[[ev.Event], None] | None = None,
    dane_resolver: Any = None,
    dane_host: str | None = None,
    lang: str | None = None,
    offer: Offer | None = None,
) -> TlsReport:
    """Connect, handshake (STARTTLS, or implicit TLS for ``security="tls"``),
    describe and verify the chain against ``cfg.tls.ca_file`` or the system
    store and the name ``cfg.tls.server_hostname`` (else the host); with a
    ``dane_resolver``, match ``_PORT._tcp.<dane_host or name>`` TLSA records.
    Raises SmtpError (the SMTP part) or TlsRefused (the handshake)."""
    hs = await inspect_handshake(cfg, offer, subscriber=subscriber)
    name = cfg.tls.server_hostname or cfg.host
    verification = verify_chain(hs.chain, name, ca_file=cfg.tls.ca_file)
    dane = None
    if dane_resolver is not None:
        from smtptui.inspection.dane import dane_for

        dane = await dane_for(dane_resolver, dane_host or name, hs.chain, port=cfg.port, lang=lang)
    return TlsReport(
        target=host_label(cfg.host, cfg.port),
        security="tls" if cfg.security == "tls" else "starttls",
        handshake=hs,
        chain=describe_chain(hs.chain),
        verification=verification,
        dane=dane,
    )


# ------------------------------------------------------------------ reading


def verdict_sentence(v: Verification, lang: str | None = None) -> str:
    """One sentence: verified, or which link fails and why."""
    return verification_sentence(v).text(lang)


def verification_sentence(v: Verification) -> Sentence:
    """:func:`verdict_sentence` unrendered, for findings shown later (the fleet)."""
    trust: str | Sentence = Sentence.of("inspect.trust.system") if v.trust == "system" else v.trust
    if v.chain_ok and v.name_ok is not False:
        return Sentence.of("inspect.verify.ok", trust=trust, anchor=v.anchor or "?")
    if not v.chain_ok:
        where = (
            Sentence.of("inspect.verify.cert_n", n=v.position + 1)
            if v.position is not None
            else Sentence.of("inspect.verify.cert_store")
        )
        return Sentence.of(
            f"inspect.verify.{v.reason or 'other'}",
            where=where,
            subject=v.subject or "?",
            issuer=v.issuer or "?",
            detail=v.detail or "",
            trust=trust,
        )
    return Sentence.of("inspect.verify.name_mismatch", name=v.name or "?")


def report_lines(report: TlsReport, lang: str | None = None) -> list[tuple[str, str]]:
    """``(style, text)`` lines: style is ``head``, ``ok``, ``warn``, ``bad`` or
    ``""``; renderers colour them, the text is final."""
    hs = report.handshake
    out: list[tuple[str, str]] = []
    add = out.append
    add(("head", t("inspect.tls.heading", lang, target=report.target, security=report.security)))
    add(("", t("inspect.tls.sni", lang, sni=hs.server_name or t("inspect.tls.no_sni", lang))))
    add(
        (
            "",
            t(
                "inspect.tls.negotiated",
                lang,
                version=hs.version,
                cipher=hs.cipher,
                bits=hs.bits or "?",
            ),
        )
    )
    add(("", t("inspect.tls.group", lang, group=hs.group or t("inspect.tls.unknown", lang))))
    add(("", t("inspect.tls.alpn", lang, alpn=hs.alpn or t("inspect.tls.no_alpn", lang))))
    add(("head", t("inspect.tls.chain_heading", lang, n=len(report.chain.certs))))
    now = report.checked_at
    for cert in report.chain.certs:
        days = cert.days_left(now)
        add(("", f"  #{cert.position + 1} {cert.subject}"))
        add(("", t("inspect.cert.issuer", lang, issuer=cert.issuer)))
        if days < 0:
            style, left = "bad", t("inspect.cert.expired", lang, days=-days)
        elif cert.not_before > now:
            style, left = "bad", t("inspect.cert.not_yet", lang)
        else:
            style = "warn" if days <= EXPIRY_WARNING_DAYS else ""
            left = t("inspect.cert.days_left", lang, days=days)
        add(
            (
                style,
                t(
                    "inspect.cert.validity",
                    lang,
                    start=f"{cert.not_before:%Y-%m-%d}",
                    end=f"{cert.not_after:%Y-%m-%d}",
                    left=left,
                ),
            )
        )
        if cert.sans:
            add(("", t("inspect.cert.sans", lang, names=", ".join(cert.sans))))
        add(
            ("", t("inspect.cert.key", lang, key=cert.key_text(lang), sig=cert.signature_algorithm))
        )
        add(("", t("inspect.cert.sha256", lang, fp=cert.sha256)))
        add(("", t("inspect.cert.spki", lang, fp=cert.spki_sha256)))
    v = report.verification
    add(("ok" if v.ok else "bad", verdict_sentence(v, lang)))
    if not v.chain_ok and v.name_ok is False:
        add(("bad", t("inspect.verify.name_mismatch", lang, name=v.name or "?")))
    if v.detail:
        add(("", t("inspect.verify.openssl_said", lang, detail=v.detail)))
    if report.dane is not None:
        out.extend(dane_lines(report.dane, lang))
    return out


def dane_lines(d: DaneReport, lang: str | None = None) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = [("head", t("inspect.dane.heading", lang, name=d.name))]
    if d.outcome == "error":
        out.append(("warn", t("inspect.dane.lookup_failed", lang, error=d.error or "?")))
        return out
    if d.outcome == "none":
        out.append(("", t("inspect.dane.none", lang)))
        return out
    ad_key = {True: "ad_set", False: "ad_unset", None: "ad_unknown"}[d.authenticated]
    out.append(("ok" if d.authenticated else "warn", t(f"inspect.dane.{ad_key}", lang)))
    for r in d.results:
        if r.matched:
            assert r.position is not None
            out.append(
                (
                    "ok",
                    t(
                        "inspect.dane.matched",
                        lang,
                        record=r.record.text,
                        label=r.record.label,
                        n=r.position + 1,
                    ),
                )
            )
        else:
            out.append(
                (
                    "bad",
                    t(
                        "inspect.dane.not_matched",
                        lang,
                        record=r.record.text,
                        label=r.record.label,
                        why=t(f"inspect.dane.why.{r.why}", lang),
                    ),
                )
            )
    style = {"match": "ok", "mismatch": "bad", "unusable": "warn"}.get(d.outcome, "")
    out.append((style, t(f"inspect.dane.outcome.{d.outcome}", lang)))
    return out


_RATING_STYLE = {"critical": "bad", "high": "bad", "medium": "warn", "low": "warn", "info": ""}


def scan_lines(report: ScanReport, lang: str | None = None) -> list[tuple[str, str]]:
    """The scan as ``(style, text)`` lines: versions, suites by category,
    cipher order, groups, then each finding with why and what to change."""
    from smtptui.inspection.ciphers import LABELS

    out: list[tuple[str, str]] = []
    add = out.append
    add(("head", t("inspect.scan.heading", lang, target=report.target, security=report.security)))
    add(("head", t("inspect.scan.versions", lang)))
    for v in report.versions:
        state = t(f"inspect.scan.state.{v.state}", lang, reason=v.reason or "?")
        style = {"accepted": "warn" if v.version in ("SSLv3", "TLSv1", "TLSv1.1") else "ok"}.get(
            v.state, ""
        )
        add((style, f"  {v.version:<8} {state}"))
    add(("head", t("inspect.scan.suites", lang)))
    for v in report.versions:
        if not v.ciphers:
            continue
        add(("", f"  {v.version}"))
        for cat, names in v.ciphers:
            add(("", f"    {LABELS[cat]:<6} {len(names):>3}  {' '.join(names)}"))
        if v.server_order is not None:
            key = "server" if v.server_order else "client"
            add(("ok" if v.server_order else "warn", t(f"inspect.scan.order.{key}", lang)))
    add(("head", t("inspect.scan.findings", lang)))
    shown = sorted(report.findings, key=lambda f: RATINGS.index(f.rating))
    if not any(f.rating != "info" for f in shown):
        add(("ok", "  " + t("inspect.scan.nothing", lang)))
    for f in shown:
        rating = t(f"inspect.rating.{f.rating}", lang)
        add((_RATING_STYLE[f.rating], f"  [{rating}] {f.title(lang)}"))
        add(("", t("inspect.scan.why_line", lang, why=f.why(lang))))
        add(("", t("inspect.scan.fix_line", lang, fix=f.fix(lang))))
    add(
        (
            "",
            t(
                "inspect.scan.footer",
                lang,
                probes=report.probes,
                seconds=f"{report.elapsed_ms / 1000:.1f}",
                library=report.library,
            ),
        )
    )
    return out
