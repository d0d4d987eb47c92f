"""The ``smtptui`` command: the TUI with no sub-command, headless tools otherwise.

Sub-commands live in their own modules and are imported only when invoked, so
``smtptui --help``, shell completion and the TUI start without paying for
httpx, aiosmtpd or cryptography. Their names, and the dashboard's options, are
declared once in :mod:`smtptui.launch` (which must not import click); this
module turns those tables into the click group.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import click

from smtptui.launch import DASHBOARD_OPTIONS, SUBCOMMANDS, DashboardOption, start_dashboard

__all__ = ["SUBCOMMANDS", "LazyGroup", "main"]


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

    def shell_complete(
        self, ctx: click.Context, incomplete: str
    ) -> list[click.shell_completion.CompletionItem]:
        """Command names without importing every command's module for its
        one-line help (click's default): a shell waits for this answer."""
        from click.shell_completion import CompletionItem

        names = [CompletionItem(n) for n in self.list_commands(ctx) if n.startswith(incomplete)]
        return names + click.Command.shell_complete(self, ctx, incomplete)


def click_option(option: DashboardOption) -> Callable[[Any], Any]:
    """The click decorator for one row of :data:`~smtptui.launch.DASHBOARD_OPTIONS`."""
    from smtptui.cli.completion import complete_profile_names

    kind: click.ParamType | None = None
    if option.choices:
        kind = click.Choice(option.choices)
    elif option.is_folder:
        kind = click.Path(file_okay=False, path_type=str)
    return click.option(
        option.flag,
        option.dest,
        type=kind,
        metavar=option.metavar,
        envvar=option.envvar,
        help=option.help,
        shell_complete=complete_profile_names if option.is_profile else None,
    )


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from smtptui.cli.version import version_report

    click.echo(version_report())
    ctx.exit()


def _dashboard_options(func: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(DASHBOARD_OPTIONS):
        func = click_option(option)(func)
    return func


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Show the version of smtptui and of the libraries it runs on, and exit.",
)
@_dashboard_options
@click.pass_context
def main(ctx: click.Context, **options: Any) -> None:
    """Talk SMTP to mail servers and see every byte of it.

    With no command, starts the full-screen dashboard (it needs a terminal;
    scripts use the commands below).
    """
    if ctx.invoked_subcommand is not None:
        return
    start_dashboard(**options)
