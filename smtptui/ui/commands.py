"""Command palette: every profile is searchable (connect, edit, show)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class ProfileCommands(Provider):
    """``ctrl+p`` then a profile name: connect to it or edit it."""

    def _commands(self):
        app = self.app
        pane = app.query_one("ProfilesPane")
        for profile in pane.profiles:
            where = f"{profile.address} {profile.security}"
            yield (f"Connect {profile.name}", f"{where}", partial(app.connect, profile.name))
            yield (
                f"Show {profile.name}",
                f"switch to {profile.name}'s session",
                partial(app.switch_to, profile.name),
            )
            yield (
                f"Edit profile {profile.name}",
                where,
                partial(app.edit_named_profile, profile.name),
            )

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            if title.startswith("Connect"):
                yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
