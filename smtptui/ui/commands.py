"""Command palette: every action of the dashboard, and every profile
(connect, show, edit) searchable by name."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from smtptui.ui.app import SmtpTuiApp


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


def dashboard_commands(app: SmtpTuiApp) -> Iterator[SystemCommand]:
    """Every key binding as a palette command, plus actions that have no key."""
    for binding in app.BINDINGS:
        assert isinstance(binding, Binding)
        if binding.action in ("command_palette", "help"):
            continue
        yield SystemCommand(
            binding.description,
            binding.tooltip or binding.description,
            partial(app.run_action, binding.action),
        )
    yield SystemCommand(
        "Preview DATA", "Exactly the bytes sent after 354", partial(_preview_data, app)
    )
    yield SystemCommand(
        "AUTH helper",
        "Compute the base64 lines of AUTH PLAIN / LOGIN / CRAM-MD5",
        app.action_auth_helper,
    )
    yield SystemCommand(
        "Reload profiles",
        "Read the profile files again (after editing them elsewhere)",
        app.reload_profiles,
    )
    yield SystemCommand(
        "Export as swaks command",
        "The swaks command line for this profile and the composer's message (password as $VAR)",
        app.action_swaks,
    )


def _preview_data(app: SmtpTuiApp) -> None:
    from smtptui.ui.panes import composer_pane

    if (composer := composer_pane(app)) is not None:
        composer.action_preview()
