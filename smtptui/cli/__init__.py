"""The ``smtptui`` command: the TUI with no sub-command, headless tools otherwise.

Sub-commands live in their own modules and are imported only when invoked, so
``smtptui --help`` and the TUI start without paying for httpx, aiosmtpd or
cryptography.
"""

from __future__ import annotations

import importlib

import click

from smtptui import __version__

#: sub-command name -> "module:attribute"
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
    "learn": "smtptui.cli.learn_cmd:learn",
}


class LazyGroup(click.Group):
    """A click group whose sub-commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = SUBCOMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                return None
            raise
        return getattr(module, attr)


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="smtptui")
@click.option("--profile", "profile_name", metavar="NAME", help="Open this profile on start.")
@click.option(
    "--profiles-dir",
    type=click.Path(file_okay=False, path_type=str),
    envvar="SMTPTUI_PROFILES_DIR",
    help="Folder of profile TOML files (default: the user config folder).",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    help="Language of explanations (default: SMTPTUI_LANG, then the locale).",
)
@click.pass_context
def main(
    ctx: click.Context, profile_name: str | None, profiles_dir: str | None, lang: str | None
) -> None:
    """smtptui: talk SMTP to mail servers and see every byte of it.

    With no command, starts the full-screen dashboard.
    """
    if ctx.invoked_subcommand is not None:
        return
    from smtptui.cli.tui_cmd import run_tui

    run_tui(profile_name=profile_name, profiles_dir=profiles_dir, lang=lang)
