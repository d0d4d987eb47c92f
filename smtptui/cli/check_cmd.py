"""``smtptui check TARGET``: connect, EHLO, TLS, AUTH, QUIT — never sends mail.

``smtptui check --all [--tag T]`` does the same for every profile at once and
prints a matrix (or, with ``--json``, one object per profile per line); the
results are saved for ``smtptui compare NAME --last``.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import click

from smtptui.cli.common import (
    CliFailure,
    apply_overrides,
    connection_options,
    credentials,
    display_width,
    lang_option,
    ljust,
    load_profile,
    profiles_folder,
    rjust,
    run_async,
    run_conversation,
    say,
    session_config,
)
from smtptui.cli.completion import complete_profile_names
from smtptui.cli.transport_table import (
    TRANSPORT_COLUMNS,
    transport_cells,
    transport_explanations,
)
from smtptui.units import format_size_limit

#: Options that name one server or one login; meaningless for a whole fleet.
_SINGLE_TARGET_OPTIONS = {
    "port": "--port",
    "security": "--security",
    "user": "--user",
    "password_env": "--password-env",
    "password_stdin": "--password-stdin",
    "password_prompt": "--password-prompt",
}


@click.command()
@click.argument("target", required=False, shell_complete=complete_profile_names)
@click.option(
    "--all",
    "all_profiles",
    is_flag=True,
    help="Check every profile at once and print a table (exit 1 if any fails).",
)
@click.option(
    "--tag",
    "tags",
    multiple=True,
    metavar="TAG",
    help="With --all: only profiles with this tag (repeatable: any of them).",
)
@click.option(
    "--concurrency",
    "-j",
    type=click.IntRange(1, 256),
    default=64,
    show_default=True,
    help="With --all: how many checks run at once (never more than 4 on one server).",
)
@click.option(
    "--scan",
    is_flag=True,
    help="With --all: also scan every TLS profile's configuration (versions, suites, order).",
)
@click.option(
    "--inspect",
    is_flag=True,
    help="With --all: also verify each server's whole chain, match its DANE TLSA records "
    "and check its mail_domain's MTA-STS policy (columns CHAIN, DANE, MTA-STS).",
)
@connection_options
@run_async
async def check(target: str | None, **opts: Any) -> int:
    """Check that TARGET answers, greets, speaks EHLO, does TLS and accepts AUTH.

    TARGET is a profile name, host[:port], or @domain (user@domain): then
    the domain's MX hosts are tried in order on port 25, as a mail server
    would, and the transcript says which was chosen.  Nothing is sent beyond the
    conversation's commands: no mail.  The exit code says which step failed.

    With --all (and optionally --tag), every profile is checked concurrently;
    AUTH is tried where the password is available without asking (env,
    command, keyring, plain).  The exit code is 0 when all pass, 1 when any
    fails (each profile's own code is in the table and the JSON); --json
    prints one object per profile per line, as each check finishes.
    Results are saved for `smtptui compare NAME --last`.
    """
    if opts["scan"] and not (opts["all_profiles"] or opts["tags"]):
        raise CliFailure(say("cli.check.scan_needs_all"))
    if opts["inspect"] and not (opts["all_profiles"] or opts["tags"]):
        raise CliFailure(say("cli.check.inspect_needs_all"))
    if opts["all_profiles"] or opts["tags"]:
        if target:
            raise CliFailure(say("cli.check.target_and_all"))
        return await _check_all(opts)
    if not target:
        raise CliFailure(say("cli.check.no_target"))
    from smtptui.cli.mx_cmd import converse_via_mx, domain_profile, target_domain
    from smtptui.protocol.transaction import Plan

    domain = target_domain(target)
    if domain is not None:  # @domain: through its MX hosts, like a mail server
        profile = domain_profile(domain, opts)
        creds = await credentials(profile, opts)
        code, routed, renderer = await converse_via_mx(
            domain, profile, opts, Plan(credentials=creds)
        )
        if code == 0:
            renderer.note(say("cli.check.passed", summary=_summary(routed.session, creds)))
        return code
    profile = apply_overrides(load_profile(target, opts["profiles_dir"]), opts)
    creds = await credentials(profile, opts)
    outcome, session, renderer = await run_conversation(profile, opts, Plan(credentials=creds))
    if outcome.ok:
        renderer.note(say("cli.check.passed", summary=_summary(session, creds)))
    return outcome.exit_code


def _summary(session, creds) -> str:
    parts = [session.host_label]
    caps = session.capabilities
    if session.tls_info is not None:
        parts.append(f"{session.tls_info.version}")
    if caps is not None and caps.auth_mechanisms:
        parts.append("AUTH " + " ".join(caps.auth_mechanisms))
    if creds is not None:
        parts.append(say("cli.check.authenticated", user=creds.username))
    if caps is not None and caps.size:
        parts.append(f"SIZE {caps.size:,}")
    return ", ".join(parts)


# ------------------------------------------------------------------ --all


def fleet_profiles(profiles_dir: str | None, tags: tuple[str, ...]) -> list[Any]:
    """The profiles of the store (those with any of ``tags``); broken files are
    reported on stderr and skipped."""
    from smtptui.profiles import ProfileStore

    loaded = ProfileStore(profiles_folder(profiles_dir)).load()
    for error in loaded.errors:
        text = error.text(lang_option())
        click.echo(click.style(f"smtptui: {say('cli.skipped', error=text)}", fg="yellow"), err=True)
    wanted = {t.casefold() for t in tags}
    chosen = [p for p in loaded.profiles if not wanted or wanted & {t.casefold() for t in p.tags}]
    if not chosen:
        if tags:
            raise CliFailure(say("cli.check.none_tagged", tags=", ".join(tags)))
        raise CliFailure(say("cli.check.none"))
    return chosen


def fleet_config_hook(opts: dict[str, Any]):
    """Profile -> SessionConfig with the command line's fleet-wide options."""

    def configure(profile):
        return session_config(apply_overrides(profile, opts), opts)

    return configure


async def _check_all(opts: dict[str, Any]) -> int:
    from smtptui.fleet import DEFAULT_TIMEOUT, ResultStore, check_many

    given = [flag for key, flag in _SINGLE_TARGET_OPTIONS.items() if opts.get(key)]
    if opts.get("auth_mech") and opts["auth_mech"].lower() != "none":
        given.append("--auth")
    if given:
        raise CliFailure(say("cli.check.single_options", options=", ".join(given)))
    profiles = fleet_profiles(opts["profiles_dir"], opts["tags"])
    progress = _Progress(len(profiles), enabled=not (opts["quiet"] or opts["json_mode"]))

    def on_result(result) -> None:
        progress.done(result)
        if opts["json_mode"] and not opts["scan"]:
            emit_json_line(result.to_dict())

    started = time.monotonic()
    results = await check_many(
        profiles,
        concurrency=opts["concurrency"],
        timeout=opts["timeout"] or DEFAULT_TIMEOUT,
        on_result=on_result,
        config=fleet_config_hook(opts),
        auth=(opts.get("auth_mech") or "").lower() != "none",
        lang=lang_option(),
        transport=transport_lookups() if opts["inspect"] else False,
    )
    progress.clear()
    if opts["scan"]:
        from smtptui.fleet.tls_scan import scan_fleet

        results = await scan_fleet(profiles, results, config=fleet_config_hook(opts))
        if opts["json_mode"]:
            for result in results:
                emit_json_line(result.to_dict())
    elapsed = time.monotonic() - started
    try:
        ResultStore().save_many(results)
    except OSError as exc:
        click.echo(
            click.style(f"smtptui: {say('cli.not_saved', error=exc)}", fg="yellow"), err=True
        )
    if opts["quiet"]:
        for r in results:
            if not r.ok:
                click.echo(f"{r.profile}: {r.error}", err=True)
    elif not opts["json_mode"]:
        click.echo(render_matrix(results, elapsed))
    return 0 if all(r.ok for r in results) else 1


def transport_lookups() -> Any:
    """The DNS resolver and HTTPS client for --inspect, made when first
    needed (through mx_cmd, where tests put a stub resolver and a client for
    a local server)."""
    from smtptui.cli import mx_cmd
    from smtptui.fleet.transport import TransportLookups

    return TransportLookups(
        resolver_factory=mx_cmd.make_resolver, http_factory=mx_cmd.make_http_client
    )


def emit_json_line(obj: dict[str, Any]) -> None:
    """One JSON object per line, flushed; a reader that went away (``| head``)
    ends the output quietly instead of with a traceback."""
    try:
        click.echo(json.dumps(obj, ensure_ascii=False))
        sys.stdout.flush()
    except BrokenPipeError:
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


class _Progress:
    """``checked 12/50, 2 failed`` on stderr while a terminal watches."""

    def __init__(self, total: int, *, enabled: bool) -> None:
        self.total = total
        self.count = 0
        self.failed = 0
        self.enabled = enabled and sys.stderr.isatty()

    def done(self, result) -> None:
        self.count += 1
        self.failed += not result.ok
        if self.enabled:
            failed = say("cli.check.progress_failed", n=self.failed) if self.failed else ""
            progress = say("cli.check.progress", count=self.count, total=self.total, failed=failed)
            click.echo(f"\r{progress}   ", nl=False, err=True)

    def clear(self) -> None:
        if self.enabled and self.count:
            click.echo("\r\x1b[2K", nl=False, err=True)


# ------------------------------------------------------------------ the matrix

#: The matrix's columns (``cli.check.col.<name>``; TLS, AUTH and SIZE are protocol names).
_HEADERS = ("profile", "address", "result", "total", "TLS", "cert", "AUTH", "SIZE", "extensions")


def _header(name: str) -> str:
    return name if name.isupper() else say(f"cli.check.col.{name}")


_SCAN_STYLES = {
    "critical": {"fg": "red", "bold": True},
    "high": {"fg": "red", "bold": True},
    "medium": {"fg": "yellow"},
    "low": {"fg": "yellow"},
}


def render_matrix(results, elapsed: float) -> str:
    """The table, the failures explained, and a one-line summary."""
    scanned = any(r.scan is not None for r in results)
    inspected = any(r.transport is not None for r in results)
    names = (
        *_HEADERS,
        *(("scan",) if scanned else ()),
        *(tuple(h for _c, h in TRANSPORT_COLUMNS) if inspected else ()),
    )
    headers = [_header(name) for name in names]
    rows = [
        _row(r)
        + ([_scan_cell(r.scan)] if scanned else [])
        + (transport_cells(r.transport, lang_option()) if inspected else [])
        for r in results
    ]
    widths = [display_width(h) for h in headers]
    for row in rows:
        for i, (text, _style) in enumerate(row):
            widths[i] = max(widths[i], display_width(text))
    lines = ["  ".join(ljust(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    for row in rows:
        cells = []
        for (text, style), width in zip(row, widths, strict=True):
            padded = rjust(text, width) if text.endswith(" ms") else ljust(text, width)
            cells.append(click.style(padded, **style) if style else padded)
        lines.append("  ".join(cells).rstrip())
    failed = [r for r in results if not r.ok]
    for r in failed:
        lines.append("")
        lines.append(click.style(f"*** {r.profile} ({r.address}): {r.error}", fg="red"))
        if r.explanation is not None:
            code = f"{r.reply.code} {r.reply.enhanced or ''}".strip() if r.reply else ""
            lines.append(f"    {code}: {r.explanation.title}")
            if r.explanation.hint:
                lines.append(f"    {r.explanation.hint}")
    lines.extend(_scan_explanations(results))
    lines.extend(transport_explanations(results, lang_option()))
    notes = [w for r in results for w in r.warnings]
    if notes:
        lines.append("")
        lines.extend(click.style(f"=== {w}", fg="yellow") for w in notes)
    ok = len(results) - len(failed)
    summary = say(
        "cli.check.summary", n=len(results), ok=ok, failed=len(failed), s=f"{elapsed:.1f}"
    )
    lines.append("")
    lines.append(click.style(summary, bold=True, fg="red" if failed else "green"))
    return "\n".join(lines)


def _row(r) -> list[tuple[str, dict[str, Any]]]:
    caps = r.capabilities
    tls = r.tls
    total = r.latencies.total
    result_style = {"fg": "green"} if r.ok else {"fg": "red", "bold": True}
    lang = lang_option()
    result_text = r.status_text(lang) + ("*" if r.ok and r.auth == "skipped" else "")
    if tls and tls.version:
        version = tls.version
    else:
        version = say("fleet.tls.none") if r.security == "plain" else "—"
    if caps is None:
        size = "—"
    elif caps.size == 0:
        size = say("fleet.size.no_limit")
    else:
        size = format_size_limit(caps.size)
    return [
        (r.profile, {}),
        (r.address, {}),
        (result_text, result_style),
        (f"{total:.0f} ms" if total is not None else "—", {}),
        (version, {}),
        _cert_cell(tls),
        (" ".join(caps.auth) if caps and caps.auth else "—", {}),
        (size, {}),
        (_extensions(caps), {}),
    ]


def _scan_cell(scan) -> tuple[str, dict[str, Any]]:
    if scan is None:
        return ("—", {})
    text = scan.cell_text(lang_option())
    if scan.error:
        return (text, {"fg": "red"})
    return (text, _SCAN_STYLES.get(scan.worst or "", {"fg": "green"}))


def _scan_explanations(results) -> list[str]:
    """Under the table: each scanned profile's findings, worst first, in words."""
    from smtptui.i18n import t
    from smtptui.inspection.findings import Finding

    lang = lang_option()
    out: list[str] = []
    for r in results:
        if r.scan is None or not r.scan.findings:
            continue
        out.append("")
        heading = say("cli.check.scan_heading", profile=r.profile, address=r.address)
        out.append(click.style(f"=== {heading}", bold=True))
        for finding in (Finding(*saved) for saved in r.scan.findings):
            rating = t(f"inspect.rating.{finding.rating}", lang)
            out.append(f"    [{rating}] {finding.title(lang)}")
            out.append(f"      {finding.fix(lang)}")
    return out


def _cert_cell(tls) -> tuple[str, dict[str, Any]]:
    from smtptui.fleet import EXPIRY_WARNING_DAYS

    if tls is None or tls.not_after is None:
        return ("—", {})
    days = tls.days_to_expiry()
    assert days is not None
    if days < 0:
        return (say("fleet.cert.expired"), {"fg": "red", "bold": True})
    left = say("fleet.cert.days", days=days)
    if tls.verify_error:
        return (say("cli.check.untrusted", days=left), {"fg": "red", "bold": True})
    if tls.verified is None:
        return (say("cli.check.unverified", days=left), {"fg": "yellow"})
    if days <= EXPIRY_WARNING_DAYS:
        return (left, {"fg": "yellow"})
    return (left, {"fg": "green"})


def _extensions(caps) -> str:
    if caps is None:
        return "—"
    if not caps.esmtp:
        return say("cli.check.helo_only")
    from smtptui.protocol.capabilities import EXTENSIONS

    flags = [(e.keyword, caps.offers(e.keyword)) for e in EXTENSIONS if e.flag]
    flags.append(("LIMITS", bool(caps.limits)))
    return " ".join(name for name, on in flags if on) or "—"
