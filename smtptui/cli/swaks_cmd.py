"""``smtptui swaks TARGET [send options]``: print the swaks command line that
does what ``smtptui send`` would (the password as an environment variable)."""

from __future__ import annotations

from typing import Any

import click

from smtptui.cli.common import (
    CliFailure,
    apply_overrides,
    lang_option,
    load_profile,
    session_config,
)
from smtptui.cli.send_cmd import send

#: ``send``'s options that say nothing about the conversation itself.
_NOT_EXPORTED = {"show_data", "json_mode", "quiet"}
_BEFORE_MAIL = ("connect", "ehlo", "tls", "auth")


def _export(target: str, **opts: Any) -> None:
    """Print one swaks command line equivalent to `smtptui send TARGET ...`.

    Takes the same options as `smtptui send`.  The password is never printed:
    the line says --auth-password "$VAR", where VAR is --password-env's
    variable, the profile's env variable, or SMTP_PASSWORD (a comment line
    then says to export it).  Swaks verifies certificates only when told to,
    so --tls-verify (and --tls-ca-path) are added when smtptui would verify.
    """
    from smtptui.fleet.swaks import (
        DEFAULT_PASSWORD_ENV,
        SwaksAuth,
        SwaksExportError,
        SwaksMessage,
        swaks_command,
    )

    profile = apply_overrides(load_profile(target, opts["profiles_dir"]), opts)
    if profile.builtin_server:
        raise CliFailure(
            f"{profile.name!r} uses smtptui's built-in server, which exists only while smtptui "
            "runs; start `smtptui serve` and export for its host:port instead"
        )
    message = None if opts["quit_after"] in _BEFORE_MAIL else _message(profile, opts)
    auth = _auth(profile, opts, SwaksAuth, DEFAULT_PASSWORD_ENV)
    try:
        command = swaks_command(
            session_config(profile, opts),
            message=message and SwaksMessage(**message),
            auth=auth,
            quit_after=opts["quit_after"],
            pipelining=opts["pipelining"],
            chunking=opts["chunking"],
        )
    except SwaksExportError as exc:
        raise CliFailure(str(exc)) from exc
    click.echo(command.shell())


def _auth(profile: Any, opts: dict[str, Any], SwaksAuth: Any, default_env: str) -> Any:
    mech = (opts.get("auth_mech") or "").lower()
    settings = profile.auth
    if mech == "none" or (not opts.get("user") and not mech and not settings.enabled):
        return None
    user = opts.get("user") or settings.username
    if not user:
        raise CliFailure(f"--auth {mech or settings.mechanism} needs a user name: add --user NAME")
    mechanism = mech or (settings.mechanism if settings.enabled else "auto")
    if opts.get("password_env"):
        return SwaksAuth(mechanism, user, opts["password_env"], env_is_set_up=True)
    source = settings.password
    if source.kind == "env" and source.env and user == settings.username:
        return SwaksAuth(mechanism, user, source.env, env_is_set_up=True)
    return SwaksAuth(mechanism, user, default_env, env_is_set_up=False)


def _message(profile: Any, opts: dict[str, Any]) -> dict[str, Any]:
    """The message fields, checked the way `send` checks them."""
    from smtptui.message import MessageDraft, MessageError, build_message, parse_header_line

    defaults = profile.message
    sender = opts["from_"] or defaults.sender
    to = tuple(opts["to"]) or defaults.to
    cc = tuple(opts["cc"]) or defaults.cc
    if not (to or cc or opts["bcc"]):
        raise CliFailure(
            "no recipient: add --to ADDRESS (or set to in the profile's [message] table)"
        )
    subject = opts["subject"] if opts["subject"] is not None else defaults.subject
    body = opts["body"] if opts["body"] is not None else defaults.body
    if opts["body"] is not None and opts["body_file"] is not None:
        raise CliFailure("use either --body or --body-file, not both")
    try:
        headers = tuple(": ".join(parse_header_line(h)) for h in opts["headers"])
        build_message(
            MessageDraft(
                from_=sender or "check@example.invalid",
                to=list(to),
                cc=list(cc),
                bcc=list(opts["bcc"]),
                reply_to=opts["reply_to"],
                subject=subject,
                body=body,
                headers=[parse_header_line(h) for h in opts["headers"]],
            )
        )
    except MessageError as exc:
        raise CliFailure(exc.text(lang_option())) from exc
    return {
        "sender": sender,
        "to": tuple(to),
        "cc": tuple(cc),
        "bcc": tuple(opts["bcc"]),
        "reply_to": opts["reply_to"],
        "subject": subject,
        "body": None if opts["body_file"] else body,
        "body_file": opts["body_file"],
        "html_file": opts["html_file"],
        "headers": headers,
        "attachments": tuple(opts["attach"]),
    }


swaks = click.Command(
    "swaks",
    callback=_export,
    params=[p for p in send.params if p.name not in _NOT_EXPORTED],
    help=_export.__doc__,
    short_help="Print the swaks command line that does what `send` would.",
    context_settings={"help_option_names": ["-h", "--help"]},
)
