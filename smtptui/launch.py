"""The ``smtptui`` console script, and the one table of the dashboard's options.

With no sub-command it starts the dashboard straight away, without loading the
CLI framework (first paint is a feature); anything else — a sub-command,
``--help``, ``--version``, a malformed option, a shell asking for completions
(``_SMTPTUI_COMPLETE`` set) — goes to the click CLI, which also reports errors
properly.

The dashboard's options are declared once, in :data:`DASHBOARD_OPTIONS`: this
module parses them by hand for the fast path, and :mod:`smtptui.cli` turns the
same rows into click options, so the two cannot disagree. The sub-commands'
names live here too (:data:`SUBCOMMANDS`), so the refusal below can name them
without importing click.

The dashboard needs a terminal. Started from a script, a pipe or cron
(``smtptui > file``) it would draw escape sequences into the pipe and wait for
keys that never come, so it refuses with exit status 2 and one sentence that
names the sub-commands meant for scripts.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from smtptui.i18n import LANGUAGES

#: The environment variable through which a shell asks for completions (click's protocol).
COMPLETE_VAR = "_SMTPTUI_COMPLETE"

#: sub-command name -> "module:attribute" (imported only when that command runs)
SUBCOMMANDS: dict[str, str] = {
    "check": "smtptui.cli.check_cmd:check",
    "send": "smtptui.cli.send_cmd:send",
    "serve": "smtptui.cli.serve_cmd:serve",
    "explain": "smtptui.cli.explain_cmd:explain",
    "profiles": "smtptui.cli.profiles_cmd:profiles",
    "discover": "smtptui.cli.discover_cmd:discover",
    "compare": "smtptui.cli.compare_cmd:compare",
    "load": "smtptui.cli.load_cmd:load",
    "swaks": "smtptui.cli.swaks_cmd:swaks",
    "tls": "smtptui.cli.tls_cmd:tls",
    "completion": "smtptui.cli.completion:completion",
    "help": "smtptui.cli.manpage:help_command",
    "learn": "smtptui.cli.learn_cmd:learn",
}


@dataclass(frozen=True, slots=True)
class DashboardOption:
    """One option of ``smtptui`` without a sub-command (the dashboard)."""

    flag: str
    #: the keyword of :func:`start_dashboard` (and the click parameter's name)
    dest: str
    help: str
    metavar: str | None = None
    #: the only values accepted (empty: any value)
    choices: tuple[str, ...] = ()
    #: the environment variable that gives the value when the option is absent
    envvar: str | None = None
    #: the value is a folder (the shell completes folder names)
    is_folder: bool = False
    #: the value is a profile name (the shell completes profile names)
    is_profile: bool = False


DASHBOARD_OPTIONS: tuple[DashboardOption, ...] = (
    DashboardOption(
        "--profile",
        "profile_name",
        "Open this profile on start.",
        metavar="NAME",
        is_profile=True,
    ),
    DashboardOption(
        "--profiles-dir",
        "profiles_dir",
        "Folder of profile TOML files (default: the user config folder).",
        metavar="DIR",
        envvar="SMTPTUI_PROFILES_DIR",
        is_folder=True,
    ),
    DashboardOption(
        "--lang",
        "lang",
        "Language of explanations (default: SMTPTUI_LANG, then the locale).",
        choices=LANGUAGES,
    ),
)


def parse_dashboard_options(argv: Sequence[str]) -> dict[str, str] | None:
    """The dashboard's options in ``argv`` by :attr:`DashboardOption.dest`, or
    ``None`` if ``argv`` is anything else (then click parses it and explains)."""
    by_flag = {option.flag: option for option in DASHBOARD_OPTIONS}
    found: dict[str, str] = {}
    args = iter(argv)
    for arg in args:
        flag, eq, value = arg.partition("=")
        option = by_flag.get(flag)
        if option is None or option.dest in found:
            return None
        if not eq:
            value = next(args, "")
            if not value or value.startswith("-"):
                return None
        if option.choices and value not in option.choices:
            return None
        found[option.dest] = value
    return found


def not_a_terminal() -> str | None:
    """Which standard stream is not a terminal (``"stdin"``/``"stdout"``), or ``None``."""
    for name, stream in (("stdin", sys.stdin), ("stdout", sys.stdout)):
        try:
            if stream is None or not stream.isatty():
                return name
        except (AttributeError, ValueError):  # closed or replaced by something odd
            return name
    return None


def refusal(stream: str, lang: str | None = None) -> str:
    """The one sentence said when the dashboard has no terminal to draw on."""
    from smtptui.i18n import t

    return t(
        "cli.no_terminal",
        lang,
        stream=t(f"cli.stream.{stream}", lang),
        commands=", ".join(sorted(SUBCOMMANDS)),
    )


def start_dashboard(
    *, profile_name: str | None = None, profiles_dir: str | None = None, lang: str | None = None
) -> None:
    """Run the dashboard, or exit 2 with :func:`refusal` when there is no terminal."""
    stream = not_a_terminal()
    if stream is not None:
        print(f"smtptui: {refusal(stream, lang)}", file=sys.stderr)
        sys.exit(2)
    import gc

    # Textual and the dashboard's modules are long-lived: no collections while
    # they load (the app turns the collector back on once every pane is drawn)
    gc.disable()
    from smtptui.ui import exit_guard
    from smtptui.ui.app import SmtpTuiApp

    app = SmtpTuiApp(profiles_dir=profiles_dir, profile_name=profile_name, lang=lang)
    # the process ends when its terminal goes away, leaving no demo key behind
    exit_guard.install(app, app.workspace.builtin.remove_temporary_files)
    app.run()
    exit_guard.returned(app.return_code or 0)
    if app.return_code:
        sys.exit(app.return_code)


def main() -> None:
    options = None if COMPLETE_VAR in os.environ else parse_dashboard_options(sys.argv[1:])
    if options is None:
        from smtptui.cli import main as cli

        cli(prog_name="smtptui", complete_var=COMPLETE_VAR)
        return
    start_dashboard(**options)
