"""What discovery finds: candidate servers, the MTA-STS policy, and a report per source.

Plain frozen values, so the CLI can print them, the TUI can list them and tests
can compare them, and a :class:`Candidate` becomes a :class:`~smtptui.profiles.Profile`
with :meth:`Candidate.to_profile`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from smtptui.i18n.sentence import Sentence
from smtptui.profiles import AuthSettings, MessageDefaults, PasswordSource, Profile

#: autoconfig ``<authentication>`` values -> our AUTH mechanism names, in the order we
#: prefer them: a password (or app password) first, since smtptui cannot run an OAuth2
#: login itself; OAuth2 when it is all the provider offers.
AUTH_METHODS = {
    "password-cleartext": "auto",
    "plain": "auto",
    "password-encrypted": "cram-md5",
    "secure": "cram-md5",
    "oauth2": "xoauth2",
    "none": "none",
    "client-ip-address": "none",
    "smtp-after-pop": "none",
}


class DiscoveryError(Exception):
    """One source failed, or the input cannot be looked up; ``str()`` is one clause.

    Failures of MTA-STS and of HTTPS fetches carry a catalogue sentence
    (``inspect.sts.error.*``, ``inspect.fetch.*``): ``str()`` is its English
    text, :meth:`text` any language, :attr:`sentence` the unrendered value
    for findings that are saved or shown later.
    """

    def __init__(self, message: str = "", *, sentence: Sentence | None = None) -> None:
        self.sentence = sentence
        super().__init__(message or (sentence.text("en") if sentence else ""))

    @classmethod
    def of(cls, key: str, **values: object) -> DiscoveryError:
        return cls(sentence=Sentence.of(key, **values))

    def text(self, lang: str | None = None) -> str:
        return self.sentence.text(lang) if self.sentence else str(self)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A server the address can probably use.

    ``kind`` is ``"submission"`` (from autoconfig: where a mail client sends with
    AUTH) or ``"mx"`` (the domain's inbound servers, port 25, no AUTH: direct
    delivery of mail *to* this domain).  ``authentication`` keeps the raw
    autoconfig values (``password-cleartext``, ``OAuth2`` ...).
    """

    host: str
    port: int
    security: str
    source: str
    kind: str = "submission"
    username: str | None = None
    authentication: tuple[str, ...] = ()
    provider: str | None = None
    preference: int | None = None
    address: str | None = None
    note: str = ""
    mail_domain: str | None = None  # MX candidates: the domain they receive for

    @property
    def mechanism(self) -> str:
        """The AUTH mechanism a profile should use (``none`` for MX candidates)."""
        if self.kind == "mx":
            return "none"
        offered = {method.lower() for method in self.authentication}
        for method, mechanism in AUTH_METHODS.items():
            if method in offered:
                return mechanism
        return "auto" if self.username else "none"

    @property
    def label(self) -> str:
        if self.kind == "mx":
            return f"direct delivery to this domain, MX preference {self.preference}"
        who = f" as {self.username}" if self.username and self.mechanism != "none" else ""
        return f"AUTH {self.mechanism}{who}"

    def to_profile(self, name: str) -> Profile:
        """A profile for this server, asking for the password at connect time."""
        mechanism = self.mechanism
        username = self.username or (self.address if "@" in (self.address or "") else None)
        if mechanism != "none" and not username:
            mechanism = "none"
        auth = (
            AuthSettings(mechanism=mechanism, username=username, password=PasswordSource("prompt"))
            if mechanism != "none"
            else AuthSettings()
        )
        if self.kind == "mx":
            message = MessageDefaults(to=(self.address,) if self.address else ())
        else:
            message = MessageDefaults(sender=self.address)
        where = f" for {self.address}" if self.address else ""
        return Profile(
            name=name,
            host=self.host,
            port=self.port,
            security=self.security,
            tags=("discovered",) if self.kind != "mx" else ("discovered", "mx"),
            notes=f"Found by smtptui discover ({self.source}){where}. {self.note}".strip(),
            mail_domain=self.mail_domain if self.kind == "mx" else None,
            auth=auth,
            message=message,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"mechanism": self.mechanism}


@dataclass(frozen=True, slots=True)
class MtaStsPolicy:
    """An MTA-STS policy (RFC 8461): which MX hosts must present valid TLS."""

    mode: str
    mx: tuple[str, ...]
    max_age: int
    version: str = "STSv1"
    txt_id: str | None = None
    url: str | None = None

    def matches(self, host: str) -> bool:
        """RFC 8461 §4.1: exact name, or ``*.`` matching exactly one leftmost label."""
        name = host.lower().rstrip(".")
        for pattern in self.mx:
            pat = pattern.lower().rstrip(".")
            if pat.startswith("*."):
                head, _, rest = name.partition(".")
                if head and rest == pat[2:]:
                    return True
            elif name == pat:
                return True
        return False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class SourceReport:
    """How one source went: ``ok`` with a short result, or the reason it failed."""

    name: str
    target: str
    ok: bool
    detail: str
    elapsed: float = 0.0
    #: the failure itself, when it was a DiscoveryError (its sentence reads in any language)
    error: DiscoveryError | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "target": self.target,
            "ok": self.ok,
            "detail": self.detail,
            "elapsed": self.elapsed,
        }


@dataclass(frozen=True, slots=True)
class DiscoveryResult:
    """Everything :func:`~smtptui.discovery.discover` learned, best candidates first."""

    address: str
    domain: str
    candidates: list[Candidate] = field(default_factory=list)
    mta_sts: MtaStsPolicy | None = None
    warnings: list[str] = field(default_factory=list)
    sources: list[SourceReport] = field(default_factory=list)

    @property
    def source_errors(self) -> list[SourceReport]:
        """The sources that failed (each with its reason)."""
        return [s for s in self.sources if not s.ok]

    def to_dict(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "domain": self.domain,
            "candidates": [c.to_dict() for c in self.candidates],
            "mta_sts": self.mta_sts.to_dict() if self.mta_sts else None,
            "warnings": list(self.warnings),
            "sources": [s.to_dict() for s in self.sources],
        }
