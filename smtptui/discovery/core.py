"""``discover(address)``: every source at once, each bounded, none able to stop the others.

Sources, in the order their results are ranked:

1. ``https://autoconfig.DOMAIN/mail/config-v1.1.xml?emailaddress=ADDRESS``
2. ``https://DOMAIN/.well-known/autoconfig/mail/config-v1.1.xml``
3. the Thunderbird ISPDB, ``https://autoconfig.thunderbird.net/v1.1/DOMAIN``
   (base URL from *ispdb_url*, ``$SMTPTUI_ISPDB_URL``, else that default)
4. the domain's MX records, by preference, as port-25 direct-delivery candidates
5. MTA-STS: the ``_mta-sts.DOMAIN`` TXT record and ``https://mta-sts.DOMAIN/.well-known/mta-sts.txt``

They run concurrently.  Each has its own time limit and reports success or its
failure in :attr:`DiscoveryResult.sources`; the whole call ends within *timeout*
(plus a moment to cancel stragglers), even with no network at all.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import os
import re
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from smtptui.discovery.autoconfig import parse_autoconfig
from smtptui.discovery.dnslookup import default_resolver, lookup_mx, lookup_txt
from smtptui.discovery.fetch import fetch
from smtptui.discovery.model import (
    Candidate,
    DiscoveryError,
    DiscoveryResult,
    MtaStsPolicy,
    SourceReport,
)
from smtptui.discovery.mtasts import parse_policy, parse_sts_txt, policy_warnings

if TYPE_CHECKING:
    import httpx

DEFAULT_ISPDB_URL = "https://autoconfig.thunderbird.net/v1.1/"
DEFAULT_TIMEOUT = 10.0
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


def split_address(address: str) -> tuple[str, str]:
    """``(address, ascii domain)`` for ``user@domain`` (or a bare domain)."""
    text = address.strip()
    local, at, domain = text.rpartition("@")
    if at and (not local or any(c.isspace() or c in '<>"' for c in local)):
        raise DiscoveryError(f"{address!r} is not an email address (expected user@example.com)")
    domain = domain.strip().rstrip(".").lower()
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_domain = ""
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        raise DiscoveryError(
            f"{domain or address!r} is not a mail domain (expected user@example.com)"
        )
    return text, ascii_domain


def ispdb_location(base: str, domain: str) -> str:
    """The ISPDB URL for *domain*: ``{domain}`` in *base* is replaced, else appended."""
    if not re.match(r"https?://", base):
        raise DiscoveryError(f"the ISPDB URL must start with http:// or https:// (got {base!r})")
    if "{domain}" in base:
        return base.replace("{domain}", domain)
    return f"{base.rstrip('/')}/{domain}"


async def _timed(
    name: str, target: str, deadline: float, work: Callable[[], Awaitable[tuple[Any, str]]]
) -> tuple[SourceReport, Any]:
    """Run one source until *deadline* (loop time); never raises."""
    started = time.monotonic()
    try:
        async with asyncio.timeout_at(deadline):
            value, detail = await work()
        ok = True
    except TimeoutError:
        value, ok, detail = None, False, "no answer in time"
    except DiscoveryError as exc:
        value, ok, detail = None, False, str(exc)
    except Exception as exc:  # a source must never take the others down
        value, ok, detail = None, False, f"failed unexpectedly: {type(exc).__name__}: {exc}"[:200]
    return SourceReport(name, target, ok, detail, round(time.monotonic() - started, 3)), value


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class _Sources:
    """The lookups for one domain; each returns ``(value, short result text)``."""

    def __init__(
        self, address: str, domain: str, http: httpx.AsyncClient, resolver: Any, timeout: float
    ) -> None:
        self.address = address if "@" in address else None
        self.domain = domain
        self.http = http
        self.resolver = resolver
        self.resolver_error: str | None = None
        self.timeout = timeout
        self.policy_url = f"https://mta-sts.{domain}/.well-known/mta-sts.txt"

    async def autoconfig(self, name: str, url: str) -> tuple[Any, str]:
        got = await fetch(self.http, url, timeout=self.timeout)
        found, notes = parse_autoconfig(
            got.body, source=name, domain=self.domain, address=self.address
        )
        detail = _plural(len(found), "SMTP server") if found else "no SMTP server in the document"
        return (found, notes), detail

    def _need_resolver(self) -> None:
        if self.resolver_error:
            raise DiscoveryError(self.resolver_error)

    async def mx(self) -> tuple[Any, str]:
        self._need_resolver()
        records = await lookup_mx(self.resolver, self.domain)
        return records, "no MX records" if records is None else _plural(len(records), "MX record")

    async def sts_txt(self) -> tuple[Any, str]:
        self._need_resolver()
        records = await lookup_txt(self.resolver, f"_mta-sts.{self.domain}")
        return records, _plural(len(records), "TXT record") if records else "no TXT record"

    async def sts_policy(self) -> tuple[Any, str]:
        got = await fetch(
            self.http, self.policy_url, timeout=self.timeout, follow_redirects=False,
            max_bytes=64 * 1024,
        )  # fmt: skip
        policy = parse_policy(got.body.decode("utf-8", "replace"), url=self.policy_url)
        return (policy, got.content_type), f"mode {policy.mode}"


async def discover(
    address: str,
    *,
    http: httpx.AsyncClient | None = None,
    resolver: Any = None,
    ispdb_url: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> DiscoveryResult:
    """Find SMTP servers for *address*; see the module docstring for the sources.

    *http* and *resolver* are injectable (tests use ``httpx.MockTransport`` and a
    stub resolver); when not given they are created here and closed afterwards.
    Raises :class:`DiscoveryError` only for an address that cannot be looked up.
    """
    address, domain = split_address(address)
    base = ispdb_url or os.environ.get("SMTPTUI_ISPDB_URL") or DEFAULT_ISPDB_URL
    ispdb = ispdb_location(base, domain)
    own_client = http is None
    if http is None:
        import httpx

        from smtptui import __version__

        http = httpx.AsyncClient(headers={"User-Agent": f"smtptui/{__version__} (discover)"})
    src = _Sources(address, domain, http, resolver, timeout)
    if resolver is None:
        try:
            src.resolver = default_resolver(timeout)
        except DiscoveryError as exc:
            src.resolver_error = str(exc)
        except ImportError:
            src.resolver_error = "dnspython is not installed"
    query = quote(address, safe="@")
    plan: list[tuple[str, str, Callable[[], Awaitable[tuple[Any, str]]]]] = []
    for name, url in (
        ("autoconfig", f"https://autoconfig.{domain}/mail/config-v1.1.xml?emailaddress={query}"),
        ("well-known", f"https://{domain}/.well-known/autoconfig/mail/config-v1.1.xml"),
        ("ispdb", ispdb),
    ):
        plan.append((name, url, functools.partial(src.autoconfig, name, url)))
    plan += [
        ("mx", f"{domain} MX", src.mx),
        ("mta-sts-txt", f"_mta-sts.{domain} TXT", src.sts_txt),
        ("mta-sts-policy", src.policy_url, src.sts_policy),
    ]
    deadline = asyncio.get_running_loop().time() + timeout
    tasks = [asyncio.ensure_future(_timed(n, t, deadline, work)) for n, t, work in plan]
    try:
        await asyncio.wait(tasks, timeout=timeout + 1.0)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.wait(tasks, timeout=1.0)
        if own_client:
            await http.aclose()
    outcomes = [
        task.result()
        if task.done() and not task.cancelled()
        else (SourceReport(name, target, False, "cancelled at the deadline", timeout), None)
        for task, (name, target, _) in zip(tasks, plan, strict=True)
    ]
    return _assemble(address, domain, outcomes)


def _mx_candidates(
    domain: str, address: str, mx: list[tuple[int, str]] | None, mx_ok: bool, warnings: list[str]
) -> list[Candidate]:
    """Port-25 candidates by MX preference; the domain itself when it has no MX."""
    user = address if "@" in address else None
    if mx is None:
        if not mx_ok:
            return []
        note = "No MX records: mail goes to the domain itself (implicit MX, RFC 5321 5.1)."
        mx = [(0, domain)]
    else:
        note = ""
        if any(host in ("", ".") for _, host in mx):
            warnings.append(f"{domain} publishes a null MX (RFC 7505): it accepts no mail")
    return [
        Candidate(host=host, port=25, security="starttls", source="mx", kind="mx",
                  preference=preference, address=user, note=note)
        for preference, host in mx
        if host not in ("", ".")
    ]  # fmt: skip


def _assemble(
    address: str, domain: str, outcomes: list[tuple[SourceReport, Any]]
) -> DiscoveryResult:
    """Rank the candidates (autoconfig sources in order, then MX) and add the warnings."""
    reports = [report for report, _ in outcomes]
    values = {report.name: value for report, value in outcomes}
    candidates: list[Candidate] = []
    warnings: list[str] = []
    seen: set[tuple[str, int, str]] = set()
    for name in ("autoconfig", "well-known", "ispdb"):
        found, notes = values.get(name) or ([], [])
        warnings.extend(notes)
        for candidate in found:
            key = (candidate.host.lower(), candidate.port, candidate.security)
            if key not in seen:
                seen.add(key)
                candidates.append(candidate)
    mx_ok = any(r.name == "mx" and r.ok for r in reports)
    mx = _mx_candidates(domain, address, values.get("mx"), mx_ok, warnings)
    candidates.extend(mx)
    policy = _mta_sts(values, reports, [c.host for c in mx], warnings)
    return DiscoveryResult(
        address=address,
        domain=domain,
        candidates=candidates,
        mta_sts=policy,
        warnings=warnings,
        sources=reports,
    )


def _mta_sts(
    values: dict[str, Any], reports: list[SourceReport], mx_hosts: list[str], warnings: list[str]
) -> MtaStsPolicy | None:
    txt_records = values.get("mta-sts-txt") or []
    txt_id = None
    try:
        txt_id = parse_sts_txt(txt_records)
    except DiscoveryError as exc:
        warnings.append(f"MTA-STS: {exc}")
    fetched = values.get("mta-sts-policy")
    if fetched is None:
        failed = next((r for r in reports if r.name == "mta-sts-policy" and not r.ok), None)
        if txt_id and failed is not None:
            warnings.append(
                f"MTA-STS: the TXT record announces a policy (id {txt_id}) but it could not be "
                f"fetched ({failed.detail}); senders that enforce MTA-STS may refuse to deliver"
            )
        return None
    policy, content_type = fetched
    policy = dataclasses.replace(policy, txt_id=txt_id)
    if txt_id is None:
        warnings.append(
            "MTA-STS: a policy is served but there is no v=STSv1 TXT record at _mta-sts, "
            "so senders ignore it"
        )
    if content_type and not content_type.lower().startswith("text/plain"):
        warnings.append(
            f"MTA-STS: the policy is served as {content_type}, RFC 8461 requires text/plain"
        )
    warnings.extend(f"MTA-STS: {w}" for w in policy_warnings(policy, mx_hosts))
    return policy
