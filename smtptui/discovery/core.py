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
from smtptui.discovery.mtasts import (
    fetch_policy,
    mx_problems,
    parse_sts_txt,
    policy_url,
    published_problems,
    txt_name,
)

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
    error: DiscoveryError | None = None
    try:
        async with asyncio.timeout_at(deadline):
            value, detail = await work()
        ok = True
    except TimeoutError:
        value, ok, detail = None, False, "no answer in time"
        error = DiscoveryError.of("inspect.fetch.no_answer")
    except DiscoveryError as exc:
        value, ok, detail, error = None, False, str(exc), exc
    except Exception as exc:  # a source must never take the others down
        value, ok, detail = None, False, f"failed unexpectedly: {type(exc).__name__}: {exc}"[:200]
    elapsed = round(time.monotonic() - started, 3)
    return SourceReport(name, target, ok, detail, elapsed, error), value


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
        self.policy_url = policy_url(domain)

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
        records = await lookup_txt(self.resolver, txt_name(self.domain))
        return records, _plural(len(records), "TXT record") if records else "no TXT record"

    async def sts_policy(self) -> tuple[Any, str]:
        policy, content_type = await fetch_policy(self.http, self.domain, timeout=self.timeout)
        return (policy, content_type), f"mode {policy.mode}"


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
                  preference=preference, address=user, note=note, mail_domain=domain)
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
    policy = _mta_sts(domain, values, reports, [c.host for c in mx], warnings)
    return DiscoveryResult(
        address=address,
        domain=domain,
        candidates=candidates,
        mta_sts=policy,
        warnings=warnings,
        sources=reports,
    )


def _mta_sts(
    domain: str,
    values: dict[str, Any],
    reports: list[SourceReport],
    mx_hosts: list[str],
    warnings: list[str],
) -> MtaStsPolicy | None:
    """The policy, and every inconsistency as a warning (the rules are
    :mod:`smtptui.discovery.mtasts`'s, shared with the inspector)."""
    txt_id = txt_error = None
    try:
        txt_id = parse_sts_txt(values.get("mta-sts-txt") or [])
    except DiscoveryError as exc:
        txt_error = exc
    fetched = values.get("mta-sts-policy")
    policy, content_type = fetched if fetched is not None else (None, None)
    failed = next((r for r in reports if r.name == "mta-sts-policy" and not r.ok), None)
    problems = published_problems(
        domain=domain,
        txt_id=txt_id,
        txt_error=txt_error,
        policy=policy,
        policy_error=(failed.error or DiscoveryError(failed.detail)) if failed else None,
        content_type=content_type,
    )
    if policy is not None:
        policy = dataclasses.replace(policy, txt_id=txt_id)
        problems += mx_problems(policy, mx_hosts)
    warnings.extend(f"MTA-STS: {p.text('en')}" for p in problems)
    return policy
