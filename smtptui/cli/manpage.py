"""The man page smtptui(1), written from the command line's own help, and ``smtptui help``.

The page is not written by hand: :func:`render_manpage` walks the click group
— its usage, help text and options, then every command and ``profiles``
sub-command the same way, then the environment variables the options read —
and writes roff. The result is shipped with the package
(``smtptui/man/smtptui.1``; also installed as ``share/man/man1/smtptui.1`` in
the environment, where ``man smtptui`` finds it when that environment's
``bin`` is on ``PATH``), and a test fails when the shipped page differs from
what the current help gives, so the two cannot drift. After changing a help
text: ``python -m smtptui.cli.manpage --write``.

``smtptui help`` shows the shipped page with ``man -l`` where ``man`` exists,
and otherwise prints the same help texts through a pager.
"""

from __future__ import annotations

import inspect
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click

#: Where the page lives in the package (package data).
MANPAGE = Path(__file__).resolve().parent.parent / "man" / "smtptui.1"

#: A word that starts with a dash: an option such as ``--password-env`` in prose.
_OPTION_WORD = re.compile(r"(?<![\w\\])-[-\w]*")


def _escape(text: str, *, code: bool = False) -> str:
    """Roff-safe text: backslashes, leading dots, and the dashes a reader types
    as ``\\-`` (every dash in command syntax, those of option words in prose),
    so that a formatter never turns them into hyphens."""
    text = text.replace("\\", "\\e")
    if code:
        text = text.replace("-", "\\-")
    else:
        text = _OPTION_WORD.sub(lambda m: m.group().replace("-", "\\-"), text)
    return "\\&" + text if text.startswith((".", "'")) else text


def _paragraphs(help_text: str | None) -> Iterator[tuple[bool, list[str]]]:
    """``(verbatim, lines)`` per paragraph of a click help text (``\\b`` marks a
    paragraph click does not rewrap; ``\\f`` ends what the help shows)."""
    text = inspect.cleandoc(help_text or "").partition("\f")[0]
    for block in re.split(r"\n\s*\n", text):
        lines = block.splitlines()
        if not lines:
            continue
        if lines[0].strip() == "\b":
            yield True, lines[1:]
        else:
            yield False, [" ".join(line.strip() for line in lines)]


def _help_body(help_text: str | None) -> list[str]:
    out: list[str] = []
    for verbatim, lines in _paragraphs(help_text):
        out.append(".PP")
        if verbatim:
            out += [".nf", *(_escape(line, code=True) for line in lines), ".fi"]
        else:
            out += [_escape(line) for line in lines]
    return out


def _options(ctx: click.Context) -> list[str]:
    out: list[str] = []
    for param in ctx.command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None or not record[1]:  # arguments are explained in the text
            continue
        term, help_text = record
        out += [".TP", f"\\fB{_escape(term, code=True)}\\fR", _escape(help_text)]
    return out


def _commands(ctx: click.Context) -> Iterator[click.Context]:
    """Every command below ``ctx``'s group, depth first, as a context of its own."""
    group = ctx.command
    if not isinstance(group, click.Group):
        return
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        sub = click.Context(command, info_name=name, parent=ctx, **command.context_settings)
        yield sub
        yield from _commands(sub)


def _usage(ctx: click.Context) -> str:
    pieces = " ".join(ctx.command.collect_usage_pieces(ctx))
    return f"{ctx.command_path} {pieces}".strip()


def _environment(contexts: list[click.Context]) -> list[str]:
    seen: dict[str, str] = {}
    for ctx in contexts:
        for param in ctx.command.get_params(ctx):
            envvar = getattr(param, "envvar", None)
            names = [envvar] if isinstance(envvar, str) else list(envvar or ())
            for name in names:
                seen.setdefault(name, getattr(param, "help", None) or "")
    out: list[str] = []
    for name, help_text in sorted(seen.items()):
        out += [".TP", f"\\fB{name}\\fR", _escape(help_text)]
    return out


def render_manpage() -> str:
    """smtptui(1) in roff, from the current command line's help."""
    from smtptui import __version__
    from smtptui.cli import main

    root = click.Context(main, info_name="smtptui", **main.context_settings)
    paragraphs = list(_paragraphs(main.help))
    summary = paragraphs[0][1][0].rstrip(".") if paragraphs else "smtptui"
    rest = "\n\n".join(
        ("\b\n" if verbatim else "") + "\n".join(lines) for verbatim, lines in paragraphs[1:]
    )
    commands = list(_commands(root))
    lines = [
        '.\\" -*- coding: UTF-8 -*-',
        ".\\\" Written by `python -m smtptui.cli.manpage --write` from smtptui's --help texts.",
        f'.TH SMTPTUI 1 "" "smtptui {__version__}" "User Commands"',
        ".nh",  # no hyphenation: option names and values are copied from here
        ".ad l",
        ".SH NAME",
        f"smtptui \\- {_escape(summary[0].lower() + summary[1:])}",
        ".SH SYNOPSIS",
        f"\\fBsmtptui\\fR {_escape(_usage(root).removeprefix('smtptui '), code=True)}",
        ".SH DESCRIPTION",
        *_help_body(rest),
        ".SH OPTIONS",
        *_options(root),
        ".SH COMMANDS",
    ]
    for ctx in commands:
        heading = _escape(_usage(ctx), code=True).replace('"', "\\(dq")
        lines.append(f'.SS "{heading}"')
        lines += _help_body(ctx.command.help)
        lines += _options(ctx)
    lines += [".SH ENVIRONMENT", *_environment([root, *commands])]
    lines += [".SH SEE ALSO", "\\fBswaks\\fR(1), \\fBsmtptui help\\fR COMMAND"]
    return "\n".join(lines) + "\n"


def render_text() -> str:
    """The same help texts as plain text, for a machine without ``man``."""
    from smtptui.cli import main

    root = click.Context(main, info_name="smtptui", **main.context_settings)
    parts = [main.get_help(root)]
    parts += [ctx.command.get_help(ctx) for ctx in _commands(root)]
    rule = "\n\n" + "-" * 72 + "\n\n"
    return rule.join(parts) + "\n"


def _command_context(words: tuple[str, ...]) -> click.Context:
    from smtptui.cli import main

    ctx = click.Context(main, info_name="smtptui", **main.context_settings)
    for word in words:
        group = ctx.command
        command = group.get_command(ctx, word) if isinstance(group, click.Group) else None
        if command is None:
            from smtptui.i18n import t

            raise click.UsageError(t("cli.help.unknown", None, command=" ".join(words)))
        ctx = click.Context(command, info_name=word, parent=ctx, **command.context_settings)
    return ctx


def _complete_command(
    ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[click.shell_completion.CompletionItem]:
    """``smtptui help prof<TAB>``, ``smtptui help profiles s<TAB>``: command names."""
    from click.shell_completion import CompletionItem

    try:
        group = _command_context(tuple(ctx.params.get("command") or ())).command
    except click.UsageError:
        return []
    if not isinstance(group, click.Group):
        return []
    names = group.list_commands(ctx)
    return [CompletionItem(name) for name in names if name.startswith(incomplete)]


@click.command("help", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("command", nargs=-1, shell_complete=_complete_command)
@click.option("--path", "show_path", is_flag=True, help="Print where the man page is, and exit.")
def help_command(command: tuple[str, ...], show_path: bool) -> None:
    """Show smtptui's manual (the man page smtptui(1)), or COMMAND's help.

    The manual opens with `man` where it is installed, else in a pager.
    `smtptui help profiles show` is `smtptui profiles show --help`.
    """
    if show_path:
        click.echo(str(MANPAGE))
        return
    if command:
        ctx = _command_context(command)
        click.echo(ctx.command.get_help(ctx))
        return
    man = shutil.which("man")
    if man is not None and MANPAGE.is_file():
        sys.exit(subprocess.run([man, "-l", str(MANPAGE)], check=False).returncode)
    click.echo_via_pager(render_text())


def _write_main(argv: list[str]) -> int:
    page = render_manpage()
    if argv == ["--write"]:
        MANPAGE.parent.mkdir(exist_ok=True)
        MANPAGE.write_text(page, encoding="utf-8")
        print(f"wrote {MANPAGE}")
    elif not argv:
        sys.stdout.write(page)
    else:
        print("usage: python -m smtptui.cli.manpage [--write]", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(_write_main(sys.argv[1:]))
