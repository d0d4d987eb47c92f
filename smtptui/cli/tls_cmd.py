"""``smtptui tls TARGET``: what ``openssl s_client -starttls smtp -showcerts``
shows, verified and explained — and with ``--scan``, what ``testssl.sh``
finds, in seconds.

TARGET is a profile, ``host[:port]``, or ``@domain`` / ``user@domain`` (then
every MX host of the domain on port 25, with its DANE records, and the
domain's MTA-STS policy and TLS-RPT record checked against those hosts).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from smtptui.cli import mx_cmd
from smtptui.cli.common import (
    CliFailure,
    apply_overrides,
    lang_option,
    load_profile,
    run_async,
    session_config,
)
from smtptui.cli.completion import complete_profile_names
from smtptui.protocol.config import SECURITY_MODES

_STYLES = {
    "head": {"bold": True},
    "ok": {"fg": "green"},
    "warn": {"fg": "yellow"},
    "bad": {"fg": "red", "bold": True},
}


def echo_lines(lines: list[tuple[str, str]]) -> None:
    for style, text in lines:
        click.echo(click.style(text, **_STYLES[style]) if style in _STYLES else text)


@click.command()
@click.argument("target", shell_complete=complete_profile_names)
@click.option("--port", "-p", type=click.IntRange(1, 65535), help="Server port (domains: 25).")
@click.option(
    "--security",
    "-s",
    type=click.Choice(SECURITY_MODES),
    help="starttls (default) or tls (implicit, port 465).",
)
@click.option("--helo", metavar="NAME", help="Name to send in EHLO.")
@click.option(
    "--timeout",
    "-t",
    type=click.FloatRange(0.1, 600),
    metavar="SECONDS",
    help="Timeout for connecting, each command and each handshake (default 30; scan: 4 per handshake).",
)
@click.option("--ipv4", "-4", "family", flag_value="ipv4", help="Connect over IPv4 only.")
@click.option("--ipv6", "-6", "family", flag_value="ipv6", help="Connect over IPv6 only.")
@click.option(
    "--ca-file",
    type=click.Path(exists=True, dir_okay=False),
    help="Verify against exactly this CA (PEM) instead of the system's.",
)
@click.option("--tls-name", metavar="NAME", help="SNI and the name to verify (default: the host).")
@click.option(
    "--pem",
    "pem_file",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write the certificates the server sent as PEM to this file ('-': standard output).",
)
@click.option(
    "--dane",
    is_flag=True,
    help="Also match the _PORT._tcp.HOST TLSA records (always on for @domain).",
)
@click.option("--scan", is_flag=True, help="Scan versions, cipher suites, groups and cipher order.")
@click.option(
    "--concurrency",
    "-j",
    type=click.IntRange(1, 64),
    default=16,
    show_default=True,
    help="With --scan: handshakes at once against one server.",
)
@click.option("--json", "json_mode", is_flag=True, help="Print one JSON object.")
@click.option(
    "--profiles-dir",
    type=click.Path(file_okay=False),
    envvar="SMTPTUI_PROFILES_DIR",
    help="Folder of profile TOML files.",
)
@run_async
async def tls(target: str, **opts: Any) -> int:
    """Show the TLS of TARGET: every certificate sent, verified and explained.

    For @domain, also the domain's MTA-STS policy (each MX host covered by
    it and presenting a certificate valid for its name?) and its TLS-RPT
    record.

    Exit 0 when the chain verifies (and DANE, if asked, does not mismatch);
    23 when the handshake fails, the chain does not verify, DANE mismatches
    or the domain's MTA-STS is inconsistent with its MX hosts;
    20-22 when the server cannot be reached or refuses the greeting or EHLO;
    2 for bad input.  With --scan: 0 when the scan ran (its findings are in
    the output), 20 when the server could not be reached at all.
    """
    lang = lang_option()
    domain = mx_cmd.target_domain(target)
    if domain is not None:
        return await _domain(domain, opts, lang)
    profile = load_profile(target, opts["profiles_dir"])
    profile = apply_overrides(
        profile, {k: opts.get(k) for k in ("port", "security", "helo", "timeout", "family")}
    )
    cfg = _config(profile, opts)
    builtin = None
    if profile.builtin_server:  # the demo profile: its own server, on loopback
        from smtptui.builtin import BuiltinServer

        builtin = BuiltinServer()
        cfg = await builtin.retarget(cfg)
    try:
        return await _inspect_profile(cfg, opts, lang)
    finally:
        if builtin is not None:
            await builtin.stop()


async def _inspect_profile(cfg: Any, opts: dict[str, Any], lang: str | None) -> int:
    if opts["scan"]:
        return await _scan(cfg, opts, lang)
    resolver = mx_cmd.make_resolver() if opts["dane"] else None
    code, report = await _one(cfg, opts, lang, resolver, None)
    if opts["json_mode"]:
        click.echo(
            json.dumps(report if isinstance(report, dict) else report.to_dict(), ensure_ascii=False)
        )
    if report is not None and not isinstance(report, dict):
        _write_pem(opts["pem_file"], [(cfg.host, report.pem())], len(report.chain.certs), lang)
    return code


def _config(profile: Any, opts: dict[str, Any]) -> Any:
    cfg = session_config(profile, opts)
    if cfg.security == "plain":  # the point of this command is TLS
        cfg = replace(cfg, security="starttls")
    if cfg.timeout is None:
        cfg = replace(cfg, timeout=30.0)
    return cfg


async def _one(
    cfg: Any, opts: dict[str, Any], lang: str | None, resolver: Any, dane_host: str | None
):
    """Inspect one server; returns (exit code, report or an error dict)."""
    from smtptui.cli.render import CliRenderer
    from smtptui.inspection.handshake import TlsRefused
    from smtptui.inspection.report import inspect_tls, report_lines
    from smtptui.protocol.errors import SmtpError, exit_code_for

    renderer = None if opts["json_mode"] else CliRenderer()
    try:
        report = await inspect_tls(
            cfg, subscriber=renderer, dane_resolver=resolver, dane_host=dane_host, lang=lang
        )
    except TlsRefused as exc:
        text = _t(
            "inspect.error.tls_refused", lang, target=f"{cfg.host}:{cfg.port}", reason=exc.reason
        )
        return 23, _failure(text, 23, opts)
    except SmtpError as exc:
        return exit_code_for(exc), _failure(exc.sentence, exit_code_for(exc), opts, shown=True)
    if renderer is not None:
        echo_lines(report_lines(report, lang))
    dane_bad = report.dane is not None and report.dane.outcome == "mismatch"
    return (0 if report.verification.ok and not dane_bad else 23), report


def _failure(text: str, code: int, opts: dict[str, Any], *, shown: bool = False) -> dict[str, Any]:
    if not opts["json_mode"] and not shown:
        click.echo(click.style(f"*** {text}", fg="red", bold=True), err=True)
    return {"error": text, "exit_code": code}


def _t(key: str, lang: str | None, **values: Any) -> str:
    from smtptui.i18n import t

    return t(key, lang, **values)


async def _scan(cfg: Any, opts: dict[str, Any], lang: str | None) -> int:
    from smtptui.inspection.report import scan_lines
    from smtptui.inspection.scan import scan

    budget = opts["timeout"] or 4.0
    report = await scan(
        replace(cfg, timeout=budget), concurrency=opts["concurrency"], probe_timeout=budget
    )
    if opts["json_mode"]:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        echo_lines(scan_lines(report, lang))
    reached = any(v.state in ("accepted", "refused") for v in report.versions)
    return 0 if reached else 20


async def _domain(domain: str, opts: dict[str, Any], lang: str | None) -> int:
    """Every MX host of ``domain``: its chain, verification and DANE, then the
    domain's MTA-STS checked against them and its TLS-RPT record (or, with
    --scan, each host's configuration)."""
    from smtptui.inspection.errors import InspectionError
    from smtptui.inspection.mx import mx_route

    resolver = mx_cmd.make_resolver()
    try:
        route = await mx_route(domain, resolver)
    except InspectionError as exc:
        raise CliFailure(exc.text(lang), exc.exit_code) from exc
    if route.null_mx:
        raise CliFailure(_t("inspect.error.null_mx", lang, domain=domain), 1)
    if opts["scan"]:
        worst = 0
        for host in route.hosts:
            code, _result, _seen = await _host(host, domain, resolver, opts, lang)
            worst = worst or code
        return worst
    from smtptui.inspection.sts import evaluate, lookup_published, mx_check, sts_lines

    http = mx_cmd.make_http_client()
    lookups = asyncio.ensure_future(
        lookup_published(domain, resolver=resolver, http=http, timeout=opts["timeout"] or 10.0)
    )
    try:
        results: list[dict[str, Any]] = []
        seen: list[tuple[str, Any, Any]] = []  # (host, verification, why unchecked)
        worst = 0
        for host in route.hosts:
            code, result, checked = await _host(host, domain, resolver, opts, lang)
            results.append(result)
            seen.append(checked)
            worst = worst or code
        published = await lookups
    finally:
        lookups.cancel()
        await http.aclose()
    sts = evaluate(published, [mx_check(h, published.policy, v, why) for h, v, why in seen])
    if sts.status == "inconsistent":
        worst = worst or 23
    if opts["json_mode"]:
        click.echo(
            json.dumps(
                {
                    "domain": domain,
                    "mx": route.to_dict(),
                    "servers": [{k: v for k, v in r.items() if k != "_pem"} for r in results],
                    "mta_sts": sts.to_dict(),
                },
                ensure_ascii=False,
            )
        )
    else:
        echo_lines(sts_lines(sts, lang))
    pems = [(r["host"], r["_pem"]) for r in results if r.get("_pem")]
    if pems:
        _write_pem(opts["pem_file"], pems, sum(p.count("BEGIN CERT") for _h, p in pems), lang)
    return worst


async def _host(
    host: Any, domain: str, resolver: Any, opts: dict[str, Any], lang: str | None
) -> tuple[int, dict[str, Any], tuple[str, Any, Any]]:
    """One MX host: (exit code, its JSON, (name, verification or None, why
    it could not be checked))."""
    from smtptui.i18n.sentence import Sentence
    from smtptui.inspection.errors import InspectionError
    from smtptui.inspection.mx import host_addresses
    from smtptui.profiles.model import Profile

    if not opts["json_mode"]:
        click.echo(click.style(f"=== MX {host.preference} {host.name}", bold=True))
    try:
        found = await host_addresses(resolver, host, opts.get("family") or "auto")
    except InspectionError as exc:
        found, reason = [], exc.text(lang)
    else:
        reason = _t("inspect.route.reason_no_address", lang)
    if not found:
        if not opts["json_mode"]:
            click.echo(click.style(f"*** {host.name}: {reason}", fg="red"), err=True)
        why = Sentence.of("inspect.sts.raw", text=reason)
        return 20, {"host": host.name, "error": reason, "exit_code": 20}, (host.name, None, why)
    profile = Profile(
        name=host.name,
        host=found[0],
        port=opts["port"] or 25,
        security=opts["security"] or "starttls",
    )
    profile = apply_overrides(profile, {k: opts.get(k) for k in ("helo", "timeout", "family")})
    cfg = _config(profile, {**opts, "tls_name": opts["tls_name"] or host.name})
    if opts["scan"]:
        code = await _scan(cfg, opts, lang)
        return code, {"host": host.name, "exit_code": code}, (host.name, None, None)
    code, report = await _one(cfg, opts, lang, resolver, host.name)
    if isinstance(report, dict):
        why = Sentence.of("inspect.sts.raw", text=report["error"])
        return code, {"host": host.name, **report}, (host.name, None, why)
    result = {"host": host.name, **report.to_dict(), "_pem": report.pem()}
    return code, result, (host.name, report.verification, None)


def _write_pem(path: str | None, pems: list[tuple[str, str]], count: int, lang: str | None) -> None:
    if not path:
        return
    text = "".join((f"# {host}\n" if len(pems) > 1 else "") + pem for host, pem in pems)
    if path == "-":
        click.echo(text, nl=False)
        return
    try:
        Path(path).write_text(text, encoding="ascii")
    except OSError as exc:
        raise CliFailure(f"{path}: {exc.strerror or exc}") from exc
    click.echo(_t("inspect.tls.pem_written", lang, n=count, path=path), err=True)
