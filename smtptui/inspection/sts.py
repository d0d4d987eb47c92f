"""A domain's MTA-STS (RFC 8461) checked against its MX hosts, and its TLS-RPT
record (RFC 8460).

:func:`lookup_published` reads what the domain publishes — the ``_mta-sts``
TXT record, the policy over HTTPS (bounded in time and size, no redirects, a
valid certificate required: :func:`smtptui.discovery.mtasts.fetch_policy`)
and the ``_smtp._tls`` record — all at once.  :func:`evaluate` then checks
each MX host as an MTA-STS sender would: is it covered by one of the
policy's ``mx`` patterns, and does it present a certificate valid for its
name?  The verdict (``status``) is what the fleet's column shows:

- ``enforce`` / ``testing``: a valid policy that covers every MX host, each
  with a valid certificate;
- ``none``: no MTA-STS (no TXT record, or a policy of mode ``none``);
- ``inconsistent``: senders would ignore the policy or refuse to deliver
  (the problems say why and what to change);
- ``error``: the DNS lookup failed, so nothing can be said.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from smtptui.discovery.model import DiscoveryError, MtaStsPolicy
from smtptui.discovery.mtasts import (
    StsProblem,
    mx_problems,
    parse_sts_txt,
    policy_url,
    published_problems,
    txt_name,
)
from smtptui.i18n import t
from smtptui.i18n.sentence import Sentence
from smtptui.inspection.tlsrpt import TlsRpt, lookup_tlsrpt, record_name

if TYPE_CHECKING:
    import httpx

    from smtptui.inspection.chain import Verification

STATUSES = ("enforce", "testing", "none", "inconsistent", "error")
#: Seconds for the whole set of look-ups when the caller gives none.
DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class Published:
    """What ``domain`` publishes.  ``lookup_error``: the ``_mta-sts`` TXT
    lookup itself failed (so whether MTA-STS is on cannot be told)."""

    domain: str
    txt: tuple[str, ...] = ()
    txt_id: str | None = None
    policy: MtaStsPolicy | None = None
    policy_error: Sentence | None = None
    content_type: str | None = None
    tlsrpt: TlsRpt = field(default_factory=lambda: TlsRpt("none"))
    lookup_error: Sentence | None = None
    problems: tuple[StsProblem, ...] = ()

    @property
    def policy_url(self) -> str:
        return policy_url(self.domain)


@dataclass(frozen=True, slots=True)
class MxCheck:
    """One MX host as an MTA-STS sender sees it: the policy pattern it
    matches (``None``: none), and its certificate: ``valid`` for its name,
    ``invalid`` or ``unchecked`` (``why`` says why)."""

    host: str
    pattern: str | None
    cert: str
    why: Sentence | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "pattern": self.pattern,
            "cert": self.cert,
            "why": self.why.to_dict() if self.why else None,
        }


@dataclass(frozen=True, slots=True)
class StsReport:
    published: Published
    mx: tuple[MxCheck, ...]
    problems: tuple[StsProblem, ...]
    status: str

    @property
    def domain(self) -> str:
        return self.published.domain

    def to_dict(self) -> dict[str, Any]:
        p = self.published
        return {
            "domain": p.domain,
            "status": self.status,
            "txt": list(p.txt),
            "txt_id": p.txt_id,
            "lookup_error": p.lookup_error.to_dict() if p.lookup_error else None,
            "policy_url": p.policy_url,
            "policy": p.policy.to_dict() if p.policy else None,
            "policy_error": p.policy_error.to_dict() if p.policy_error else None,
            "content_type": p.content_type,
            "mx": [m.to_dict() for m in self.mx],
            "problems": [x.to_dict() for x in self.problems],
            "tlsrpt": p.tlsrpt.to_dict(),
        }


# ------------------------------------------------------------------ looking up


async def lookup_published(
    domain: str, *, resolver: Any, http: httpx.AsyncClient, timeout: float = DEFAULT_TIMEOUT
) -> Published:
    """The TXT records, the policy and TLS-RPT, at once, all within *timeout*.
    Never raises: every failure is in the result."""
    from smtptui.discovery.mtasts import fetch_policy
    from smtptui.inspection.errors import InspectionError
    from smtptui.inspection.mx import query, txt_strings

    async def txt() -> list[str]:
        return txt_strings(await query(resolver, txt_name(domain), "TXT"))

    async def policy() -> tuple[MtaStsPolicy, str]:
        return await fetch_policy(http, domain, timeout=timeout)

    async def bounded(work):
        try:
            async with asyncio.timeout(timeout):
                return await work()
        except TimeoutError:
            return DiscoveryError.of("inspect.fetch.timeout")
        except (DiscoveryError, InspectionError) as exc:
            return exc

    got_txt, got_policy, tlsrpt = await asyncio.gather(
        bounded(txt), bounded(policy), bounded(lambda: lookup_tlsrpt(resolver, domain))
    )
    if not isinstance(tlsrpt, TlsRpt):
        tlsrpt = TlsRpt("error", why=_said(tlsrpt))
    records: list[str] = []
    lookup_error = txt_error = None
    txt_id = None
    if isinstance(got_txt, list):
        records = [r for r in got_txt if r.strip().startswith("v=STSv1")]
        try:
            txt_id = parse_sts_txt(got_txt)
        except DiscoveryError as exc:
            txt_error = exc
    else:
        lookup_error = _said(got_txt)
    fetched = got_policy if isinstance(got_policy, tuple) else None
    policy_error = None if fetched else got_policy
    problems = published_problems(
        domain=domain,
        txt_id=txt_id,
        txt_error=txt_error,
        policy=fetched[0] if fetched else None,
        policy_error=policy_error if isinstance(policy_error, DiscoveryError) else None,
        content_type=fetched[1] if fetched else None,
    )
    return Published(
        domain=domain,
        txt=tuple(records),
        txt_id=txt_id,
        policy=replace(fetched[0], txt_id=txt_id) if fetched else None,
        policy_error=_said(policy_error) if policy_error is not None else None,
        content_type=fetched[1] if fetched else None,
        tlsrpt=tlsrpt,
        lookup_error=lookup_error,
        problems=tuple(problems),
    )


def _said(error: Any) -> Sentence:
    """An error as a sentence in any language."""
    from smtptui.inspection.errors import InspectionError

    if isinstance(error, InspectionError | DiscoveryError) and error.sentence is not None:
        return error.sentence
    return Sentence.of("inspect.sts.raw", text=str(error) or type(error).__name__)


# ------------------------------------------------------------------ checking


def matching_pattern(policy: MtaStsPolicy, host: str) -> str | None:
    """The first ``mx`` pattern of the policy that covers ``host``."""
    for pattern in policy.mx:
        if replace(policy, mx=(pattern,)).matches(host):
            return pattern
    return None


def cert_reason(verification: Verification) -> Sentence:
    """Why a certificate is not valid for the MX host, in a few words."""
    if verification.chain_ok:
        return Sentence.of("inspect.sts.cert.name_mismatch", name=verification.name or "?")
    key = verification.reason or "other"
    return Sentence.of(f"inspect.sts.cert.{key}", detail=verification.detail or "")


def mx_check(
    host: str,
    policy: MtaStsPolicy | None,
    verification: Verification | None,
    unchecked: Sentence | None = None,
) -> MxCheck:
    """``verification`` is the chain checked against ``host`` (``None``: the
    host could not be reached; ``unchecked`` says why)."""
    pattern = matching_pattern(policy, host) if policy is not None else None
    if verification is None:
        why = unchecked or Sentence.of("inspect.sts.raw", text="?")
        return MxCheck(host, pattern, "unchecked", why)
    if verification.ok:
        return MxCheck(host, pattern, "valid")
    return MxCheck(host, pattern, "invalid", cert_reason(verification))


def evaluate(published: Published, mx: list[MxCheck] | tuple[MxCheck, ...]) -> StsReport:
    """The verdict on ``published`` given what each MX host presented."""
    problems = list(published.problems)
    policy = published.policy
    if policy is not None and policy.mode != "none":
        problems += mx_problems(policy, [m.host for m in mx])
        for m in mx:
            if m.cert == "invalid":
                problems.append(
                    StsProblem.of(f"mx_cert_{policy.mode}", host=m.host, reason=m.why or "?")
                )
            elif m.cert == "unchecked":
                problems.append(
                    StsProblem.of("mx_unchecked", broken=False, host=m.host, reason=m.why or "?")
                )
        if policy.mode == "testing" and not any(p.broken for p in problems):
            key = "testing" if published.tlsrpt.state == "ok" else "testing_no_tlsrpt"
            problems.append(StsProblem.of(key, broken=False))
    if published.lookup_error is not None:
        status = "error"
    elif any(p.broken for p in problems):
        status = "inconsistent"
    elif policy is None or policy.mode == "none":
        status = "none"
    else:
        status = policy.mode
    return StsReport(published, tuple(mx), tuple(problems), status)


# ------------------------------------------------------------------ reading


def sts_lines(report: StsReport, lang: str | None = None) -> list[tuple[str, str]]:
    """``(style, text)`` lines for MTA-STS and TLS-RPT, as
    :func:`smtptui.inspection.report.report_lines` makes them."""
    p = report.published
    out: list[tuple[str, str]] = [("head", t("inspect.sts.heading", lang, domain=p.domain))]
    add = out.append
    if p.lookup_error is not None:
        add(("warn", t("inspect.sts.txt_failed", lang, error=p.lookup_error.text(lang))))
    elif p.txt:
        for record in p.txt:
            add(("", t("inspect.sts.txt", lang, name=txt_name(p.domain), record=record)))
    else:
        add(("", t("inspect.sts.txt_none", lang, name=txt_name(p.domain))))
    if p.policy is not None:
        pol = p.policy
        add(("", t("inspect.sts.policy", lang, url=p.policy_url)))
        key = (
            "inspect.sts.policy_facts" if pol.max_age >= 86400 else "inspect.sts.policy_facts_short"
        )
        days = f"{pol.max_age / 86400:.3g}"
        mx = ", ".join(pol.mx) or "—"
        add(("", t(key, lang, mode=pol.mode, max_age=pol.max_age, days=days, mx=mx)))
    elif p.policy_error is not None and (p.txt or p.txt_id):
        add(("bad", t("inspect.sts.policy_failed", lang, url=p.policy_url,
                      reason=p.policy_error.text(lang))))  # fmt: skip
    if p.policy is not None and p.policy.mode != "none":
        for m in report.mx:
            out.append(_mx_line(m, lang))
    for problem in sorted(report.problems, key=lambda p: not p.broken):
        add(("bad" if problem.broken else "warn", "  " + problem.text(lang)))
        add(("", t("inspect.scan.fix_line", lang, fix=problem.fix(lang))))
    style = {"enforce": "ok", "testing": "warn", "inconsistent": "bad", "error": "warn"}
    add((style.get(report.status, ""), t(f"inspect.sts.status.{report.status}", lang)))
    out.extend(tlsrpt_lines(p.domain, p.tlsrpt, lang))
    return out


def _mx_line(m: MxCheck, lang: str | None) -> tuple[str, str]:
    covered = (
        t("inspect.sts.mx_matches", lang, pattern=m.pattern)
        if m.pattern
        else t("inspect.sts.mx_no_match", lang)
    )
    cert = {
        "valid": t("inspect.sts.cert_valid", lang),
        "invalid": t("inspect.sts.cert_invalid", lang, reason=m.why.text(lang) if m.why else "?"),
        "unchecked": t(
            "inspect.sts.cert_unchecked", lang, reason=m.why.text(lang) if m.why else "?"
        ),
    }[m.cert]
    good = m.pattern is not None and m.cert == "valid"
    style = "ok" if good else ("warn" if m.cert == "unchecked" and m.pattern else "bad")
    return style, t("inspect.sts.mx_line", lang, host=m.host, covered=covered, cert=cert)


def tlsrpt_lines(domain: str, rpt: TlsRpt, lang: str | None = None) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = [
        ("head", t("inspect.tlsrpt.heading", lang, name=record_name(domain)))
    ]
    if rpt.state == "ok":
        out.append(("ok", t("inspect.tlsrpt.ok", lang, rua=", ".join(rpt.rua))))
    elif rpt.state == "none":
        out.append(("warn", t("inspect.tlsrpt.none", lang)))
    else:
        reason = rpt.why.text(lang) if rpt.why else "?"
        out.append(("bad" if rpt.state == "invalid" else "warn",
                    t(f"inspect.tlsrpt.{rpt.state}", lang, reason=reason)))  # fmt: skip
    if rpt.record and rpt.state == "invalid":
        out.append(("", f"  {rpt.record}"))
    return out
