"""A TLS configuration scan, like ``testssl.sh`` but in seconds: which
protocol versions a server accepts, which suites per version (grouped as
admins read them), forward secrecy, key-exchange groups, and whether the
server enforces its own cipher order.

How it stays fast: every question is a separate connection (SMTP greeting,
EHLO, STARTTLS, one handshake with a narrow offer), and all of them run at
once, a bounded number at a time, each bounded in time.  Suites are found by
elimination within small groups (one chain per version, category and key
exchange): offer the group, note the suite the server picks, offer the rest,
until the server refuses — so a scan needs about one handshake per accepted
suite, not one per suite the library knows.

Nothing the local OpenSSL cannot offer is reported as "not offered": it is
reported as untested (e.g. SSLv3 and EXPORT suites are compiled out of
modern OpenSSL builds).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from smtptui.inspection import ciphers as cs
from smtptui.inspection.findings import Finding, findings_for, worst_rating
from smtptui.inspection.handshake import (
    CURVES,
    EVERYTHING,
    VERSIONS,
    Handshake,
    Offer,
    TlsRefused,
    can_offer,
    inspect_handshake,
)
from smtptui.protocol.connect import host_label
from smtptui.protocol.errors import SmtpError

if TYPE_CHECKING:
    from smtptui.protocol.config import SessionConfig

DEFAULT_CONCURRENCY = 16
DEFAULT_PROBE_TIMEOUT = 4.0


@dataclass(frozen=True, slots=True)
class Probe:
    state: str  # accepted | refused | untestable | inconclusive
    handshake: Handshake | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class VersionResult:
    """``state``: accepted, refused, untestable (the local library cannot
    offer it) or inconclusive (the connection failed before an answer).
    ``ciphers``: the accepted suites, by category, each chain in the order
    the server picked them.  ``server_order``: does the server impose its own
    preference (``None``: fewer than two suites, or not tested)."""

    version: str
    state: str
    ciphers: tuple[tuple[str, tuple[str, ...]], ...] = ()
    server_order: bool | None = None
    reason: str | None = None

    @property
    def accepted(self) -> bool:
        return self.state == "accepted"

    def suites(self) -> tuple[str, ...]:
        return tuple(s for _cat, names in self.ciphers for s in names)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "state": self.state,
            "ciphers": {cat: list(names) for cat, names in self.ciphers},
            "server_order": self.server_order,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class ScanReport:
    target: str
    security: str
    versions: tuple[VersionResult, ...]
    groups: tuple[str, ...]  # accepted key-exchange groups
    groups_tested: tuple[str, ...]
    untestable: tuple[str, ...]  # categories the local library cannot offer
    findings: tuple[Finding, ...]
    probes: int
    inconclusive: int
    elapsed_ms: float
    library: str

    def version(self, name: str) -> VersionResult | None:
        return next((v for v in self.versions if v.version == name), None)

    @property
    def worst(self) -> str | None:
        return worst_rating(self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "security": self.security,
            "versions": [v.to_dict() for v in self.versions],
            "groups": list(self.groups),
            "groups_tested": list(self.groups_tested),
            "untestable": list(self.untestable),
            "findings": [f.to_dict() for f in self.findings],
            "worst": self.worst,
            "probes": self.probes,
            "inconclusive": self.inconclusive,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "library": self.library,
        }


class _Prober:
    """Runs probes against one server, ``limit`` at a time."""

    def __init__(self, cfg: SessionConfig, limit: int, budget: float) -> None:
        self.cfg = replace(cfg, timeout=min(cfg.timeout or budget, budget))
        self.gate = asyncio.Semaphore(limit)
        self.budget = budget
        self.count = 0
        self.inconclusive = 0

    async def __call__(self, offer: Offer) -> Probe:
        if not can_offer(offer):
            return Probe("untestable")
        async with self.gate:
            self.count += 1
            try:
                async with asyncio.timeout(self.budget):
                    hs = await inspect_handshake(self.cfg, offer)
            except TlsRefused as exc:
                return Probe("refused", reason=exc.reason)
            except (SmtpError, TimeoutError, OSError) as exc:
                self.inconclusive += 1
                return Probe("inconclusive", reason=str(exc) or type(exc).__name__)
        return Probe("accepted", hs)

    async def chain(self, version: str, suites: tuple[str, ...]) -> tuple[str, ...]:
        """Elimination: the suites of ``suites`` the server accepts, in the
        order it picked them."""
        remaining = list(suites)
        found: list[str] = []
        while remaining:
            offer = Offer(version, version, ":".join(remaining) + ":@SECLEVEL=0")
            probe = await self(offer)
            if probe.state != "accepted" or probe.handshake is None:
                break
            picked = probe.handshake.cipher
            if picked not in remaining:  # the server picked something not offered
                break
            found.append(picked)
            remaining.remove(picked)
        return tuple(found)

    async def order(self, version: str, a: str, b: str) -> bool | None:
        """Offer ``a, b`` then ``b, a``: the same pick both times means the
        server imposes its own order."""
        if version == "TLSv1.3":
            offers = [Offer(version, version, tls13_suites=f"{x}:{y}") for x, y in ((a, b), (b, a))]
        else:
            offers = [Offer(version, version, f"{x}:{y}:@SECLEVEL=0") for x, y in ((a, b), (b, a))]
        first, second = await asyncio.gather(*(self(o) for o in offers))
        if first.handshake is None or second.handshake is None:
            return None
        return first.handshake.cipher == second.handshake.cipher


async def scan(
    cfg: SessionConfig,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    probe_timeout: float = DEFAULT_PROBE_TIMEOUT,
) -> ScanReport:
    """Scan the server of ``cfg`` (STARTTLS, or implicit TLS for
    ``security="tls"``).  Never raises for what the server does: a server that
    cannot be reached at all gives a report whose versions are inconclusive."""
    from OpenSSL import SSL

    started = time.monotonic()
    prober = _Prober(cfg, concurrency, probe_timeout)
    groups = cs.by_category()
    everything = f"{EVERYTHING}:!PSK:!SRP"

    async def version_probe(v: str) -> Probe:
        return await prober(Offer(v, v, everything))

    async def chains_for(v: str) -> dict[str, tuple[str, ...]]:
        if v == "TLSv1.3":
            found = await asyncio.gather(
                *(prober(Offer(v, v, tls13_suites=s)) for s in cs.tls13_suites())
            )
            return {
                "aead": tuple(
                    s
                    for s, p in zip(cs.tls13_suites(), found, strict=True)
                    if p.state == "accepted"
                )
            }
        jobs = []
        keys = []
        for cat, names in groups.items():
            for kx in cs.KX_FAMILIES:
                part = tuple(n for n in names if cs.key_exchange(n) == kx)
                if part:
                    keys.append(cat)
                    jobs.append(prober.chain(v, part))
        out: dict[str, list[str]] = {}
        for cat, found in zip(keys, await asyncio.gather(*jobs), strict=True):
            out.setdefault(cat, []).extend(found)
        return {c: tuple(out[c]) for c in cs.CATEGORIES if out.get(c)}

    async def group_probe(v: str, curve: str) -> Probe:
        ciphers = "ECDHE:@SECLEVEL=0" if v != "TLSv1.3" else everything
        return await prober(Offer(v, v, ciphers, curve=curve))

    group_versions = ("TLSv1.3", "TLSv1.2")
    version_task = asyncio.gather(*(version_probe(v) for v in VERSIONS))
    chain_task = asyncio.gather(*(chains_for(v) for v in VERSIONS))
    group_task = asyncio.gather(*(group_probe(v, c) for v in group_versions for c in CURVES))
    probes, chains, group_probes = await asyncio.gather(version_task, chain_task, group_task)

    versions: list[VersionResult] = []
    for v, probe, found in zip(VERSIONS, probes, chains, strict=True):
        cipher_groups = tuple(found.items()) if probe.state == "accepted" else ()
        versions.append(VersionResult(v, probe.state, cipher_groups, None, probe.reason))

    async def with_order(result: VersionResult) -> VersionResult:
        suites = result.suites()
        if not result.accepted or len(suites) < 2:
            return result
        return replace(
            result, server_order=await prober.order(result.version, suites[0], suites[-1])
        )

    versions = list(await asyncio.gather(*(with_order(r) for r in versions)))

    accepted_groups: list[str] = []
    for probe in probes:
        if (
            probe.handshake
            and probe.handshake.group
            and probe.handshake.group not in accepted_groups
        ):
            accepted_groups.append(probe.handshake.group)
    tested = list(CURVES)
    for (_v, curve), probe in zip(
        ((v, c) for v in group_versions for c in CURVES), group_probes, strict=True
    ):
        if probe.state == "accepted" and curve not in accepted_groups:
            accepted_groups.append(curve)
    untestable = tuple(c for c, names in groups.items() if not names)
    report = ScanReport(
        target=host_label(cfg.host, cfg.port),
        security="tls" if cfg.security == "tls" else "starttls",
        versions=tuple(versions),
        groups=tuple(accepted_groups),
        groups_tested=tuple(tested),
        untestable=untestable,
        findings=(),
        probes=prober.count,
        inconclusive=prober.inconclusive,
        elapsed_ms=(time.monotonic() - started) * 1000,
        library=SSL.OpenSSL_version(SSL.OPENSSL_VERSION).decode("ascii", "replace"),
    )
    return replace(report, findings=tuple(findings_for(report)))
