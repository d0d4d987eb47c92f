"""``check --all --scan``: the TLS configuration scan of every profile that
uses TLS, all at once — each server's handshakes run in parallel too, a
bounded number per server — folded into each :class:`CheckResult` as
:class:`ScanFacts` for the table, the JSON lines and the saved history."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from smtptui.fleet.results import CheckResult, ScanFacts

if TYPE_CHECKING:
    from collections.abc import Callable

    from smtptui.profiles import Profile
    from smtptui.protocol.config import SessionConfig

#: Servers scanned at once, and handshakes at once against each.
FLEET_SCANS = 16
PER_SERVER = 8


def scan_facts(report: Any) -> ScanFacts:
    """Fold a :class:`~smtptui.inspection.scan.ScanReport` into table facts."""

    reached = any(v.state in ("accepted", "refused") for v in report.versions)
    if not reached:
        return ScanFacts(error="no handshake answered")
    return ScanFacts(
        worst=report.worst,
        findings=tuple((f.key, f.rating, f.values) for f in report.findings if f.rating != "info"),
        versions=tuple(v.version for v in report.versions if v.accepted),
    )


async def scan_fleet(
    profiles: list[Profile],
    results: list[CheckResult],
    *,
    config: Callable[[Profile], SessionConfig] | None = None,
    probe_timeout: float = 4.0,
    servers_at_once: int = FLEET_SCANS,
    per_server: int = PER_SERVER,
) -> list[CheckResult]:
    """``results`` (in ``profiles`` order) with ``scan`` filled in for every
    profile whose security is ``starttls`` or ``tls`` and whose check reached
    the server; the others are returned unchanged."""
    from smtptui.inspection.scan import scan

    gate = asyncio.Semaphore(servers_at_once)
    builtin = None
    if any(p.builtin_server for p in profiles):
        from smtptui.builtin import BuiltinServer

        builtin = BuiltinServer()

    async def one(profile: Profile, result: CheckResult) -> CheckResult:
        if result.security not in ("starttls", "tls") or result.phase == "connect":
            return result
        cfg = config(profile) if config else profile.session_config()
        if builtin is not None and profile.builtin_server:
            cfg = await builtin.retarget(cfg)
        async with gate:
            try:
                report = await scan(
                    replace(cfg, timeout=probe_timeout),
                    concurrency=per_server,
                    probe_timeout=probe_timeout,
                )
            except Exception as exc:  # the local library, say: one sentence
                return replace(result, scan=ScanFacts(error=str(exc) or type(exc).__name__))
        return replace(result, scan=scan_facts(report))

    try:
        return list(
            await asyncio.gather(*(one(p, r) for p, r in zip(profiles, results, strict=True)))
        )
    finally:
        if builtin is not None:
            await builtin.stop()
