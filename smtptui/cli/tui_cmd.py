"""Starting the dashboard from ``smtptui`` with no sub-command."""

from __future__ import annotations


def run_tui(*, profile_name: str | None, profiles_dir: str | None, lang: str | None) -> None:
    from smtptui.ui.app import SmtpTuiApp

    SmtpTuiApp(profiles_dir=profiles_dir, profile_name=profile_name, lang=lang).run()
