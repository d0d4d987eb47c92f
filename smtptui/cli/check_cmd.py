"""``smtptui check TARGET``: connect, EHLO, TLS, AUTH, QUIT — never sends mail."""

from __future__ import annotations

from typing import Any

import click

from smtptui.cli.common import (
    apply_overrides,
    connection_options,
    credentials,
    load_profile,
    run_async,
    run_conversation,
)


@click.command()
@click.argument("target")
@connection_options
@run_async
async def check(target: str, **opts: Any) -> int:
    """Check that TARGET answers, greets, speaks EHLO, does TLS and accepts AUTH.

    TARGET is a profile name or host[:port].  Nothing is sent beyond the
    conversation's commands: no mail.  The exit code says which step failed.
    """
    from smtptui.protocol.transaction import Plan

    profile = apply_overrides(load_profile(target, opts["profiles_dir"]), opts)
    creds = credentials(profile, opts)
    outcome, session, renderer = await run_conversation(profile, opts, Plan(credentials=creds))
    if outcome.ok:
        renderer.note(f"check passed: {_summary(session, creds)}")
    return outcome.exit_code


def _summary(session, creds) -> str:
    parts = [session.host_label]
    caps = session.capabilities
    if session.tls_info is not None:
        parts.append(f"{session.tls_info.version}")
    if caps is not None and caps.auth_mechanisms:
        parts.append("AUTH " + " ".join(caps.auth_mechanisms))
    if creds is not None:
        parts.append(f"authenticated as {creds.username}")
    if caps is not None and caps.size:
        parts.append(f"SIZE {caps.size:,}")
    return ", ".join(parts)
