"""The ``smtptui`` console script.

With no sub-command it starts the dashboard straight away, without loading the
CLI framework (first paint is a feature); anything else — a sub-command,
``--help``, ``--version``, a malformed option — goes to the click CLI, which
also reports errors properly.
"""

from __future__ import annotations

import sys

_TUI_OPTIONS = ("--profile", "--profiles-dir", "--lang")


def _tui_options(argv: list[str]) -> dict[str, str] | None:
    """The dashboard's three options, or ``None`` if ``argv`` is anything else."""
    found: dict[str, str] = {}
    args = iter(argv)
    for arg in args:
        name, eq, value = arg.partition("=")
        if name not in _TUI_OPTIONS or name in found:
            return None
        if not eq:
            value = next(args, "")
            if not value or value.startswith("-"):
                return None
        if name == "--lang" and value not in ("en", "zh"):
            return None
        found[name] = value
    return found


def main() -> None:
    options = _tui_options(sys.argv[1:])
    if options is None:
        from smtptui.cli import main as cli

        cli()
        return
    from smtptui.ui import exit_guard
    from smtptui.ui.app import SmtpTuiApp

    app = SmtpTuiApp(
        profiles_dir=options.get("--profiles-dir"),
        profile_name=options.get("--profile"),
        lang=options.get("--lang"),
    )
    exit_guard.install(app)  # the process ends when its terminal goes away
    app.run()
    exit_guard.returned(app.return_code or 0)
    sys.exit(app.return_code or 0)
