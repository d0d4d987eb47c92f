"""``smtptui profiles ...``: list, show, add, edit, rm, path and init.

Every sub-command takes ``--profiles-dir`` (or ``SMTPTUI_PROFILES_DIR``; the
top-level ``smtptui --profiles-dir`` works too).  A problem the user can fix is
one line on stderr and exit status 2 -- never a traceback -- and no command ever
prints a password: ``show`` masks plain values, and ``add``/``edit`` read a plain
password from a hidden prompt (or stdin), never from the command line.
"""

from __future__ import annotations

import json
import shlex
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from smtptui.cli.completion import complete_profile_names
from smtptui.profiles import (
    MECHANISMS,
    PASSWORD_KINDS,
    Profile,
    ProfileError,
    ProfileStore,
    copy_examples,
)
from smtptui.profiles.model import SAVED_HEADER
from smtptui.profiles.schema import STRING_KEYS
from smtptui.protocol.config import SECURITY_MODES


def _fail(message: str) -> None:
    click.echo(f"smtptui profiles: {message}", err=True)
    sys.exit(2)


class _ProfilesGroup(click.Group):
    """Turns :class:`ProfileError` and OS errors into one line and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ProfileError as exc:
            _fail(str(exc))
        except OSError as exc:
            _fail(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc))


def _dir_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--profiles-dir",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="SMTPTUI_PROFILES_DIR",
        help="Folder of profile TOML files (default: the user config folder).",
    )(func)


def _store(profiles_dir: Path | None) -> ProfileStore:
    if profiles_dir is None:
        root = click.get_current_context().find_root()
        parent = root.params.get("profiles_dir")
        profiles_dir = Path(parent) if parent else None
    return ProfileStore(profiles_dir)


def _warn(lines: list[str]) -> None:
    for line in lines:
        click.echo(f"warning: {line}", err=True)


@click.group(cls=_ProfilesGroup)
def profiles() -> None:
    """Manage saved server profiles (one TOML file each)."""


@profiles.command("list")
@click.option("--tag", "tags", multiple=True, metavar="TAG", help="Only profiles with this tag.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@_dir_option
def list_profiles(tags: tuple[str, ...], as_json: bool, profiles_dir: Path | None) -> None:
    """List profiles; files that do not load are reported on stderr."""
    store = _store(profiles_dir)
    result = store.load()
    wanted = {t.casefold() for t in tags}
    shown = [p for p in result.profiles if wanted <= {t.casefold() for t in p.tags}]
    for error in result.errors:
        click.echo(f"error: {error}", err=True)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "folder": str(store.folder),
                    "profiles": [_summary(p) for p in shown],
                    "errors": [
                        {"file": str(e.path) if e.path else None, "key": e.key, "message": str(e)}
                        for e in result.errors
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if not shown:
        hint = "" if tags else " (try: smtptui profiles init)"
        click.echo(f"no profiles in {store.folder}{hint}")
        return
    rows = [("NAME", "ADDRESS", "SECURITY", "AUTH", "TAGS")]
    for p in shown:
        name = f"{p.name} (bundled)" if p.bundled else p.name
        rows.append((name, p.address, p.security, p.auth_summary, ", ".join(p.tags)))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        click.echo("  ".join([*(c.ljust(w) for c, w in zip(row, widths, strict=False)), row[4]]))


def _summary(p: Profile) -> dict[str, Any]:
    return {
        "name": p.name,
        "host": p.host,
        "port": p.port,
        "security": p.security,
        "auth": {
            "mechanism": p.auth.mechanism,
            "username": p.auth.username,
            "password_source": p.auth.password.kind,
        },
        "tags": list(p.tags),
        "builtin_server": p.builtin_server,
        "bundled": p.bundled,
        "file": str(p.source_path) if p.source_path else None,
    }


@profiles.command()
@click.argument("name", shell_complete=complete_profile_names)
@_dir_option
def show(name: str, profiles_dir: Path | None) -> None:
    """Print a profile as TOML, with any stored password masked."""
    profile = _store(profiles_dir).require(name)
    where = "bundled with smtptui" if profile.bundled else str(profile.source_path)
    click.echo(f"# {where}")
    click.echo(profile.to_toml(), nl=False)
    _warn(profile.warnings)


def _password_options(func: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        [
            click.option(
                "--password-source",
                type=click.Choice(PASSWORD_KINDS, case_sensitive=False),
                help="Where the password comes from (plain asks for it, hidden).",
            ),
            click.option(
                "--password-env", metavar="VAR", help="Environment variable (source env)."
            ),
            click.option(
                "--password-command",
                metavar="'ARGV...'",
                help="Command printing the password, split like a shell line but run without one.",
            ),
        ]
    ):
        func = option(func)
    return func


def _set_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--set",
        "assignments",
        multiple=True,
        metavar="KEY=VALUE",
        help="Set any key, dotted for tables: auth.username=x, tls.verify=false (empty value unsets).",
    )(func)


def _password_table(
    source: str | None, env: str | None, command: str | None
) -> dict[str, Any] | None:
    """``auth.password`` from the options; a plain value is read hidden, never from argv."""
    if source is None:
        source = "env" if env else "command" if command else None
    if source is None:
        return None
    source = source.lower()
    if (env and source != "env") or (command and source != "command"):
        raise ProfileError(
            "--password-env goes with --password-source env, --password-command with command"
        )
    if source == "env":
        if not env:
            raise ProfileError("--password-source env needs --password-env VAR")
        return {"source": "env", "name": env}
    if source == "command":
        if not command:
            raise ProfileError("--password-source command needs --password-command 'ARGV...'")
        try:
            return {"source": "command", "argv": shlex.split(command)}
        except ValueError as exc:
            raise ProfileError(f"--password-command: {exc}") from None
    if source == "plain":
        return {"source": "plain", "value": _read_plain_password()}
    return {"source": source}


def _read_plain_password() -> str:
    if sys.stdin.isatty():
        value = click.prompt(
            "Password to store in the file", hide_input=True, confirmation_prompt=True, err=True
        )
    else:
        value = sys.stdin.readline().rstrip("\r\n")
    if not value:
        raise ProfileError("no password given for --password-source plain")
    return value


def _parse_assignments(assignments: tuple[str, ...]) -> dict[str, Any]:
    """``key=value`` pairs: values are TOML (``587``, ``false``, ``["a"]``) or else text."""
    out: dict[str, Any] = {}
    for item in assignments:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ProfileError(f"--set needs KEY=VALUE, e.g. --set port=587 (got {key or item!r})")
        if key in ("auth.password.value", "auth.password"):
            raise ProfileError(
                "passwords are never given on the command line; use --password-source "
                "(plain asks for it hidden)"
            )
        if text == "":
            out[key] = None
        elif key in STRING_KEYS:
            out[key] = text
        else:
            try:
                out[key] = tomllib.loads(f"v = {text}")["v"]
            except tomllib.TOMLDecodeError:
                out[key] = text
    return out


@profiles.command()
@click.argument("name")
@click.option("--host", required=True, help="Server host name or IP address.")
@click.option("--port", type=click.IntRange(1, 65535), help="Default: 25 / 587 / 465 by security.")
@click.option("--security", type=click.Choice(SECURITY_MODES), help="plain, starttls or tls.")
@click.option("--helo", metavar="NAME", help="Name to send in EHLO.")
@click.option("--user", metavar="LOGIN", help="AUTH user name.")
@click.option("--auth", "mechanism", type=click.Choice(MECHANISMS, case_sensitive=False))
@_password_options
@click.option("--tag", "tags", multiple=True, metavar="TAG", help="A tag (repeatable).")
@click.option("--from", "sender", metavar="ADDRESS", help="Default From address.")
@click.option(
    "--to", "recipients", multiple=True, metavar="ADDRESS", help="Default recipient (repeatable)."
)
@_set_option
@_dir_option
def add(name: str, host: str, port: int | None, security: str | None, helo: str | None,
        user: str | None, mechanism: str | None, password_source: str | None,
        password_env: str | None, password_command: str | None, tags: tuple[str, ...],
        sender: str | None, recipients: tuple[str, ...], assignments: tuple[str, ...],
        profiles_dir: Path | None) -> None:  # fmt: skip
    """Create a profile NAME and save it."""
    store = _store(profiles_dir)
    existing = store.get(name)
    if existing is not None and not existing.bundled:
        raise ProfileError(
            f"a profile named {existing.name!r} already exists; change it with: "
            f"smtptui profiles edit {shlex.quote(existing.name)} --set KEY=VALUE"
        )
    data: dict[str, Any] = {"name": name, "host": host}
    optional = {"port": port, "security": security, "helo": helo, "tags": list(tags) or None}
    data |= {k: v for k, v in optional.items() if v is not None}
    password = _password_table(password_source, password_env, password_command)
    if user or mechanism or password:
        auth: dict[str, Any] = {"mechanism": mechanism} if mechanism else {}
        auth |= {"username": user} if user else {}
        auth |= {"password": password} if password else {}
        data["auth"] = auth
    if sender or recipients:
        data["message"] = {k: v for k, v in (("from", sender), ("to", list(recipients))) if v}
    profile = Profile.from_dict(data).with_settings(_parse_assignments(assignments))
    path = store.save(profile)
    click.echo(f"saved {profile.name} to {path}")
    _warn(profile.warnings)


def _has_comments(text: str) -> bool:
    """True if a hand-written file has comments a save would drop (approximate)."""
    ours = set(SAVED_HEADER.splitlines())
    for line in text.splitlines():
        if line in ours:
            continue
        before, sep, _ = line.partition("#")
        if sep and before.count('"') % 2 == 0 and before.count("'") % 2 == 0:
            return True
    return False


@profiles.command()
@click.argument("name", shell_complete=complete_profile_names)
@_set_option
@_password_options
@_dir_option
def edit(name: str, assignments: tuple[str, ...], password_source: str | None,
         password_env: str | None, password_command: str | None,
         profiles_dir: Path | None) -> None:  # fmt: skip
    """Change keys of profile NAME (validated before anything is written)."""
    store = _store(profiles_dir)
    profile = store.require(name)
    settings = _parse_assignments(assignments)
    password = _password_table(password_source, password_env, password_command)
    if password is not None:
        settings["auth.password"] = password
    if not settings:
        raise ProfileError("nothing to change: give --set KEY=VALUE (or a --password-* option)")
    changed = profile.with_settings(settings)
    path = profile.source_path
    if profile.bundled:
        click.echo(f"note: {profile.name} is bundled; saving your own copy", err=True)
    elif path is not None and _has_comments(path.read_text(encoding="utf-8")):
        click.echo(
            f"warning: {path.name} has comments; saving from smtptui rewrites the file without them",
            err=True,
        )
    previous = None if profile.bundled else profile.name
    saved = store.save(changed, previous_name=previous)
    click.echo(f"saved {changed.name} to {saved}")
    _warn(changed.warnings)


@profiles.command()
@click.argument("name", shell_complete=complete_profile_names)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@_dir_option
def rm(name: str, yes: bool, profiles_dir: Path | None) -> None:
    """Delete profile NAME's file (asks first)."""
    store = _store(profiles_dir)
    profile = store.require(name)
    if profile.bundled or profile.source_path is None:
        raise ProfileError(f"{profile.name!r} is bundled with smtptui and cannot be removed")
    if not yes:
        click.confirm(
            f"Remove profile {profile.name!r} ({profile.source_path})?", abort=True, err=True
        )
    removed = store.delete(profile.name)
    click.echo(f"removed {removed}")


@profiles.command()
@click.argument("name", required=False, shell_complete=complete_profile_names)
@_dir_option
def path(name: str | None, profiles_dir: Path | None) -> None:
    """Print the profiles folder, or the file of profile NAME."""
    store = _store(profiles_dir)
    if name is None:
        click.echo(str(store.folder))
        return
    profile = store.require(name)
    click.echo(str(profile.source_path))


@profiles.command()
@_dir_option
def init(profiles_dir: Path | None) -> None:
    """Copy the bundled example profiles into the folder; never overwrites."""
    store = _store(profiles_dir)
    report = copy_examples(store.folder)
    for copied in report.copied:
        click.echo(f"copied   {copied.name}")
    for skipped, reason in report.skipped:
        click.echo(f"skipped  {skipped.name} ({reason})")
    click.echo(f"{len(report.copied)} copied, {len(report.skipped)} skipped, in {report.folder}")
