"""What one health check found, as frozen values a table, a JSON line, a saved
history file and a side-by-side comparison all read from.

A :class:`CheckResult` is built from the events of the check's session (so the
numbers are the ones the transcript shows) and keeps those events, so a UI can
show the conversation behind a row.  :meth:`CheckResult.to_dict` is JSON-safe
and :meth:`CheckResult.from_dict` reads it back (without the events: saved
results keep the facts, not the transcript).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from smtptui.fleet.transport_facts import TransportFacts
from smtptui.inspection.chain import EXPIRY_WARNING_DAYS
from smtptui.protocol import events as ev
from smtptui.protocol.capabilities import Capabilities
from smtptui.protocol.reply import EnhancedCode

if TYPE_CHECKING:
    from smtptui.protocol.reply import Reply
    from smtptui.protocol.tls import TlsInfo

#: Phase names of :class:`PhaseLatencies`, in conversation order.
PHASES = ("dns", "connect", "banner", "ehlo", "tls", "auth")
FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class PhaseLatencies:
    """Milliseconds per phase, ``None`` when the phase did not happen.

    ``dns`` name resolution; ``connect`` the TCP handshake; ``banner`` the wait
    for the greeting; ``ehlo`` every EHLO/HELO round trip (two with STARTTLS);
    ``tls`` the STARTTLS command plus the handshake (implicit TLS: the
    handshake); ``auth`` every AUTH round trip; ``total`` from the first
    connection attempt to the end of the last step before QUIT.
    """

    dns: float | None = None
    connect: float | None = None
    banner: float | None = None
    ehlo: float | None = None
    tls: float | None = None
    auth: float | None = None
    total: float | None = None

    def get(self, phase: str) -> float | None:
        return getattr(self, phase) if phase in (*PHASES, "total") else None

    def to_dict(self) -> dict[str, float | None]:
        return {p: _round(getattr(self, p)) for p in (*PHASES, "total")}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PhaseLatencies:
        return cls(**{p: _num(data.get(p)) for p in (*PHASES, "total")})


@dataclass(frozen=True, slots=True)
class TlsFacts:
    """What TLS looked like.  ``verified`` is ``True``/``False``, or ``None`` when
    verification was turned off; ``verify_error`` says why it failed.  After a
    failed verification the facts come from a second, unverified handshake (no
    credentials are sent on it), so an expired certificate still shows its dates."""

    version: str | None = None
    cipher: str | None = None
    bits: int | None = None
    subject: str | None = None
    issuer: str | None = None
    sans: tuple[str, ...] = ()
    not_after: _dt.datetime | None = None
    verified: bool | None = None
    verify_error: str | None = None

    @classmethod
    def from_info(cls, info: TlsInfo, *, verify_error: str | None = None) -> TlsFacts:
        cert = info.certificate
        return cls(
            version=info.version,
            cipher=info.cipher,
            bits=info.bits,
            subject=cert.subject if cert else None,
            issuer=cert.issuer if cert else None,
            sans=cert.sans if cert else (),
            not_after=cert.not_after if cert else None,
            verified=False if verify_error else info.verified,
            verify_error=verify_error,
        )

    def days_to_expiry(self, now: _dt.datetime | None = None) -> int | None:
        if self.not_after is None:
            return None
        return (self.not_after - (now or _dt.datetime.now(_dt.UTC))).days

    @property
    def expiring(self) -> bool:
        """Expired, or expiring within :data:`EXPIRY_WARNING_DAYS`."""
        days = self.days_to_expiry()
        return days is not None and days <= EXPIRY_WARNING_DAYS

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "cipher": self.cipher,
            "bits": self.bits,
            "subject": self.subject,
            "issuer": self.issuer,
            "sans": list(self.sans),
            "not_after": self.not_after.isoformat() if self.not_after else None,
            "days_to_expiry": self.days_to_expiry(),
            "verified": self.verified,
            "verify_error": self.verify_error,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TlsFacts:
        return cls(
            version=data.get("version"),
            cipher=data.get("cipher"),
            bits=data.get("bits"),
            subject=data.get("subject"),
            issuer=data.get("issuer"),
            sans=tuple(data.get("sans") or ()),
            not_after=_parse_time(data.get("not_after")),
            verified=data.get("verified"),
            verify_error=data.get("verify_error"),
        )


@dataclass(frozen=True, slots=True)
class CapabilityFacts:
    """The EHLO facts a fleet table shows, plus every keyword as sent (after
    STARTTLS: the second EHLO's).  ``extensions`` are the yes/no extensions of
    the one table (:data:`~smtptui.protocol.capabilities.EXTENSIONS`) the
    server offered; ``starttls`` says whether STARTTLS was offered at all,
    although the EHLO after the handshake no longer lists it."""

    esmtp: bool = True
    size: int | None = None  # None: not advertised; 0: no limit given
    extensions: tuple[str, ...] = ()  # "PIPELINING", "8BITMIME", ...
    starttls: bool = False
    auth: tuple[str, ...] = ()
    limits: tuple[tuple[str, str], ...] = ()
    keywords: tuple[str, ...] = ()  # "SIZE 10240000", "AUTH LOGIN PLAIN", ...

    def offers(self, keyword: str) -> bool:
        return keyword.upper() in self.extensions

    @classmethod
    def from_capabilities(cls, caps: Capabilities) -> CapabilityFacts:
        return cls(
            esmtp=caps.esmtp,
            size=caps.size,
            extensions=caps.offered_facts(),
            starttls=caps.starttls,
            auth=caps.auth_mechanisms,
            limits=tuple(caps.limits.items()),
            keywords=tuple(caps.summary()),
        )

    def to_dict(self) -> dict[str, Any]:
        from smtptui.protocol.capabilities import fact_extensions

        return {
            "esmtp": self.esmtp,
            "size": self.size,
            # one boolean per extension of the table ("pipelining", "8bitmime" …)
            **{e.json_key: e.keyword in self.extensions for e in fact_extensions()},
            "starttls": self.starttls,
            "auth": list(self.auth),
            "limits": dict(self.limits),
            "keywords": list(self.keywords),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CapabilityFacts:
        from smtptui.protocol.capabilities import fact_extensions

        return cls(
            esmtp=bool(data.get("esmtp", True)),
            size=data.get("size"),
            extensions=tuple(e.keyword for e in fact_extensions() if data.get(e.json_key)),
            starttls=bool(data.get("starttls")),
            auth=tuple(data.get("auth") or ()),
            limits=tuple((str(k), str(v)) for k, v in (data.get("limits") or {}).items()),
            keywords=tuple(data.get("keywords") or ()),
        )


@dataclass(frozen=True, slots=True)
class ReplyFacts:
    """The failing reply, as text (a saved result has no wire bytes)."""

    code: int
    enhanced: str | None
    lines: tuple[str, ...]

    @classmethod
    def from_reply(cls, reply: Reply) -> ReplyFacts:
        return cls(
            reply.code,
            str(reply.enhanced) if reply.enhanced else None,
            tuple(reply.display_lines()),
        )

    @property
    def first_line(self) -> str:
        return self.lines[0] if self.lines else str(self.code)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "enhanced": self.enhanced, "lines": list(self.lines)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReplyFacts:
        enhanced = data.get("enhanced")
        if enhanced is not None and EnhancedCode.parse(str(enhanced)) is None:
            enhanced = None
        return cls(int(data["code"]), enhanced, tuple(data.get("lines") or ()))


@dataclass(frozen=True, slots=True)
class Explained:
    """The reference's explanation of the failing reply, in the user's language."""

    title: str
    explanation: str = ""
    hint: str | None = None
    next_steps: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "explanation": self.explanation,
            "hint": self.hint,
            "next_steps": list(self.next_steps),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Explained:
        return cls(
            title=str(data.get("title", "")),
            explanation=str(data.get("explanation", "")),
            hint=data.get("hint"),
            next_steps=tuple(data.get("next_steps") or ()),
        )


@dataclass(frozen=True, slots=True)
class ScanFacts:
    """A TLS configuration scan's verdict for a table cell (``check --all
    --scan``): the worst rating, each finding's key and rating (catalogue
    ``inspect.finding.<key>``; info findings left out), the versions offered,
    and ``error`` when the server could not be scanned at all."""

    worst: str | None = None
    #: (key, rating, the finding's values for its catalogue text)
    findings: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = ()
    versions: tuple[str, ...] = ()
    error: str | None = None

    @property
    def cell(self) -> str:
        """``ok``, ``medium: TLS1.0 TLS1.1 CBC …`` or ``failed``."""
        return self.cell_text("en")

    def cell_text(self, lang: str | None = "en") -> str:
        """:attr:`cell` in ``lang``: the rating translated, the findings'
        short names (cipher and protocol names) as they are."""
        from smtptui.i18n import t

        if self.error:
            return t("fleet.scan.failed", lang)
        if self.worst is None:
            return t("fleet.scan.ok", lang)
        short = {"tls10": "TLS1.0", "tls11": "TLS1.1", "sslv3": "SSLv3", "cat_cbc": "CBC",
                 "cat_anon": "aNULL", "cat_null": "NULL", "cat_export": "EXPORT",
                 "cat_low": "LOW", "cat_rc4": "RC4", "cat_3des": "3DES", "no_fs": "no-FS",
                 "some_no_fs": "kRSA", "client_order": "order", "no_tls13": "no-TLS1.3",
                 "no_modern": "no-TLS1.2"}  # fmt: skip
        rating = t(f"fleet.rating.{self.worst}", lang)
        return f"{rating}: " + " ".join(short.get(k, k) for k, _r, _v in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "worst": self.worst,
            "findings": [{"key": k, "rating": r, "values": dict(v)} for k, r, v in self.findings],
            "versions": list(self.versions),
            "error": self.error,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScanFacts:
        return cls(
            worst=data.get("worst"),
            findings=tuple(
                (
                    str(f["key"]),
                    str(f["rating"]),
                    tuple((str(k), str(v)) for k, v in (f.get("values") or {}).items()),
                )
                for f in data.get("findings") or ()
            ),
            versions=tuple(data.get("versions") or ()),
            error=data.get("error"),
        )


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One profile's health check.

    ``ok`` and ``exit_code`` are what ``smtptui check PROFILE`` would report
    (0, or 20-28 by failing phase; see the README).  ``auth`` is ``ok``,
    ``failed``, ``skipped`` (credentials need a prompt or are unavailable; the
    reason is in ``warnings``) or ``none`` (the profile does not log in).
    ``events`` is the whole conversation, for a transcript view; it is not
    saved and not compared.
    """

    profile: str
    address: str
    security: str
    ok: bool
    exit_code: int
    started_at: _dt.datetime
    latencies: PhaseLatencies = field(default_factory=PhaseLatencies)
    error: str | None = None
    phase: str | None = None
    reply: ReplyFacts | None = None
    explanation: Explained | None = None
    tls: TlsFacts | None = None
    capabilities: CapabilityFacts | None = None
    greeting: str | None = None
    auth: str = "none"
    auth_user: str | None = None
    timed_out: bool = False
    tags: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    scan: ScanFacts | None = None  # check --all --scan: the TLS configuration scan
    transport: TransportFacts | None = None  # check --all --inspect: chain, DANE, MTA-STS
    events: tuple[ev.Event, ...] = field(default=(), compare=False, repr=False)

    @property
    def status(self) -> str:
        """A short word for a table cell: ``ok``, or the failing phase and code."""
        if self.ok:
            return "ok"
        parts = [self.phase or "failed"]
        if self.reply is not None:
            parts.append(str(self.reply.code))
        elif self.timed_out:
            parts.append("timeout")
        return " ".join(parts)

    def status_text(self, lang: str | None = "en") -> str:
        """:attr:`status` for a person reading ``lang``: the words translated
        (``fleet.status.<word>``), the reply code and SMTP verbs (``ehlo 550``)
        as they are."""
        from smtptui.i18n import has, t

        def said(word: str) -> str:
            key = f"fleet.status.{word}"
            return t(key, lang) if has(key) else word

        return " ".join(said(word) for word in self.status.split(" "))

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe; the shape of ``check --all --json`` lines and saved files."""
        return {
            "format": FORMAT_VERSION,
            "profile": self.profile,
            "address": self.address,
            "security": self.security,
            "ok": self.ok,
            "exit_code": self.exit_code,
            "status": self.status,
            "started_at": self.started_at.isoformat(),
            "error": self.error,
            "phase": self.phase,
            "reply": self.reply.to_dict() if self.reply else None,
            "explanation": self.explanation.to_dict() if self.explanation else None,
            "latency_ms": self.latencies.to_dict(),
            "tls": self.tls.to_dict() if self.tls else None,
            "capabilities": self.capabilities.to_dict() if self.capabilities else None,
            "greeting": self.greeting,
            "auth": self.auth,
            "auth_user": self.auth_user,
            "timed_out": self.timed_out,
            "tags": list(self.tags),
            "warnings": list(self.warnings),
            "scan": self.scan.to_dict() if self.scan else None,
            "transport": self.transport.to_dict() if self.transport else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckResult:
        """Read a saved result back; raises ``KeyError``/``ValueError``/``TypeError``
        on a damaged one (the history store skips those)."""
        return cls(
            profile=str(data["profile"]),
            address=str(data.get("address", "")),
            security=str(data.get("security", "")),
            ok=bool(data["ok"]),
            exit_code=int(data["exit_code"]),
            started_at=_parse_time(data["started_at"]) or _dt.datetime.now(_dt.UTC),
            latencies=PhaseLatencies.from_dict(data.get("latency_ms") or {}),
            error=data.get("error"),
            phase=data.get("phase"),
            reply=ReplyFacts.from_dict(data["reply"]) if data.get("reply") else None,
            explanation=Explained.from_dict(data["explanation"])
            if data.get("explanation")
            else None,
            tls=TlsFacts.from_dict(data["tls"]) if data.get("tls") else None,
            capabilities=CapabilityFacts.from_dict(data["capabilities"])
            if data.get("capabilities")
            else None,
            greeting=data.get("greeting"),
            auth=str(data.get("auth", "none")),
            auth_user=data.get("auth_user"),
            timed_out=bool(data.get("timed_out")),
            tags=tuple(data.get("tags") or ()),
            warnings=tuple(data.get("warnings") or ()),
            scan=ScanFacts.from_dict(data["scan"]) if data.get("scan") else None,
            transport=TransportFacts.from_dict(data["transport"])
            if data.get("transport")
            else None,
        )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def _parse_time(value: Any) -> _dt.datetime | None:
    if not value:
        return None
    parsed = _dt.datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=_dt.UTC)
