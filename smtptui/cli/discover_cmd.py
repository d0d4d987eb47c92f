"""``smtptui discover user@domain``: candidate servers from autoconfig, MX and MTA-STS.

Prints one line per source (what it found, or why it failed), the candidates
best first, the MTA-STS policy and warnings; ``--save NAME`` stores a candidate
as a profile.  Exit status: 0 with candidates, 1 with none, 2 for bad input.
With no network every source fails fast or at ``--timeout``, and says so.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import click


def make_http_client() -> Any:
    """The httpx client discovery uses; ``None`` lets :func:`discover` make its own.

    A seam for in-process tests (they return a client on ``httpx.MockTransport``);
    users configure the ISPDB mirror with ``--ispdb-url`` instead.
    """
    return None


def make_resolver() -> Any:
    """The DNS resolver discovery uses; ``None`` means dnspython's (a test seam too)."""
    return None


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"smtptui discover: {message}", err=True)
    sys.exit(code)


@click.command()
@click.argument("address")
@click.option("--save", "save_name", metavar="NAME", help="Save a candidate as profile NAME.")
@click.option(
    "--pick", type=click.IntRange(1), default=1, show_default=True,
    help="Which candidate --save stores (1 = the best).",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option(
    "--ispdb-url", envvar="SMTPTUI_ISPDB_URL", metavar="URL",
    help="Thunderbird ISPDB base URL (a mirror); {domain} is replaced, else the domain is appended.",
)  # fmt: skip
@click.option(
    "--timeout", type=click.FloatRange(0.5, 120), default=10.0, show_default=True,
    metavar="SECONDS", help="Time limit for the whole discovery.",
)  # fmt: skip
@click.option(
    "--profiles-dir", type=click.Path(file_okay=False, path_type=Path),
    envvar="SMTPTUI_PROFILES_DIR", help="Folder of profile TOML files (for --save).",
)  # fmt: skip
def discover(address: str, save_name: str | None, pick: int, as_json: bool,
             ispdb_url: str | None, timeout: float, profiles_dir: Path | None) -> None:  # fmt: skip
    """Find the SMTP servers for ADDRESS (user@domain) from autoconfig, MX and MTA-STS."""
    from smtptui.discovery import DiscoveryError
    from smtptui.discovery import discover as run_discovery
    from smtptui.profiles import ProfileError, ProfileStore

    async def run():
        http = make_http_client()
        try:
            return await run_discovery(
                address, http=http, resolver=make_resolver(), ispdb_url=ispdb_url, timeout=timeout
            )
        finally:
            if http is not None:
                await http.aclose()

    try:
        result = asyncio.run(run())
    except DiscoveryError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    saved: Path | None = None
    if save_name is not None:
        if pick > len(result.candidates):
            _fail(f"--pick {pick}: there are only {len(result.candidates)} candidates")
        if profiles_dir is None:
            parent = click.get_current_context().find_root().params.get("profiles_dir")
            profiles_dir = Path(parent) if parent else None
        try:
            profile = result.candidates[pick - 1].to_profile(save_name)
            store = ProfileStore(profiles_dir)
            existing = store.get(save_name)
            if existing is not None and not existing.bundled:
                raise ProfileError(
                    f"a profile named {existing.name!r} already exists; pick another NAME"
                )
            saved = store.save(profile)
        except ProfileError as exc:
            _fail(str(exc))
    if as_json:
        data = result.to_dict() | {"saved": str(saved) if saved else None}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print(result, saved)
    if not result.candidates:
        sys.exit(1)


def _print(result: Any, saved: Path | None) -> None:
    click.echo(f"discovering SMTP servers for {result.address} (domain {result.domain})")
    click.echo("sources:")
    width = max(len(s.name) for s in result.sources)
    for s in result.sources:
        mark = "ok    " if s.ok else "failed"
        click.echo(f"  {mark}  {s.name.ljust(width)}  {s.detail}  [{s.target}]")
    if result.candidates:
        click.echo("candidates:")
        for n, c in enumerate(result.candidates, 1):
            where = f"{c.host}:{c.port}"
            origin = f"{c.source}: {c.provider}" if c.provider else c.source
            click.echo(f"  {n}. {where:<32} {c.security:<9} {c.label}  ({origin})")
    else:
        click.echo("no candidates found", err=True)
    policy = result.mta_sts
    if policy is not None:
        ident = f", id {policy.txt_id}" if policy.txt_id else ""
        click.echo(
            f"MTA-STS: mode {policy.mode}, mx {', '.join(policy.mx) or '-'}, "
            f"max_age {policy.max_age}{ident}"
        )
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if saved is not None:
        click.echo(f"saved to {saved}")
