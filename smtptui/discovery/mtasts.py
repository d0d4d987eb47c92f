"""MTA-STS (RFC 8461): the ``_mta-sts`` TXT record, the policy file, and
what is inconsistent between them and the domain's MX hosts.

The one place smtptui reads MTA-STS: ``smtptui discover`` shows it as
information about a domain, the inspector (``smtptui tls @domain``, the
fleet's MTA-STS column) checks it against what each MX host presents.  A
mismatch matters: senders that enforce MTA-STS do not deliver to an MX host
the policy does not cover, or whose certificate is not valid for its name.

Errors and problems are catalogue sentences (``inspect.sts.*``), so they read
in English and Chinese; ``str()`` of an error is its English text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from smtptui.discovery.model import DiscoveryError, MtaStsPolicy
from smtptui.i18n.sentence import Sentence

if TYPE_CHECKING:
    import httpx

MODES = ("enforce", "testing", "none")
#: RFC 8461 §3.2: max_age is at most 31557600 seconds (about a year).
MAX_AGE_LIMIT = 31_557_600
#: Below a day, senders fetch the policy again and again and a short outage of
#: the policy host leaves them without one (RFC 8461 §3.2 suggests weeks).
MAX_AGE_SHORT = 86_400
#: RFC 8461 §3.3: senders may refuse policies larger than 64 KiB.
POLICY_MAX_BYTES = 64 * 1024
_KEY = re.compile(r"[A-Za-z0-9_]+")


def policy_url(domain: str) -> str:
    return f"https://mta-sts.{domain}/.well-known/mta-sts.txt"


def txt_name(domain: str) -> str:
    return f"_mta-sts.{domain}"


def parse_sts_txt(records: list[str]) -> str | None:
    """The policy ``id`` from the TXT records (``v=STSv1; id=...;``), or ``None``.

    Several STSv1 records mean "no policy" per the RFC, reported as an error.
    """
    sts = [r for r in records if r.strip().startswith("v=STSv1")]
    if not sts:
        return None
    if len(sts) > 1:
        raise DiscoveryError.of("inspect.sts.error.txt_several")
    fields = dict(part.strip().partition("=")[::2] for part in sts[0].split(";") if "=" in part)
    policy_id = fields.get("id", "").strip()
    if not re.fullmatch(r"[A-Za-z0-9]{1,32}", policy_id):
        raise DiscoveryError.of("inspect.sts.error.txt_id", got=repr(policy_id))
    return policy_id


def parse_policy(text: str, *, url: str | None = None, txt_id: str | None = None) -> MtaStsPolicy:
    """Parse a ``mta-sts.txt`` policy; :class:`DiscoveryError` says what is wrong."""
    values: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep or not _KEY.fullmatch(key.strip()):
            raise DiscoveryError.of("inspect.sts.error.line", line=repr(line.strip()[:60]))
        values.setdefault(key.strip().lower(), []).append(value.strip())
    version = (values.get("version") or [""])[0]
    if version != "STSv1":
        raise DiscoveryError.of("inspect.sts.error.version", got=repr(version))
    mode = (values.get("mode") or [""])[0].lower()
    if mode not in MODES:
        raise DiscoveryError.of("inspect.sts.error.mode", got=repr(mode))
    max_age_text = (values.get("max_age") or [""])[0]
    if not max_age_text.isdigit():
        raise DiscoveryError.of("inspect.sts.error.max_age", got=repr(max_age_text))
    mx = tuple(values.get("mx", []))
    if mode != "none" and not mx:
        raise DiscoveryError.of("inspect.sts.error.no_mx", mode=mode)
    return MtaStsPolicy(
        mode=mode, mx=mx, max_age=int(max_age_text), version=version, txt_id=txt_id, url=url
    )


async def fetch_policy(
    http: httpx.AsyncClient, domain: str, *, timeout: float
) -> tuple[MtaStsPolicy, str]:
    """GET and parse ``domain``'s policy as RFC 8461 §3.3 says: HTTPS with a
    valid certificate for ``mta-sts.<domain>``, no redirects, at most
    :data:`POLICY_MAX_BYTES`.  Returns the policy and the Content-Type; raises
    :class:`DiscoveryError` (``inspect.fetch.*`` when it could not be fetched,
    ``inspect.sts.error.*`` when it is not a valid policy).  The caller bounds
    the total time (``asyncio.timeout``); *timeout* bounds each network step."""
    from smtptui.discovery.fetch import fetch

    url = policy_url(domain)
    got = await fetch(
        http, url, timeout=timeout, follow_redirects=False, max_bytes=POLICY_MAX_BYTES
    )
    return parse_policy(got.body.decode("utf-8", "replace"), url=url), got.content_type


@dataclass(frozen=True, slots=True)
class StsProblem:
    """One thing wrong with (or worth changing in) a domain's MTA-STS.

    ``sentence`` says what (``inspect.sts.problem.<key>``), :meth:`fix` what
    to change; ``broken`` problems make senders ignore the policy or refuse to
    deliver (the fleet's "inconsistent"), the others are advice.
    """

    key: str
    values: tuple[tuple[str, str | Sentence], ...] = ()
    broken: bool = True

    @classmethod
    def of(cls, key: str, broken: bool = True, **values: object) -> StsProblem:
        return cls(key, Sentence.of("x", **values).values, broken)

    @property
    def sentence(self) -> Sentence:
        return Sentence(f"inspect.sts.problem.{self.key}", self.values)

    @property
    def fix_sentence(self) -> Sentence:
        return Sentence(f"inspect.sts.fix.{self.key}", self.values)

    def text(self, lang: str | None = None) -> str:
        return self.sentence.text(lang)

    def fix(self, lang: str | None = None) -> str:
        return self.fix_sentence.text(lang)

    def to_dict(self) -> dict[str, Any]:
        return {**self.sentence.to_dict(), "broken": self.broken, "fix": self.fix("en")}


def _reason(error: DiscoveryError) -> str | Sentence:
    return error.sentence or str(error)


def published_problems(
    *,
    domain: str,
    txt_id: str | None,
    txt_error: DiscoveryError | None,
    policy: MtaStsPolicy | None,
    policy_error: DiscoveryError | None,
    content_type: str | None,
) -> list[StsProblem]:
    """What is inconsistent in what the domain publishes: the TXT record and
    the policy file, with each other and with RFC 8461."""
    out: list[StsProblem] = []
    if txt_error is not None:
        out.append(StsProblem.of("txt_invalid", domain=domain, reason=_reason(txt_error)))
    if policy is None:
        if txt_id is not None and policy_error is not None:
            invalid = policy_error.sentence is not None and policy_error.sentence.key.startswith(
                "inspect.sts.error."
            )
            out.append(
                StsProblem.of(
                    "policy_invalid" if invalid else "policy_unreachable",
                    id=txt_id,
                    url=policy_url(domain),
                    reason=_reason(policy_error),
                )
            )
        return out
    if txt_id is None and txt_error is None:
        out.append(StsProblem.of("no_txt", domain=domain))
    if content_type and not content_type.lower().startswith("text/plain"):
        out.append(StsProblem.of("content_type", content_type=content_type))
    if policy.max_age > MAX_AGE_LIMIT:
        out.append(StsProblem.of("max_age_long", broken=False, max_age=policy.max_age))
    elif policy.mode != "none" and policy.max_age < MAX_AGE_SHORT:
        out.append(StsProblem.of("max_age_short", broken=False, max_age=policy.max_age))
    return out


def mx_problems(policy: MtaStsPolicy, mx_hosts: list[str]) -> list[StsProblem]:
    """A problem per MX host the policy does not cover (modes enforce/testing)."""
    if policy.mode == "none":
        return []
    patterns = ", ".join(policy.mx)
    return [
        StsProblem.of(f"mx_not_covered_{policy.mode}", host=host, patterns=patterns)
        for host in mx_hosts
        if not policy.matches(host)
    ]


def policy_warnings(policy: MtaStsPolicy, mx_hosts: list[str]) -> list[str]:
    """A warning per MX host that the policy does not cover (modes enforce/testing)."""
    return [problem.text("en") for problem in mx_problems(policy, mx_hosts)]
