"""Options shared by every command that talks to a server, and running one
conversation from the command line (profiles, overrides, password, renderer)."""

from __future__ import annotations

import functools
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import click

from smtptui.protocol.config import DEFAULT_PORTS, SECURITY_MODES
from smtptui.protocol.secret import Secret


def connection_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a command with the options every server-talking command takes."""
    options = [
        click.option(
            "--port",
            "-p",
            type=click.IntRange(1, 65535),
            help="Server port (default: from the profile, or 25/587/465 by security).",
        ),
        click.option(
            "--security",
            "-s",
            type=click.Choice(SECURITY_MODES),
            help="plain, starttls (fail if not offered) or tls (implicit, port 465).",
        ),
        click.option(
            "--helo",
            metavar="NAME",
            help="Name to send in EHLO/HELO (default: this host's name or address literal).",
        ),
        click.option(
            "--timeout",
            "-t",
            type=click.FloatRange(0.1, 3600),
            metavar="SECONDS",
            help="One timeout for connecting and every command (default: RFC 5321's, 2-10 min).",
        ),
        click.option("--ipv4", "-4", "family", flag_value="ipv4", help="Connect over IPv4 only."),
        click.option("--ipv6", "-6", "family", flag_value="ipv6", help="Connect over IPv6 only."),
        click.option("--local-address", metavar="IP", help="Local address to connect from."),
        click.option(
            "--auth",
            "-a",
            "auth_mech",
            type=click.Choice(
                ["auto", "none", "plain", "login", "cram-md5", "xoauth2"], case_sensitive=False
            ),
            help="AUTH mechanism (auto: the strongest offered; none: skip AUTH).",
        ),
        click.option("--user", "-u", metavar="NAME", help="User name for AUTH."),
        click.option(
            "--password-env",
            metavar="VAR",
            help="Read the password (or XOAUTH2 token) from this environment variable.",
        ),
        click.option(
            "--password-stdin",
            is_flag=True,
            help="Read the password from the first line of standard input.",
        ),
        click.option("--password-prompt", is_flag=True, help="Ask for the password (not echoed)."),
        click.option(
            "--ca-file",
            type=click.Path(exists=True, dir_okay=False),
            help="Trust exactly this CA (PEM) instead of the system's.",
        ),
        click.option(
            "--tls-name",
            metavar="NAME",
            help="Name to send as SNI and verify the certificate against (default: the host).",
        ),
        click.option(
            "--client-cert",
            type=click.Path(exists=True, dir_okay=False),
            help="Client certificate (PEM) for TLS.",
        ),
        click.option(
            "--client-key",
            type=click.Path(exists=True, dir_okay=False),
            help="Key of the client certificate, if not in the same file.",
        ),
        click.option(
            "--insecure",
            "-k",
            is_flag=True,
            help="Do not verify the server's certificate (a warning is shown every time).",
        ),
        click.option(
            "--allow-insecure-auth", is_flag=True, help="Allow sending credentials without TLS."
        ),
        click.option(
            "--json",
            "json_mode",
            is_flag=True,
            help="Print one JSON object per event instead of a transcript.",
        ),
        click.option(
            "--quiet", "-q", is_flag=True, help="Print only errors; the exit code tells the rest."
        ),
        click.option(
            "--profiles-dir",
            type=click.Path(file_okay=False),
            envvar="SMTPTUI_PROFILES_DIR",
            help="Folder of profile TOML files.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def lang_option() -> str | None:
    """The ``--lang`` given to ``smtptui`` (``smtptui --lang zh check …``), if any:
    what the commands' own messages are said in (``None``: the environment's)."""
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx else None
    return root.params.get("lang") if root is not None else None


def say(key: str, **values: object) -> str:
    """A command's message from the catalogue, in the ``--lang`` asked for."""
    from smtptui.i18n import t

    return t(key, lang_option(), **values)


def display_width(text: str) -> int:
    """Terminal columns ``text`` occupies (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def ljust(text: str, width: int) -> str:
    """``str.ljust`` by terminal columns."""
    return text + " " * max(0, width - display_width(text))


def rjust(text: str, width: int) -> str:
    return " " * max(0, width - display_width(text)) + text


class CliFailure(click.ClickException):
    """A one-line error with a specific exit code (never a traceback)."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file: Any = None) -> None:
        click.echo(
            click.style(f"smtptui: {self.format_message()}", fg="red"), file=file or sys.stderr
        )


def profiles_folder(profiles_dir: str | None) -> str | None:
    """The command's ``--profiles-dir``, else the one given before the command
    (``smtptui --profiles-dir D check NAME``), else ``None`` (the store's default)."""
    if profiles_dir:
        return profiles_dir
    ctx = click.get_current_context(silent=True)
    parent = ctx.find_root().params.get("profiles_dir") if ctx is not None else None
    return str(parent) if parent else None


def load_profile(target: str, profiles_dir: str | None):
    """A saved profile by name, or an ad-hoc one for ``host[:port]``."""
    from smtptui.profiles import ProfileError, ProfileStore, resolve_target

    try:
        store = ProfileStore(profiles_folder(profiles_dir))
        return resolve_target(target, store)
    except ProfileError as exc:
        raise CliFailure(exc.text(lang_option())) from exc


def apply_overrides(profile, opts: dict[str, Any]):
    """Command-line options win over the profile's values."""
    changes: dict[str, Any] = {}
    if opts.get("security"):
        changes["security"] = opts["security"]
        if not opts.get("port") and profile.port == DEFAULT_PORTS.get(profile.security):
            changes["port"] = DEFAULT_PORTS[opts["security"]]
    if opts.get("port"):
        changes["port"] = opts["port"]
    for key in ("helo", "timeout", "family"):
        if opts.get(key):
            changes[key] = opts[key]
    return profile.replace(**changes) if changes else profile


def session_config(profile, opts: dict[str, Any]):
    cfg = profile.session_config()
    tls = cfg.tls
    if opts.get("ca_file"):
        tls = replace(tls, ca_file=opts["ca_file"], verify=True)
    if opts.get("tls_name"):
        tls = replace(tls, server_hostname=opts["tls_name"])
    if opts.get("client_cert"):
        tls = replace(tls, client_cert=opts["client_cert"], client_key=opts.get("client_key"))
    if opts.get("insecure"):
        tls = replace(tls, verify=False)
    return replace(
        cfg,
        tls=tls,
        local_address=opts.get("local_address") or cfg.local_address,
        allow_insecure_auth=bool(opts.get("allow_insecure_auth")) or cfg.allow_insecure_auth,
    )


async def credentials(profile, opts: dict[str, Any]):
    """Credentials from the options, else from the profile by the one shared
    rule (:func:`~smtptui.profiles.credentials.resolve_credentials`: on a
    terminal, a password source that fails offers a prompt); ``None`` for no
    AUTH.  The password never comes from the command line itself."""
    from smtptui.protocol.transaction import Credentials

    mech = (opts.get("auth_mech") or "").lower()
    if mech == "none":
        return None
    auth = profile.auth
    if not opts.get("user") and not mech and not auth.enabled:
        return None
    user = opts.get("user") or auth.username
    if not user:
        raise CliFailure(f"--auth {mech or auth.mechanism} needs a user name: add --user NAME")
    mechanism = mech or (auth.mechanism if auth.enabled else "auto")
    secret = _password_from_options(opts)
    if secret is None and auth.enabled and user == auth.username:
        secret = await _password_from_profile(profile)
    if secret is None:
        if sys.stdin.isatty():
            secret = Secret(click.prompt(f"Password for {user}", hide_input=True, err=True))
        else:
            raise CliFailure(
                f"no password for {user}: use --password-env VAR, --password-stdin or --password-prompt"
            )
    return Credentials(username=user, secret=secret, mechanism=mechanism)


def _password_from_options(opts: dict[str, Any]) -> Secret | None:
    import os

    chosen = [k for k in ("password_env", "password_stdin", "password_prompt") if opts.get(k)]
    if len(chosen) > 1:
        raise CliFailure("choose one of --password-env, --password-stdin and --password-prompt")
    if opts.get("password_env"):
        var = opts["password_env"]
        if var not in os.environ:
            raise CliFailure(f"the environment variable {var} (from --password-env) is not set")
        return Secret(os.environ[var])
    if opts.get("password_stdin"):
        line = sys.stdin.readline()
        if not line:
            raise CliFailure("--password-stdin: standard input was empty")
        return Secret(line.rstrip("\r\n"))
    if opts.get("password_prompt"):
        return Secret(click.prompt("Password", hide_input=True, err=True))
    return None


async def _password_from_profile(profile) -> Secret | None:
    """The profile's password; ``None`` when only a person could give it and
    none can be asked (no terminal) — the caller says which options help."""
    import asyncio

    from smtptui.profiles.credentials import FAILED, READY, PasswordAnswer, resolve_credentials

    async def ask(_profile, reason: str | None) -> PasswordAnswer | None:
        if reason:
            click.echo(f"{reason}; type the password instead", err=True)
        text = await asyncio.to_thread(
            click.prompt,
            f"Password for {profile.auth.username} at {profile.address}",
            hide_input=True,
            err=True,
        )
        return PasswordAnswer(Secret(text))

    outcome = await resolve_credentials(profile, ask=ask if sys.stdin.isatty() else None)
    if outcome.state == READY and outcome.credentials is not None:
        return outcome.credentials.secret
    if outcome.state == FAILED:
        raise CliFailure(outcome.reason or "no password")
    return None


def run_async(coro_fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run an async click callback; Ctrl-C ends it with exit code 130, quietly."""

    @functools.wraps(coro_fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import asyncio  # here, not at the top: completing a command line needs no event loop

        try:
            code = asyncio.run(coro_fn(*args, **kwargs))
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        if isinstance(code, int) and code:
            sys.exit(code)

    return wrapper


async def run_conversation(profile, opts: dict[str, Any], plan, *, show_data: bool = False):
    """Run ``plan`` against ``profile`` with the CLI renderer; returns the
    :class:`~smtptui.protocol.transaction.Outcome` (errors included, never raised)."""
    from smtptui.builtin import BuiltinServer
    from smtptui.cli.render import CliRenderer
    from smtptui.protocol.session import Session
    from smtptui.protocol.transaction import converse

    renderer = CliRenderer(
        json_mode=opts.get("json_mode", False), quiet=opts.get("quiet", False), show_data=show_data
    )
    cfg = session_config(profile, opts)
    builtin = BuiltinServer() if profile.builtin_server else None
    try:
        if builtin is not None:
            renderer.note("starting the built-in demo server on loopback for this profile")
            cfg = await builtin.retarget(cfg)
        session = Session(cfg)
        session.subscribe(renderer)
        outcome = await converse(session, plan)
    finally:
        if builtin is not None:
            await builtin.stop()
    return outcome, session, renderer
