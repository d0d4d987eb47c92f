"""Shell completion: ``smtptui completion bash|zsh|fish``, and profile names.

The shells ask through click's protocol: the script a shell loads runs
``smtptui`` with ``_SMTPTUI_COMPLETE=<shell>_complete`` and the words typed so
far (``COMP_WORDS``, ``COMP_CWORD``), and prints what comes back. Click
completes sub-commands, options, choices (``--security``, ``--auth``,
``--quit-after``, ``--lang``) and file or folder paths from the parameters'
types; :func:`complete_profile_names` adds the saved profiles wherever a
profile name is accepted (the arguments and ``--profile`` name it as their
``shell_complete``).

The names are read by :class:`~smtptui.profiles.ProfileStore` itself — the
same folder (``--profiles-dir``, ``SMTPTUI_PROFILES_DIR``, the user config
folder), the same rules (broken files and duplicate names left out, the
bundled ``demo`` included unless the folder has its own) — and nothing of the
dashboard is imported: a completion answers well within a keystroke
(``benchmarks/completion.py`` measures it).

A name that the shell would split or expand (``QQ Mail``) is offered as its
file-name slug (``qq-mail``), which the store resolves to the same profile.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
from click.shell_completion import CompletionItem, get_completion_class

from smtptui.launch import COMPLETE_VAR

#: The shells ``smtptui completion`` writes a script for.
SHELLS: tuple[str, ...] = ("bash", "zsh", "fish")

#: The bundled profile the store lists unless the folder has its own (see ProfileStore.load).
DEMO = "demo"

#: A word every shell takes as it is, unquoted: letters, digits and a few marks
#: (no comma either: click's fish script splits each answer at every comma).
_SHELL_SAFE = re.compile(r"[\w.@+:%=^/-]+")


def _profiles_dir(ctx: click.Context) -> str | None:
    """``--profiles-dir`` of the command being completed, or of a parent (``smtptui
    --profiles-dir D check …``); ``None`` lets the store use its default."""
    current: click.Context | None = ctx
    while current is not None:
        value = current.params.get("profiles_dir")
        if value:
            return str(value)
        current = current.parent
    return None


def _name_and_place(path: Path) -> tuple[str, str] | None:
    """A profile file's name (its ``name`` key, else the file's stem, as the store
    reads it) and where it points; ``None`` for a file the store cannot parse."""
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    name = data.get("name", path.stem)
    if not isinstance(name, str) or not name.strip():
        return None
    host, port = data.get("host"), data.get("port")
    place = str(host) if host else ""
    if place and isinstance(port, int):
        place = f"{place}:{port}"
    return name.strip(), place


def profile_words(profiles_dir: str | None) -> list[tuple[str, str]]:
    """``(word to type, description)`` for every profile in the folder, plus the
    bundled demo, read the way :meth:`ProfileStore.load` reads them (same files,
    same names, first of a duplicate name kept, ``demo`` unless the folder has
    its own) but without validating every key: validating is what takes time
    with hundreds of profiles, and a file that fails it is worth completing —
    the command then says what is wrong with it."""
    from smtptui.profiles import ProfileStore, slugify

    store = ProfileStore(profiles_dir)
    files = store.files()
    found: dict[str, tuple[str, str]] = {}
    for path in files:
        entry = _name_and_place(path)
        if entry is not None:
            found.setdefault(entry[0].casefold(), entry)
    taken = set(found) | {path.stem.casefold() for path in files}
    if DEMO not in taken:
        from smtptui.i18n import t

        found[DEMO] = (DEMO, t("cli.completion.demo"))
    words = []
    for name, place in found.values():
        word = name
        if not _SHELL_SAFE.fullmatch(name) and slugify(name).casefold() not in found:
            word = slugify(name)
        # no comma: click's fish script splits each answer at every comma
        words.append((word, place if word == name else f"{name} ({place})" if place else name))
    return words


def complete_profile_names(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Click's ``shell_complete`` for a parameter that takes a profile name."""
    try:
        words = profile_words(_profiles_dir(ctx))
    except Exception:  # a completion must never print a traceback into the prompt
        return []
    prefix = incomplete.casefold()
    return [
        CompletionItem(word, help=description)
        for word, description in words
        if word.casefold().startswith(prefix)
    ]


def completion_script(shell: str) -> str:
    """The script that makes ``shell`` complete ``smtptui``'s command line."""
    from smtptui.cli import main

    cls = get_completion_class(shell)
    if cls is None:  # pragma: no cover - SHELLS are click's own
        raise click.BadParameter(shell)
    return cls(main, {}, "smtptui", COMPLETE_VAR).source()


@click.command("completion", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the script that makes SHELL complete smtptui's commands, options,
    choices, file names and profile names.

    Save it where your shell looks for completions (once; new shells load it):

    \b
      bash  smtptui completion bash > ~/.local/share/bash-completion/completions/smtptui
      zsh   smtptui completion zsh > ~/.zfunc/_smtptui
            (and in ~/.zshrc, before compinit: fpath+=~/.zfunc)
      fish  smtptui completion fish > ~/.config/fish/completions/smtptui.fish

    Or load it in the running shell: eval "$(smtptui completion bash)".
    """
    click.echo(completion_script(shell), nl=False)
