"""``smtptui send TARGET``: build a correct message and send it, swaks-style."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from smtptui.cli.common import (
    CliFailure,
    apply_overrides,
    connection_options,
    credentials,
    lang_option,
    load_profile,
    run_async,
    run_conversation,
)
from smtptui.cli.completion import complete_profile_names
from smtptui.protocol.config import BREAKPOINTS


@click.command()
@click.argument("target", required=False, shell_complete=complete_profile_names)
@click.option(
    "--from", "-f", "from_", metavar="ADDRESS", help="Sender (header From and envelope MAIL FROM)."
)
@click.option("--to", "to", multiple=True, metavar="ADDRESS", help="Recipient (repeatable).")
@click.option(
    "--cc",
    multiple=True,
    metavar="ADDRESS",
    help="Copy recipient, shown in the header (repeatable).",
)
@click.option(
    "--bcc",
    multiple=True,
    metavar="ADDRESS",
    help="Blind copy: envelope only, never in the header (repeatable).",
)
@click.option("--reply-to", metavar="ADDRESS", help="Reply-To header.")
@click.option(
    "--subject",
    metavar="TEXT",
    help="Subject (UTF-8 is fine; default: 'smtptui test' and the date).",
)
@click.option("--body", metavar="TEXT", help="Body text (default: a short test text).")
@click.option(
    "--body-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read the body from a file ('-' is not accepted).",
)
@click.option(
    "--html-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Add an HTML alternative from a file.",
)
@click.option(
    "--attach",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Attach a file (repeatable; type guessed from the name).",
)
@click.option(
    "--header", "headers", multiple=True, metavar="'NAME: VALUE'", help="Extra header (repeatable)."
)
@click.option(
    "--quit-after", type=click.Choice(BREAKPOINTS), help="Stop cleanly (QUIT) after this step."
)
@click.option(
    "--pipelining/--no-pipelining",
    default=None,
    help="Use PIPELINING (default: when the server offers it).",
)
@click.option("--chunking", is_flag=True, help="Send with BDAT when the server offers CHUNKING.")
@click.option(
    "--show-data", is_flag=True, help="Print every line of the message (default: the first 100)."
)
@connection_options
@run_async
async def send(target: str | None, **opts: Any) -> int:
    """Send one message to TARGET (a profile name, host[:port] or @domain).

    With no TARGET (or @domain), the message goes where a mail server would
    send it: the MX hosts of the recipients' domain, in order, on port 25.

    The message is built correctly — headers, MIME, UTF-8 subject, attachments —
    and dot-stuffed on the wire.  Defaults (from, to, subject, body) come from the
    profile's [message] table.  The exit code says which step failed.
    """
    from smtptui.cli.mx_cmd import (
        converse_via_mx,
        domain_profile,
        recipients_domain,
        target_domain,
    )
    from smtptui.protocol.transaction import Plan

    domain = target_domain(target) if target else recipients_domain(list(opts["to"]))
    if domain is not None:
        profile = domain_profile(domain, opts)
    else:
        assert target is not None
        profile = apply_overrides(load_profile(target, opts["profiles_dir"]), opts)
    built = _build(profile, opts)
    creds = await credentials(profile, opts)
    plan = Plan(
        credentials=creds,
        envelope=built.envelope,
        message=built.data,
        quit_after=opts["quit_after"],
        pipelining=opts["pipelining"],
        chunking=opts["chunking"],
        smtputf8=built.needs_smtputf8,
    )
    if domain is not None:
        _code, routed, renderer = await converse_via_mx(
            domain, profile, opts, plan, show_data=opts["show_data"]
        )
        outcome = routed.outcome
    else:
        outcome, _session, renderer = await run_conversation(
            profile, opts, plan, show_data=opts["show_data"]
        )
    result = outcome.transaction
    if outcome.ok and result is not None and result.final is not None:
        refused = result.refused
        text = f"message accepted for {len(result.accepted)} recipient(s): {result.final.display_lines()[0]}"
        if refused:
            text += f"; refused: {', '.join(a for a, _ in refused)}"
        renderer.note(text)
    return outcome.exit_code


def _build(profile: Any, opts: dict[str, Any]) -> Any:
    from smtptui.message import MessageDraft, MessageError, build_message, parse_header_line

    defaults = getattr(profile, "message", None)
    sender = opts["from_"] or (defaults.sender if defaults else None)
    to = list(opts["to"]) or list(defaults.to if defaults else [])
    cc = list(opts["cc"]) or list(defaults.cc if defaults else [])
    if not sender:
        raise CliFailure(
            "no sender: add --from ADDRESS (or set from in the profile's [message] table)"
        )
    if not (to or cc or opts["bcc"]):
        raise CliFailure(
            "no recipient: add --to ADDRESS (or set to in the profile's [message] table)"
        )
    if opts["body"] is not None and opts["body_file"] is not None:
        raise CliFailure("use either --body or --body-file, not both")
    body = opts["body"]
    body = _read_text(opts["body_file"], "--body-file") if opts["body_file"] is not None else body
    html = _read_text(opts["html_file"], "--html-file") if opts["html_file"] is not None else None
    try:
        draft = MessageDraft(
            from_=sender,
            to=to,
            cc=cc,
            bcc=list(opts["bcc"]),
            reply_to=opts["reply_to"],
            subject=opts["subject"]
            if opts["subject"] is not None
            else (defaults.subject if defaults else None),
            body=body if body is not None else (defaults.body if defaults else None),
            html=html,
            headers=[parse_header_line(h) for h in opts["headers"]],
            attachments=list(opts["attach"]),
        )
        return build_message(draft)
    except MessageError as exc:
        raise CliFailure(exc.text(lang_option())) from exc


def _read_text(path: Path, option: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CliFailure(
            f"{option} {path}: not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from exc
    except OSError as exc:
        raise CliFailure(f"{option} {path}: {exc.strerror or exc}") from exc
