"""The command palette (ctrl+p): one described entry per action of the
dashboard, and every profile (connect, show, edit) searchable by name.

The actions and their words come from the key table (:mod:`smtptui.ui.keys`),
in the app's language, so the palette, the footer and the help screen never
disagree.
"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from smtptui.i18n import t
from smtptui.ui.keys import KEYS


def dashboard_commands(lang: str) -> list[tuple[str, str, str]]:
    """``(title, help, action)`` for every action the palette offers."""
    return [(k.label(lang), k.help(lang), k.action) for k in KEYS if k.palette]


class ProfileCommands(Provider):
    """``ctrl+p`` then a profile name: connect to it, show it, or edit it."""

    def _commands(self):
        app = self.app
        lang = app.lang
        for profile in app.workspace.profiles:
            where = f"{app.where_label(profile)} {profile.security}"
            name = profile.name
            yield (
                "connect",
                t("screen.palette.connect", lang, name=name),
                where,
                partial(app.connect, name),
            )
            yield (
                "show",
                t("screen.palette.show", lang, name=name),
                t("screen.palette.show_help", lang, name=name),
                partial(app.switch_to, name),
            )
            yield (
                "edit",
                t("screen.palette.edit", lang, name=name),
                where,
                partial(app.edit_profile, profile),
            )

    async def discover(self) -> Hits:
        for kind, title, help_text, callback in self._commands():
            if kind == "connect":
                yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for _kind, title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
